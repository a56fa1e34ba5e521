package io.curve4j.common.raft.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One record to write: a log entry of a group (its encoded jraft entry as payload) or a
 * marker that changes which entries of the group are live. Also the record format: a
 * 64-byte big-endian header, the payload, zero padding to a 64-byte boundary (and the last
 * record of a batch padded on to the 4 KiB boundary where the next batch starts).
 *
 * <pre>
 *  0 magic "CRJL"       4 CRC32C of bytes 8..63 and the payload
 *  8 segment sequence  12 reserved (0)
 * 16 batch number      24 batch end (offset in the segment)
 * 28 kind (1 byte)     29 jraft entry type (1 byte)   30 reserved (2 bytes)
 * 32 group key         40 index (entries) or the marker's argument
 * 48 term              56 payload length              60 record length (to the next record)
 * </pre>
 *
 * @param kind what the record does
 * @param entryType jraft's entry type number (entries only, else 0)
 * @param index the entry's index, or the argument of a marker
 * @param term the entry's term (entries only, else 0)
 * @param payload the encoded entry (markers: empty)
 */
record JournalRecord(Kind kind, int entryType, long index, long term, byte[] payload) {

	static final int MAGIC = 0x43524a4c;

	static final int HEADER_BYTES = 64;

	/** Records start on this boundary: recovery looks for records past a damaged one on it. */
	static final int RECORD_ALIGNMENT = 64;

	/**
	 * Batches start on this boundary, so that a write never rewrites a page holding
	 * records already acknowledged (a torn write of that page could lose them).
	 */
	static final int BATCH_ALIGNMENT = 4096;

	/** What a record does to its group's log. */
	enum Kind {

		/** An entry at index: appended, or replacing the entries from index on. */
		ENTRY,
		/** Entries after index are dropped. */
		TRUNCATE_SUFFIX,
		/** Entries before index are dropped; index is the first one (never moves back). */
		TRUNCATE_PREFIX,
		/** Every entry is dropped; index is the next one. */
		RESET,
		/** The group is gone: it needs none of its records any more. */
		DROP;

		byte code() {
			return (byte) (ordinal() + 1);
		}

		static Kind of(int code) {
			Kind[] kinds = values();
			return code >= 1 && code <= kinds.length ? kinds[code - 1] : null;
		}

	}

	static JournalRecord entry(long index, long term, int entryType, byte[] payload) {
		return new JournalRecord(Kind.ENTRY, entryType, index, term, payload);
	}

	static JournalRecord marker(Kind kind, long index) {
		return new JournalRecord(kind, 0, index, 0, new byte[0]);
	}

	/** Bytes the record takes, before any batch padding. */
	int alignedBytes() {
		return align(HEADER_BYTES + this.payload.length, RECORD_ALIGNMENT);
	}

	/**
	 * Puts the record at the buffer's position, padded with zeros to recordBytes.
	 */
	void encode(ByteBuffer out, int segment, long batch, int batchEnd, long groupKey, int recordBytes) {
		int start = out.position();
		out.putInt(MAGIC)
			.putInt(0)
			.putInt(segment)
			.putInt(0)
			.putLong(batch)
			.putInt(batchEnd)
			.put(this.kind.code())
			.put((byte) this.entryType)
			.putShort((short) 0)
			.putLong(groupKey)
			.putLong(this.index)
			.putLong(this.term)
			.putInt(this.payload.length)
			.putInt(recordBytes)
			.put(this.payload);
		CRC32C crc = new CRC32C();
		crc.update(out.duplicate().position(start + 8).limit(out.position()));
		out.putInt(start + 4, (int) crc.getValue());
		int end = start + recordBytes;
		while (out.position() + 8 <= end) {
			out.putLong(0);
		}
		while (out.position() < end) {
			out.put((byte) 0);
		}
	}

	static int align(long bytes, int alignment) {
		return (int) ((bytes + alignment - 1) / alignment * alignment);
	}

	/**
	 * A record header read back, whose magic, sequence, lengths and CRC checked out.
	 */
	record Header(long batch, int batchEnd, Kind kind, int entryType, long groupKey, long index, long term,
			int payloadLength, int recordBytes) {

		/**
		 * The record at offset of segment whose bytes are in data (absolute offsets; the
		 * header and payload at least, not necessarily the padding), or null when there is
		 * none that checks out there.
		 */
		static Header read(ByteBuffer data, int offset, int segment) {
			if (offset < 0 || offset + HEADER_BYTES > data.limit() || data.getInt(offset) != MAGIC
					|| data.getInt(offset + 8) != segment) {
				return null;
			}
			Kind kind = Kind.of(data.get(offset + 28));
			int payloadLength = data.getInt(offset + 56);
			int recordBytes = data.getInt(offset + 60);
			if (kind == null || payloadLength < 0 || recordBytes % RECORD_ALIGNMENT != 0
					|| recordBytes < HEADER_BYTES + payloadLength
					|| (long) offset + HEADER_BYTES + payloadLength > data.limit()) {
				return null;
			}
			CRC32C crc = new CRC32C();
			crc.update(data.duplicate().position(offset + 8).limit(offset + HEADER_BYTES + payloadLength));
			if ((int) crc.getValue() != data.getInt(offset + 4)) {
				return null;
			}
			return new Header(data.getLong(offset + 16), data.getInt(offset + 24), kind, data.get(offset + 29),
					data.getLong(offset + 32), data.getLong(offset + 40), data.getLong(offset + 48), payloadLength,
					recordBytes);
		}

	}

}
