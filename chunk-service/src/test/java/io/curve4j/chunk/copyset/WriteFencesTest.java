package io.curve4j.chunk.copyset;

import org.junit.jupiter.api.Test;

import io.curve4j.proto.common.v1.WriteId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WriteFencesTest {

	@Test
	void aRetryFencesEveryOtherAttemptOfItsWrite() {
		WriteFences fences = new WriteFences();
		assertThat(fences.admit(id(7, 1, 2))).isTrue();
		assertThat(fences.admit(id(7, 1, 1))).isFalse();
		assertThat(fences.admit(id(7, 1, 3))).isFalse();
		assertThat(fences.admit(id(7, 2, 1))).as("another write of the client").isTrue();
		assertThat(fences.admit(id(8, 1, 1))).as("the same request number of another client").isTrue();
	}

	@Test
	void firstTriesAndWritesWithoutAnIdLeaveNoFence() {
		WriteFences fences = new WriteFences();
		assertThat(fences.admit(id(7, 1, 1))).isTrue();
		assertThat(fences.admit(id(7, 1, 1))).isTrue();
		assertThat(fences.admit(WriteId.getDefaultInstance())).isTrue();
		assertThat(fences.size()).isZero();
		// A first try applied before its retry: the retry writes the same bytes again, then fences.
		assertThat(fences.admit(id(7, 1, 2))).isTrue();
		assertThat(fences.admit(id(7, 1, 1))).isFalse();
	}

	@Test
	void survivesASnapshotInOrder() {
		WriteFences fences = new WriteFences();
		fences.admit(id(-1, 5, 2));
		fences.admit(id(3, Long.MIN_VALUE, 4));
		WriteFences restored = new WriteFences();
		restored.admit(id(9, 9, 2));
		restored.restore(fences.lines());
		assertThat(restored.lines()).isEqualTo(fences.lines());
		assertThat(restored.admit(id(-1, 5, 1))).isFalse();
		assertThat(restored.admit(id(3, Long.MIN_VALUE, 1))).isFalse();
		assertThat(restored.admit(id(9, 9, 1))).as("not in the snapshot").isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> restored.restore(java.util.List.of("12")));
	}

	@Test
	void keepsTheNewestFencesOnly() {
		WriteFences fences = new WriteFences();
		for (int i = 0; i <= WriteFences.CAPACITY; i++) {
			fences.admit(id(1, i, 2));
		}
		assertThat(fences.size()).isEqualTo(WriteFences.CAPACITY);
		assertThat(fences.admit(id(1, 0, 1))).as("the oldest went").isTrue();
		assertThat(fences.admit(id(1, WriteFences.CAPACITY, 1))).isFalse();
	}

	static WriteId id(long client, long request, int attempt) {
		return WriteId.newBuilder().setClient(client).setRequest(request).setAttempt(attempt).build();
	}

}
