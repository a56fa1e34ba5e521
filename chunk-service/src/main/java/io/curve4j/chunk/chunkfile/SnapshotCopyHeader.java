package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

	/** True when the copy holds the chunk as it was at snapshot {@code snapshotSn}. */
	public boolean covers(long snapshotSn) {
		return this.contentSn <= snapshotSn && snapshotSn < this.beganBySn;
	}

	/** A fresh page holding this header twice. */
	ByteBuffer encode() {
		ByteBuffer page = ByteBuffer.allocate(ChunkFileHeader.SIZE).order(ByteOrder.BIG_ENDIAN);
		HeaderCopy copy = new HeaderCopy(VERSION, this.chunkId, this.contentSn, this.beganBySn, this.chunkSize);
		copy.put(page, MAGIC, 0);
		copy.put(page, MAGIC, ChunkFileHeader.SECOND_COPY);
		return page.clear();
	}

	/**
	 * Decodes a header page: the first whole copy.
	 * @throws CorruptChunkFileException when neither copy checks out
	 */
	static SnapshotCopyHeader decode(ByteBuffer page, String source) throws CorruptChunkFileException {
		ByteBuffer in = page.slice().order(ByteOrder.BIG_ENDIAN);
		for (int at : new int[] { 0, ChunkFileHeader.SECOND_COPY }) {
			HeaderCopy copy = HeaderCopy.read(in, MAGIC, at);
			if (copy != null && copy.version() == VERSION) {
				return new SnapshotCopyHeader(copy.first(), copy.second(), copy.third(), copy.fourth());
			}
		}
		throw new CorruptChunkFileException(source + ": no whole snapshot copy header");
	}

	/** True when the page starts with the snapshot copy magic. */
	static boolean hasMagic(ByteBuffer page) {
		return page.remaining() >= 4 && page.order(ByteOrder.BIG_ENDIAN).getInt(page.position()) == MAGIC;
	}


}
