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

	private static Piece piece(long offset, long length) {
		return Piece.newBuilder().setOffset(offset).setLength(length).build();
	}

}
