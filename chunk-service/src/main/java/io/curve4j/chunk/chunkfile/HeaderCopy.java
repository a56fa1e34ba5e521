package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One copy of the 40-byte header chunk files and snapshot copies both start with, written
 * twice per file (big endian): magic (4), version (4), three longs (24), an int (4), then
 * the CRC32C of those 36 bytes (4). What the longs and the int mean is the file's own.
 */
record HeaderCopy(int version, long first, long second, long third, int fourth) {

	static final int LENGTH = 40;

	private static final int CHECKED_LENGTH = LENGTH - 4;

	/** Writes this copy with {@code magic} at offset {@code at} of {@code page} (a heap buffer, big endian). */
	void put(ByteBuffer page, int magic, int at) {
		page.position(at);
		page.putInt(magic).putInt(this.version).putLong(this.first).putLong(this.second).putLong(this.third)
			.putInt(this.fourth);
		page.putInt(crc(page.array(), at));
	}

	/** The copy at offset {@code at} of {@code in} (big endian), or null when it is short, has another magic or fails its checksum. */
	static HeaderCopy read(ByteBuffer in, int magic, int at) {
		if (in.limit() < at + LENGTH || in.getInt(at) != magic) {
			return null;
		}
		byte[] checked = new byte[CHECKED_LENGTH];
		in.get(at, checked);
		if (in.getInt(at + CHECKED_LENGTH) != crc(checked, 0)) {
			return null;
		}
		return new HeaderCopy(in.getInt(at + 4), in.getLong(at + 8), in.getLong(at + 16), in.getLong(at + 24),
				in.getInt(at + 32));
	}

	private static int crc(byte[] bytes, int from) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, from, CHECKED_LENGTH);
		return (int) crc.getValue();
	}

}
