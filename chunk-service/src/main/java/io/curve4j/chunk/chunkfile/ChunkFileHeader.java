package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.curve4j.common.size.Sizes;

/**
 * The first page of every chunk file. One copy of the header is 40 bytes (big endian):
 * magic {@code "CVCK"} (4), version (4), chunk id (8), sn (8), corrected sn (8), chunk
 * size (4), then the CRC32C of those 36 bytes (4). Version 2 writes two copies, at offset
 * 0 and at {@link #SECOND_COPY}, in different disk sectors: a torn write of the page
 * leaves at least one whole, and the newer of the whole ones (the higher sn) wins.
 * Version 1 (one copy, no page checksums) is still read. The rest of the page is zero;
 * data starts at {@link #SIZE}.
 *
 * @param chunkId the chunk this file holds
 * @param sn highest volume sequence number a write to this chunk carried
 * @param correctedSn sequence number the chunk was corrected to when its snapshot copy was
 * deleted, or instead of one: writes up to it copy nothing (0 until then)
 * @param chunkSize bytes of data the file holds after the header
 * @param version 2 for files with page checksums after the data, 1 for older files
 */
public record ChunkFileHeader(long chunkId, long sn, long correctedSn, int chunkSize, int version) {

	/** Bytes before the data: one page keeps data writes page-aligned on disk. */
	public static final int SIZE = Sizes.PAGE_SIZE;

	static final int MAGIC = 0x4356434B;

	/** What this code writes. */
	static final int VERSION = 2;

	/** Where the second copy starts: four 512-byte sectors after the first. */
	public static final int SECOND_COPY = 2048;

	/** A header of the current version. */
	public ChunkFileHeader(long chunkId, long sn, long correctedSn, int chunkSize) {
		this(chunkId, sn, correctedSn, chunkSize, VERSION);
	}

	/** True for files with page checksums. */
	public boolean checksummed() {
		return this.version >= 2;
	}

	/** A fresh page holding this header, in the current version, twice. */
	public ByteBuffer encode() {
		ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
		HeaderCopy copy = new HeaderCopy(VERSION, this.chunkId, this.sn, this.correctedSn, this.chunkSize);
		copy.put(page, MAGIC, 0);
		copy.put(page, MAGIC, SECOND_COPY);
		return page.clear();
	}

	/**
	 * Decodes and checks a header page: the newer of its whole copies.
	 * @param page the first {@link #SIZE} bytes of a chunk file
	 * @param source names the file in error messages
	 * @throws CorruptChunkFileException when no copy has the magic, a known version and its checksum
	 */
	public static ChunkFileHeader decode(ByteBuffer page, String source) throws CorruptChunkFileException {
		if (page.remaining() < HeaderCopy.LENGTH) {
			throw new CorruptChunkFileException(source + ": header is truncated");
		}
		ByteBuffer in = page.slice().order(ByteOrder.BIG_ENDIAN);
		ChunkFileHeader first = copyAt(in, 0);
		ChunkFileHeader second = copyAt(in, SECOND_COPY);
		if (first == null && second == null) {
			int magic = in.getInt(0);
			throw new CorruptChunkFileException(source + (magic == MAGIC ? ": header checksum mismatch in both copies"
					: ": not a chunk file (magic " + Integer.toHexString(magic) + ")"));
		}
		if (first == null || (second != null && second.sn > first.sn)) {
			return second;
		}
		return first;
	}

	/** The copy at offset at, or null when it does not check out. */
	private static ChunkFileHeader copyAt(ByteBuffer in, int at) {
		HeaderCopy copy = HeaderCopy.read(in, MAGIC, at);
		if (copy == null || (copy.version() != 1 && copy.version() != VERSION)) {
			return null;
		}
		return new ChunkFileHeader(copy.first(), copy.second(), copy.third(), copy.fourth(), copy.version());
	}

	/** True when the page starts with the chunk file magic (pool files never do). */
	static boolean hasMagic(ByteBuffer page) {
		return page.remaining() >= 4 && page.order(ByteOrder.BIG_ENDIAN).getInt(page.position()) == MAGIC;
	}

	ChunkFileHeader withSn(long newSn) {
		return new ChunkFileHeader(this.chunkId, newSn, this.correctedSn, this.chunkSize, this.version);
	}

	ChunkFileHeader withCorrectedSn(long newCorrectedSn) {
		return new ChunkFileHeader(this.chunkId, this.sn, newCorrectedSn, this.chunkSize, this.version);
	}

	/** This header in the current version (written once the file has page checksums). */
	ChunkFileHeader current() {
		return new ChunkFileHeader(this.chunkId, this.sn, this.correctedSn, this.chunkSize);
	}

}
