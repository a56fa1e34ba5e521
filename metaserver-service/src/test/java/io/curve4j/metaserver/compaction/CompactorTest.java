package io.curve4j.metaserver.compaction;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.metaserver.v1.Piece;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CompactorTest {

	@Test
	void runsJoinOverlappingAndTouchingPiecesAndKeepGapsApart() {
		List<long[]> runs = Compactor.runs(List.of(piece(100, 50), piece(0, 10), piece(5, 20), piece(25, 5), piece(140, 20),
				piece(300, 0)));
		assertThat(runs).containsExactly(new long[] { 0, 30 }, new long[] { 100, 160 });
	}

	@Test
	void onlyThePiecesBeforeTheFirstOnePendingUploadAreCompacted() {
		Piece pending = piece(10, 10).toBuilder().setPendingMount(7).build();
		assertThat(Compactor.uploaded(List.of(piece(0, 10), pending, piece(20, 10)))).containsExactly(piece(0, 10));
		assertThat(Compactor.uploaded(List.of(pending, piece(20, 10)))).isEmpty();
		assertThat(Compactor.uploaded(List.of(piece(0, 10), piece(20, 10)))).containsExactly(piece(0, 10), piece(20, 10));
	}

	@Test
	void anInodeWhoseCompactionFailedIsHandedToTheNextRoundOnce(@TempDir Path dir) {
		MetaCopysets none = new MetaCopysets(dir, null, Duration.ofSeconds(1), Duration.ofMinutes(1));
		Compactor.InodeRef ref = new Compactor.InodeRef(CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(2).build(), 3, 4);
		try (Compactor compactor = new Compactor(none, null, "", true, 4, 1, 4, new SimpleMeterRegistry())) {
			assertThat(compactor.offer(ref)).isTrue();
			// the copyset is not on this metaserver: the compaction fails
			await().atMost(Duration.ofSeconds(10)).until(() -> compactor.queued() == 0);
			assertThat(compactor.takeMissed()).containsExactly(ref);
			assertThat(compactor.takeMissed()).isEmpty();
		}
	}

	private static Piece piece(long offset, long length) {
		return Piece.newBuilder().setOffset(offset).setLength(length).build();
	}

}
