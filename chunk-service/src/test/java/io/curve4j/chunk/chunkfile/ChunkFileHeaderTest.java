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
	void detectsAFlippedBit() {
		for (int offset : new int[] { 4, 8, 20, 28, 36, 39 }) {
			ByteBuffer page = this.header.encode();
			page.put(offset, (byte) (page.get(offset) ^ 0x10));
			assertThatThrownBy(() -> ChunkFileHeader.decode(page, "chunk_42"))
				.isInstanceOf(CorruptChunkFileException.class)
				.hasMessageContaining("chunk_42");
		}
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
