package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The first page of a snapshot copy file ({@link SnapshotCopy}). One copy of the header
 * is 40 bytes (big endian): magic {@code "CVSS"} (4), version (4), chunk id (8), content
 * sn (8), began-by sn (8), chunk size (4), then the CRC32C of those 36 bytes (4); it is
 * written twice, at offset 0 and at {@link ChunkFileHeader#SECOND_COPY}, once, when the
 * copy is made, and never changes.
 *
 * @param chunkId the chunk whose pages the copy preserves
 * @param contentSn the chunk's sn when the copy began: the copy holds the chunk's content
 * as of every snapshot from this sn up to (not including) {@code beganBySn}
 * @param beganBySn the sn of the write that began the copy
 * @param chunkSize bytes of data in the chunk
 */
public record SnapshotCopyHeader(long chunkId, long contentSn, long beganBySn, int chunkSize) {

	static final int MAGIC = 0x43565353;

	static final int VERSION = 1;

	private static final int CHECKED_LENGTH = 36;

	private static final int COPY_LENGTH = CHECKED_LENGTH + 4;

	/** True when the copy holds the chunk as it was at snapshot {@code snapshotSn}. */
	public boolean covers(long snapshotSn) {
		return this.contentSn <= snapshotSn && snapshotSn < this.beganBySn;
	}

	/** A fresh page holding this header twice. */
	ByteBuffer encode() {
		ByteBuffer page = ByteBuffer.allocate(ChunkFileHeader.SIZE).order(ByteOrder.BIG_ENDIAN);
		putCopy(page, 0);
		putCopy(page, ChunkFileHeader.SECOND_COPY);
		return page.clear();
	}

	private void putCopy(ByteBuffer page, int at) {
		page.position(at);
		page.putInt(MAGIC)
			.putInt(VERSION)
			.putLong(this.chunkId)
			.putLong(this.contentSn)
			.putLong(this.beganBySn)
			.putInt(this.chunkSize);
		page.putInt(crc(page.array(), at));
	}

	/**
	 * Decodes a header page: the first whole copy.
	 * @throws CorruptChunkFileException when neither copy checks out
	 */
	static SnapshotCopyHeader decode(ByteBuffer page, String source) throws CorruptChunkFileException {
		ByteBuffer in = page.slice().order(ByteOrder.BIG_ENDIAN);
		for (int at : new int[] { 0, ChunkFileHeader.SECOND_COPY }) {
			if (in.limit() < at + COPY_LENGTH || in.getInt(at) != MAGIC || in.getInt(at + 4) != VERSION) {
				continue;
			}
			byte[] checked = new byte[CHECKED_LENGTH];
			in.get(at, checked);
			if (in.getInt(at + CHECKED_LENGTH) == crc(checked, 0)) {
				return new SnapshotCopyHeader(in.getLong(at + 8), in.getLong(at + 16), in.getLong(at + 24),
						in.getInt(at + 32));
			}
		}
		throw new CorruptChunkFileException(source + ": no whole snapshot copy header");
	}

	/** True when the page starts with the snapshot copy magic. */
	static boolean hasMagic(ByteBuffer page) {
		return page.remaining() >= 4 && page.order(ByteOrder.BIG_ENDIAN).getInt(page.position()) == MAGIC;
	}

	private static int crc(byte[] bytes, int from) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, from, CHECKED_LENGTH);
		return (int) crc.getValue();
	}

}
