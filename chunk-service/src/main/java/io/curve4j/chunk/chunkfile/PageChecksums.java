package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import io.curve4j.common.size.Sizes;

/**
 * The CRC32C of every 4 KiB page of a chunk's data, one big-endian u32 per page, kept in
 * memory while the chunk is open and on disk after the data. A page whose content is
 * known to be wrong (a part of it was overwritten while the rest did not check out) is
 * stored as the complement of its content's checksum, so it can never pass a check until
 * it is repaired or overwritten whole.
 */
public final class PageChecksums {

	static final int PAGE = Sizes.PAGE_SIZE;

	/** A page of zeros: every page of a fresh chunk. */
	static final int ZERO_PAGE = crc(ByteBuffer.allocate(PAGE));

	private final int[] crcs;

	private PageChecksums(int[] crcs) {
		this.crcs = crcs;
	}

	/** Bytes the table of a chunk of chunkSize takes on disk. */
	static int tableBytes(int chunkSize) {
		return chunkSize / PAGE * Integer.BYTES;
	}

	/** The table of a chunk whose pages are all zeros. */
	static ByteBuffer zeroTable(int chunkSize) {
		ByteBuffer table = ByteBuffer.allocate(tableBytes(chunkSize));
		while (table.hasRemaining()) {
			table.putInt(ZERO_PAGE);
		}
		return table.flip();
	}

	/** The digest of a chunk whose pages are all zeros (as a chunk that does not exist reads). */
	static int zeroDigest(int chunkSize) {
		return crc(zeroTable(chunkSize));
	}

	/** CRC32C of the whole table: equal on replicas whose pages are equal. */
	int digest() {
		return crc(encode(0, this.crcs.length));
	}

	static PageChecksums decode(ByteBuffer table, int chunkSize) {
		int[] crcs = new int[chunkSize / PAGE];
		table.slice().order(ByteOrder.BIG_ENDIAN).asIntBuffer().get(crcs, 0, Math.min(crcs.length, table.remaining() / 4));
		return new PageChecksums(crcs);
	}

	/** The checksums of pages already held in a buffer of whole pages (the data of a whole chunk). */
	static PageChecksums of(ByteBuffer data, int chunkSize) {
		int[] crcs = new int[chunkSize / PAGE];
		for (int i = 0; i < crcs.length; i++) {
			crcs[i] = crc(data.slice(i * PAGE, PAGE));
		}
		return new PageChecksums(crcs);
	}

	/** True when the page's content is what was written to it. */
	boolean matches(int page, ByteBuffer content) {
		return this.crcs[page] == crc(content);
	}

	int get(int page) {
		return this.crcs[page];
	}

	void set(int page, int crc) {
		this.crcs[page] = crc;
	}

	int pages() {
		return this.crcs.length;
	}

	/** Pages [from, to) as they go on disk, at table offset {@code from * 4}. */
	ByteBuffer encode(int from, int to) {
		ByteBuffer out = ByteBuffer.allocate((to - from) * Integer.BYTES);
		for (int i = from; i < to; i++) {
			out.putInt(this.crcs[i]);
		}
		return out.flip();
	}

	/** CRC32C of the buffer's remaining bytes; its position is unchanged. */
	public static int crc(ByteBuffer content) {
		CRC32C crc = new CRC32C();
		crc.update(content.duplicate());
		return (int) crc.getValue();
	}

	/** What a page known to be wrong stores: never equal to its content's checksum. */
	static int poisoned(int contentCrc) {
		return ~contentCrc;
	}

}
