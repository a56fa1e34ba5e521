package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.BitSet;

/**
 * A bitmap of a chunk's pages kept in a file at a fixed offset: bit i is bit i % 8 of byte
 * i / 8, least significant first. Bits are only ever set; setting writes just the bytes
 * that changed, not forced (the owner orders its forces). Shared by snapshot copies (pages
 * copied) and clone chunks (pages written in the clone). Not thread-safe: the owner
 * guards it.
 */
final class PageBitmap {

	private final FileChannel channel;

	private final long offset;

	private final int pages;

	private final BitSet bits;

	private PageBitmap(FileChannel channel, long offset, int pages, BitSet bits) {
		this.channel = channel;
		this.offset = offset;
		this.pages = pages;
		this.bits = bits;
	}

	/** Bytes the bitmap of pages pages takes. */
	static int bytes(int pages) {
		return (pages + 7) / 8;
	}

	/** Reads the bitmap of {@code pages} pages at {@code offset} of the file. */
	static PageBitmap read(FileChannel channel, long offset, int pages) throws IOException {
		ByteBuffer bytes = ByteBuffer.allocate(bytes(pages));
		ChunkFile.readAt(channel, bytes, offset);
		return new PageBitmap(channel, offset, pages, BitSet.valueOf(bytes.flip()));
	}

	boolean get(int page) {
		return this.bits.get(page);
	}

	int cardinality() {
		return this.bits.cardinality();
	}

	/** True when every page's bit is set. */
	boolean full() {
		return this.bits.nextClearBit(0) >= this.pages;
	}

	/** The pages of {@code [first, end)} whose bit is clear. */
	BitSet clear(int first, int end) {
		BitSet clear = new BitSet();
		clear.set(first, end);
		clear.andNot(this.bits.get(0, end));
		return clear;
	}

	/** Sets the bits of pages {@code [from, to)} and writes the bytes that hold them. */
	void set(int from, int to) throws IOException {
		if (from >= to) {
			return;
		}
		this.bits.set(from, to);
		int firstByte = from / 8;
		int lastByte = (to - 1) / 8;
		byte[] all = this.bits.toByteArray();
		ByteBuffer changed = ByteBuffer.allocate(lastByte - firstByte + 1);
		for (int b = firstByte; b <= lastByte; b++) {
			changed.put(b < all.length ? all[b] : 0);
		}
		ChunkFile.writeFully(this.channel, changed.flip(), this.offset + firstByte);
	}

	/** Sets the bits of the pages in {@code pages}. */
	void set(BitSet pages) throws IOException {
		for (int from = pages.nextSetBit(0); from >= 0; from = pages.nextSetBit(pages.nextClearBit(from))) {
			set(from, pages.nextClearBit(from));
		}
	}

}
