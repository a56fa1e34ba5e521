package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import io.curve4j.common.size.Sizes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkFileHeaderTest {

	private final ChunkFileHeader header = new ChunkFileHeader(42, 7, 3, Sizes.DEFAULT_CHUNK_SIZE);

	@Test
	void roundTripsThroughOnePage() throws Exception {
		ByteBuffer page = this.header.encode();
		assertThat(page.remaining()).isEqualTo(Sizes.PAGE_SIZE);
		assertThat(ChunkFileHeader.decode(page, "test")).isEqualTo(this.header);
		assertThat(ChunkFileHeader.hasMagic(this.header.encode())).isTrue();
	}

	@Test
	void readsTheOtherCopyWhenOneHasAFlippedBit() throws Exception {
		for (int copy : new int[] { 0, ChunkFileHeader.SECOND_COPY }) {
			for (int offset : new int[] { 4, 8, 20, 28, 36, 39 }) {
				ByteBuffer page = this.header.encode();
				page.put(copy + offset, (byte) (page.get(copy + offset) ^ 0x10));
				assertThat(ChunkFileHeader.decode(page, "chunk_42")).isEqualTo(this.header);
			}
		}
	}

	@Test
	void takesTheNewerOfTwoWholeCopies() throws Exception {
		ByteBuffer page = this.header.encode();
		page.put(ChunkFileHeader.SECOND_COPY, this.header.withSn(9).encode(), ChunkFileHeader.SECOND_COPY, 40);
		assertThat(ChunkFileHeader.decode(page.clear(), "torn").sn()).isEqualTo(9);
	}

	@Test
	void detectsAFlippedBitInBothCopies() {
		ByteBuffer page = this.header.encode();
		page.put(8, (byte) (page.get(8) ^ 0x10));
		page.put(ChunkFileHeader.SECOND_COPY + 20, (byte) (page.get(ChunkFileHeader.SECOND_COPY + 20) ^ 0x10));
		assertThatThrownBy(() -> ChunkFileHeader.decode(page, "chunk_42")).isInstanceOf(CorruptChunkFileException.class)
			.hasMessageContaining("chunk_42")
			.hasMessageContaining("both copies");
	}

	@Test
	void refusesWhatIsNotAChunkFile() {
		ByteBuffer zeros = ByteBuffer.allocate(Sizes.PAGE_SIZE);
		assertThat(ChunkFileHeader.hasMagic(zeros)).isFalse();
		assertThatThrownBy(() -> ChunkFileHeader.decode(zeros, "pool file"))
			.isInstanceOf(CorruptChunkFileException.class)
			.hasMessageContaining("not a chunk file");
		assertThatThrownBy(() -> ChunkFileHeader.decode(ByteBuffer.allocate(10), "short"))
			.isInstanceOf(CorruptChunkFileException.class)
			.hasMessageContaining("truncated");
	}

}
