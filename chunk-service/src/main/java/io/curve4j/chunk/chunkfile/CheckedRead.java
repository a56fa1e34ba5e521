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
 * @param unwritten pages (indexes in the chunk) a lazy clone never wrote: every page of a
 * missing chunk, the pages a clone's chunk did not write, none of a plain chunk; a read
 * for a linked clone takes them from its source, any other read serves data as it is
 */
public record CheckedRead(long chunkId, ByteBuffer data, long offset, BitSet badPages, BitSet unwritten) {

	/** A read of a chunk's own bytes, with nothing to take from a clone's source. */
	public CheckedRead(long chunkId, ByteBuffer data, long offset, BitSet badPages) {
		this(chunkId, data, offset, badPages, new BitSet());
	}

	/**
	 * For a read of a linked clone: the unwritten pages come from the source, so their
	 * bytes here (zeros) need no repair even if they do not check out.
	 */
	public void ignoreUnwrittenBadPages() {
		this.badPages.andNot(this.unwritten);
	}

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
