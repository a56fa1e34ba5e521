package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.util.BitSet;

import io.curve4j.common.size.Sizes;

/**
 * What a read of a chunk range found.
 *
 * @param chunkId the chunk read
 * @param data the bytes of {@code [offset, offset + data.remaining())}
 * @param offset where data starts in the chunk
 * @param badPages pages (indexes in the chunk) whose bytes in data do not match their
 * checksum and must be replaced before anything is served
 */
public record CheckedRead(long chunkId, ByteBuffer data, long offset, BitSet badPages) {

	public boolean clean() {
		return this.badPages.isEmpty();
	}

	/** Puts a good copy of page index (a whole page) into data, over the part of it data covers. */
	public void patch(int index, ByteBuffer page) {
		long pageStart = (long) index * Sizes.PAGE_SIZE;
		long from = Math.max(pageStart, this.offset);
		long to = Math.min(pageStart + Sizes.PAGE_SIZE, this.offset + this.data.remaining());
		this.data.put((int) (from - this.offset), page, page.position() + (int) (from - pageStart), (int) (to - from));
		this.badPages.clear(index);
	}

}
