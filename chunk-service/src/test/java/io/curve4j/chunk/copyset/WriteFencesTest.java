package io.curve4j.chunk.copyset;

import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.common.v1.WriteId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WriteFencesTest {

	@Test
	void aRetryFencesEveryOtherAttemptOfItsWrite() {
		WriteFences fences = new WriteFences();
		assertThat(fences.admit(id(7, 1, 2), 1)).isTrue();
		assertThat(fences.admit(id(7, 1, 1), 1)).isFalse();
		assertThat(fences.admit(id(7, 1, 3), 1)).isFalse();
		assertThat(fences.admit(id(7, 2, 1), 1)).as("another write of the client").isTrue();
		assertThat(fences.admit(id(8, 1, 1), 1)).as("the same request number of another client").isTrue();
	}

	@Test
	void firstTriesAndWritesWithoutAnIdLeaveNoFence() {
		WriteFences fences = new WriteFences();
		assertThat(fences.admit(id(7, 1, 1), 1)).isTrue();
		assertThat(fences.admit(id(7, 1, 1), 1)).isTrue();
		assertThat(fences.admit(WriteId.getDefaultInstance(), 1)).isTrue();
		assertThat(fences.size()).isZero();
		// A first try applied before its retry: the retry writes the same bytes again, then fences.
		assertThat(fences.admit(id(7, 1, 2), 1)).isTrue();
		assertThat(fences.admit(id(7, 1, 1), 1)).isFalse();
	}

	@Test
	void survivesASnapshotInOrder() {
		WriteFences fences = new WriteFences();
		fences.admit(id(-1, 5, 2), 1);
		fences.admit(id(3, Long.MIN_VALUE, 4), 1);
		WriteFences restored = new WriteFences();
		restored.admit(id(9, 9, 2), 1);
		restored.restore(fences.lines());
		assertThat(restored.lines()).isEqualTo(fences.lines());
		assertThat(restored.admit(id(-1, 5, 1), 1)).isFalse();
		assertThat(restored.admit(id(3, Long.MIN_VALUE, 1), 1)).isFalse();
		assertThat(restored.admit(id(9, 9, 1), 1)).as("not in the snapshot").isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> restored.restore(java.util.List.of("12")));
	}

	@Test
	void aFloodOfRetriesCannotPushOutRecentFences() {
		WriteFences fences = new WriteFences();
		fences.reserve(1, 10);
		fences.admit(id(1, 1, 2), 10);
		// batched entries of 16 retries each, until the set is full
		long index = 11;
		int request = 0;
		while (fences.size() + 16 <= WriteFences.CAPACITY) {
			fences.reserve(16, index);
			for (int i = 0; i < 16; i++) {
				fences.admit(id(666, request++, 2), index);
			}
			index++;
		}
		long flood = index;
		assertThatThrownBy(() -> fences.reserve(16, flood)).isInstanceOfSatisfying(CurveException.class,
				e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED));
		assertThat(fences.admit(id(1, 1, 1), index)).as("the victim's fence holds").isFalse();
		// once the oldest fences are WINDOW entries old, they make room, oldest first
		fences.reserve(16, 10 + WriteFences.WINDOW);
		assertThat(fences.admit(id(1, 1, 1), index)).as("the oldest went").isTrue();
		assertThat(fences.admit(id(666, 0, 1), index)).as("younger fences stay").isFalse();
	}

	@Test
	void readsSnapshotLinesWithoutAnIndex() {
		WriteFences fences = new WriteFences();
		fences.restore(java.util.List.of("7 1", "8 2 40"));
		assertThat(fences.lines()).containsExactly("7 1 0", "8 2 40");
	}

	static WriteId id(long client, long request, int attempt) {
		return WriteId.newBuilder().setClient(client).setRequest(request).setAttempt(attempt).build();
	}

}
