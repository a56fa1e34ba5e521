package io.curve4j.objectstore.filedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.Piece;
import org.junit.jupiter.api.Test;

class BlockNamesTest {

	private final BlockNames names = new BlockNames("fs/", 4L << 20);

	@Test
	void keyFollowsThePinnedFormat() {
		assertThat(names.key(7, 12345, 99, 3, 0)).isEqualTo("fs/7_12345_99_3_0");
		assertThat(names.key(7, 12345, 99, 3, 0)).startsWith(BlockNames.inodePrefix("fs/", 7, 12345));
	}

	@Test
	void inodePrefixDoesNotMatchAnotherInodeWithTheSameDigits() {
		assertThat(names.key(7, 123450, 1, 0, 0)).doesNotStartWith(BlockNames.inodePrefix("fs/", 7, 12345));
	}

	@Test
	void inodeOfReadsTheIdBackAndRefusesOtherNames() {
		assertThat(BlockNames.inodeOf(BlockNames.fsPrefix("fs/", 7), names.key(7, 12345, 99, 3, 0))).isEqualTo(12345);
		assertThat(BlockNames.inodeOf(BlockNames.fsPrefix("fs/", 7), names.key(8, 12345, 99, 3, 0))).isEqualTo(-1);
		assertThat(BlockNames.inodeOf("fs/7_", "fs/7_x_1_0_0")).isEqualTo(-1);
		assertThat(BlockNames.inodeOf("fs/7_", "fs/7_12")).isEqualTo(-1);
	}

	@Test
	void keysOfAPieceFromABlockOn() {
		Piece piece = Piece.newBuilder().setChunkId(5).setOffset(0).setLength(4L << 20 | 1).setVersion(2).build();
		assertThat(names.keys(7, 1, piece, 0)).containsExactly("fs/7_1_5_0_2", "fs/7_1_5_1_2");
		assertThat(names.keys(7, 1, piece, 1)).containsExactly("fs/7_1_5_1_2");
		assertThat(names.keys(7, 1, piece, 2)).isEmpty();
	}

	@Test
	void nextBlockCountsTheBlockUpAndKeepsTheRest() {
		assertThat(BlockNames.nextBlock(names.key(7, 12345, 99, 9, 3))).isEqualTo(names.key(7, 12345, 99, 10, 3));
		assertThat(BlockNames.nextBlock("a_b/fs/7_1_5_0_0")).isEqualTo("a_b/fs/7_1_5_1_0");
	}

	@Test
	void chunkIdOfReadsThePieceBackAndPendingKeysNameOnlyPendingPieces() {
		assertThat(BlockNames.chunkIdOf(names.key(7, 12345, 99, 9, 3))).isEqualTo(99);
		assertThat(BlockNames.chunkIdOf("a_b/fs/7_1_5_0_0")).isEqualTo(5);
		BlockNames small = new BlockNames("p/", 10);
		Inode inode = Inode.newBuilder()
			.setFsId(1)
			.setInodeId(2)
			.putChunks(0, ChunkPieces.newBuilder()
				.addPieces(Piece.newBuilder().setChunkId(3).setLength(15))
				.addPieces(Piece.newBuilder().setChunkId(4).setLength(5).setPendingMount(8))
				.build())
			.build();
		assertThat(small.pendingKeys(inode)).containsExactly("p/1_2_4_0_0");
		assertThat(small.pieceKeys(inode)).containsExactly("p/1_2_3_0_0", "p/1_2_3_1_0", "p/1_2_4_0_0");
	}

	@Test
	void blockCountRoundsUp() {
		assertThat(names.blockCount(0)).isZero();
		assertThat(names.blockCount(1)).isEqualTo(1);
		assertThat(names.blockCount(4L << 20)).isEqualTo(1);
		assertThat(names.blockCount((4L << 20) + 1)).isEqualTo(2);
	}

	@Test
	void refusesBadSettings() {
		assertThatThrownBy(() -> new BlockNames("p", 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new BlockNames(null, 1)).isInstanceOf(IllegalArgumentException.class);
	}
}
