package io.curve4j.metaserver.compaction;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.curve4j.proto.metaserver.v1.Piece;

import static org.assertj.core.api.Assertions.assertThat;

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

	private static Piece piece(long offset, long length) {
		return Piece.newBuilder().setOffset(offset).setLength(length).build();
	}

}
