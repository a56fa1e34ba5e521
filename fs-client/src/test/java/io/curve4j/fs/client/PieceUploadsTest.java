package io.curve4j.fs.client;

import io.curve4j.objectstore.filedata.BlockNames;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class PieceUploadsTest {

	@Test
	void pieceIsCutIntoBlocksFromItsStart() {
		BlockNames names = new BlockNames("p/", 4);
		byte[] data = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
		PieceUploads.Upload up = PieceUploads.of(names, 3, 42, 7, new WriteBuffer.Range(1000, data));
		assertThat(up.piece().getOffset()).isEqualTo(1000);
		assertThat(up.piece().getLength()).isEqualTo(10);
		assertThat(up.piece().getChunkId()).isEqualTo(7);
		List<PieceUploads.Put> puts = up.puts();
		assertThat(puts).extracting(PieceUploads.Put::key).containsExactly("p/3_42_7_0_0", "p/3_42_7_1_0", "p/3_42_7_2_0");
		assertThat(puts.get(1).bytes()).containsExactly(4, 5, 6, 7);
		assertThat(puts.get(2).bytes()).containsExactly(8, 9);
	}
}
