package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import io.curve4j.common.size.Sizes;

/**
 * The first page of every chunk file. Layout (big endian): magic {@code "CVCK"} (4),
 * version (4), chunk id (8), sn (8), corrected sn (8), chunk size (4), then the CRC32C of
 * those 36 bytes (4). The rest of the page is zero; data starts at {@link #SIZE}.
 *
 * @param chunkId the chunk this file holds
 * @param sn highest volume sequence number a write to this chunk carried
 * @param correctedSn sequence number the chunk was corrected to (snapshot bookkeeping; 0
 * until snapshots exist)
 * @param chunkSize bytes of data the file holds after the header
 */
public record ChunkFileHeader(long chunkId, long sn, long correctedSn, int chunkSize) {

	/** Bytes before the data: one page keeps data writes page-aligned on disk. */
	public static final int SIZE = Sizes.PAGE_SIZE;

	static final int MAGIC = 0x4356434B;

	static final int VERSION = 1;

	private static final int CHECKED_LENGTH = 36;

	/** A fresh page holding this header. */
	public ByteBuffer encode() {
		ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
		page.putInt(MAGIC)
			.putInt(VERSION)
			.putLong(this.chunkId)
			.putLong(this.sn)
			.putLong(this.correctedSn)
			.putInt(this.chunkSize);
		page.putInt(crc(page.array()));
		return page.clear();
	}

	/**
	 * Decodes and checks a header page.
	 * @param page the first {@link #SIZE} bytes of a chunk file
	 * @param source names the file in error messages
	 * @throws CorruptChunkFileException on a wrong magic, version or checksum
	 */
	public static ChunkFileHeader decode(ByteBuffer page, String source) throws CorruptChunkFileException {
		if (page.remaining() < CHECKED_LENGTH + 4) {
			throw new CorruptChunkFileException(source + ": header is truncated");
		}
		ByteBuffer in = page.slice().order(ByteOrder.BIG_ENDIAN);
		int magic = in.getInt();
		if (magic != MAGIC) {
			throw new CorruptChunkFileException(
					source + ": not a chunk file (magic " + Integer.toHexString(magic) + ")");
		}
		byte[] checked = new byte[CHECKED_LENGTH];
		in.get(0, checked);
		int version = in.getInt();
		long chunkId = in.getLong();
		long sn = in.getLong();
		long correctedSn = in.getLong();
		int chunkSize = in.getInt();
		int storedCrc = in.getInt();
		if (storedCrc != crc(checked)) {
			throw new CorruptChunkFileException(source + ": header checksum mismatch");
		}
		if (version != VERSION) {
			throw new CorruptChunkFileException(source + ": unsupported chunk file version " + version);
		}
		return new ChunkFileHeader(chunkId, sn, correctedSn, chunkSize);
	}

	/** True when the page starts with the chunk file magic (pool files never do). */
	static boolean hasMagic(ByteBuffer page) {
		return page.remaining() >= 4 && page.order(ByteOrder.BIG_ENDIAN).getInt(page.position()) == MAGIC;
	}

	ChunkFileHeader withSn(long newSn) {
		return new ChunkFileHeader(this.chunkId, newSn, this.correctedSn, this.chunkSize);
	}

	private static int crc(byte[] bytes) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, CHECKED_LENGTH);
		return (int) crc.getValue();
	}

}
