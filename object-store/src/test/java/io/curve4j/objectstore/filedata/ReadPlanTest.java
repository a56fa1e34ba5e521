package io.curve4j.objectstore.filedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.curve4j.objectstore.filedata.ReadPlan.Segment;
import io.curve4j.proto.metaserver.v1.Piece;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReadPlanTest {

	private static Piece piece(long chunk, long offset, long length) {
		return Piece.newBuilder().setChunkId(chunk).setOffset(offset).setLength(length).build();
	}

	@Test
	void laterPieceOverridesEarlierAndHolesReadZeros() {
		Piece a = piece(1, 0, 100);
		Piece b = piece(2, 40, 20);
		Piece c = piece(3, 150, 10);
		List<Segment> plan = ReadPlan.plan(List.of(a, b, c), 200, 0, 200);
		assertThat(plan).containsExactly(
				new Segment(0, 40, a, 0),
				new Segment(40, 20, b, 0),
				new Segment(60, 40, a, 60),
				new Segment(100, 50, null, 0),
				new Segment(150, 10, c, 0),
				new Segment(160, 40, null, 0));
	}

	@Test
	void olderPieceDoesNotOverrideNewer() {
		Piece newer = piece(2, 0, 10);
		Piece older = piece(1, 5, 10);
		assertThat(ReadPlan.plan(List.of(older, newer), 15, 0, 15)).containsExactly(
				new Segment(0, 10, newer, 0),
				new Segment(10, 5, older, 5));
	}

	@Test
	void neverReadsPastTheLength() {
		Piece a = piece(1, 0, 100);
		assertThat(ReadPlan.plan(List.of(a), 50, 30, 100)).containsExactly(new Segment(30, 20, a, 30));
		assertThat(ReadPlan.plan(List.of(a), 50, 50, 10)).isEmpty();
		assertThat(ReadPlan.plan(List.of(a), 50, 70, 10)).isEmpty();
	}

	@Test
	void rangeInsideOnePieceStartsAtTheRightPieceOffset() {
		Piece a = piece(1, 1000, 4000);
		assertThat(ReadPlan.plan(List.of(a), 10_000, 2500, 100)).containsExactly(new Segment(2500, 100, a, 1500));
	}

	@Test
	void fileWithoutPiecesIsOneHole() {
		assertThat(ReadPlan.plan(List.of(), 4096, 0, 8192)).containsExactly(new Segment(0, 4096, null, 0));
	}

	@Test
	void refusesNegativeArguments() {
		assertThatThrownBy(() -> ReadPlan.plan(List.of(), 10, -1, 5)).isInstanceOf(IllegalArgumentException.class);
	}
}
