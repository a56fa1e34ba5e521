package io.curve4j.fs.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The dirty bytes of one open file, kept in memory as non-overlapping ranges until they are uploaded. A newer write
 * replaces the overlapped bytes of older ones, so a drained range is exactly what the file holds there now.
 * Not thread-safe: the caller serializes per open file.
 */
public final class WriteBuffer {

	/** A contiguous dirty range at a file offset that does not cross a chunk boundary. */
	public record Range(long offset, byte[] data) {
	}

	/** Bytes at a file offset: the first {@code length} bytes of {@code bytes}, which may hold room to grow. */
	private static final class Dirty {

		private byte[] bytes;

		private int length;

		Dirty(byte[] bytes) {
			this.bytes = bytes;
			this.length = bytes.length;
		}

		/** Appends with doubling room: a sequential stream of writes is copied once, not once per write. */
		void append(byte[] buf, int off, int len) {
			if (this.length + len > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.length + len, 2 * this.bytes.length));
			}
			System.arraycopy(buf, off, this.bytes, this.length, len);
			this.length += len;
		}

	}

	private final long flushBytes;

	private final long flushAfterNanos;

	private final LongSupplier nanoClock;

	private final TreeMap<Long, Dirty> ranges = new TreeMap<>();

	private long dirtyBytes;

	private long firstDirtyNanos;

	public WriteBuffer(long flushBytes, Duration flushAfter, LongSupplier nanoClock) {
		if (flushBytes <= 0) {
			throw new IllegalArgumentException("flushBytes must be positive: " + flushBytes);
		}
		this.flushBytes = flushBytes;
		this.flushAfterNanos = flushAfter.toNanos();
		this.nanoClock = nanoClock;
	}

	public void write(long offset, byte[] buf, int off, int len) {
		if (offset < 0 || len < 0) {
			throw new IllegalArgumentException("negative offset or length: " + offset + ", " + len);
		}
		if (len == 0) {
			return;
		}
		if (this.ranges.isEmpty()) {
			this.firstDirtyNanos = this.nanoClock.getAsLong();
		}
		long end = offset + len;
		var lower = this.ranges.floorEntry(offset);
		if (lower != null) {
			long lowerEnd = lower.getKey() + lower.getValue().length;
			if (end <= lowerEnd) {
				// an overwrite inside one range
				System.arraycopy(buf, off, lower.getValue().bytes, (int) (offset - lower.getKey()), len);
				return;
			}
			if (lowerEnd == offset && this.ranges.subMap(offset, true, end, true).isEmpty()) {
				// the next bytes of a sequential stream
				lower.getValue().append(buf, off, len);
				this.dirtyBytes += len;
				return;
			}
		}
		merge(offset, buf, off, len);
	}

	/** A write overlapping or touching several ranges: one range replaces them, the new bytes over the old. */
	private void merge(long offset, byte[] buf, int off, int len) {
		long start = offset;
		long end = offset + len;
		var lower = this.ranges.floorEntry(start);
		if (lower != null && lower.getKey() + lower.getValue().length >= start) {
			start = lower.getKey();
		}
		var touching = this.ranges.subMap(start, true, end, true);
		for (Map.Entry<Long, Dirty> e : touching.entrySet()) {
			end = Math.max(end, e.getKey() + e.getValue().length);
		}
		byte[] merged = new byte[Math.toIntExact(end - start)];
		for (Map.Entry<Long, Dirty> e : touching.entrySet()) {
			System.arraycopy(e.getValue().bytes, 0, merged, (int) (e.getKey() - start), e.getValue().length);
			this.dirtyBytes -= e.getValue().length;
		}
		touching.clear();
		System.arraycopy(buf, off, merged, (int) (offset - start), len);
		this.ranges.put(start, new Dirty(merged));
		this.dirtyBytes += merged.length;
	}

	/** Bytes held (each dirty byte once). */
	public long dirtyBytes() {
		return this.dirtyBytes;
	}

	public boolean isEmpty() {
		return this.ranges.isEmpty();
	}

	/** True when the buffer passed its size limit or its oldest dirty byte is older than the flush delay. */
	public boolean flushDue() {
		return !this.ranges.isEmpty()
				&& (this.dirtyBytes >= this.flushBytes || this.nanoClock.getAsLong() - this.firstDirtyNanos >= this.flushAfterNanos);
	}

	/** Reads through the buffer: copies buffered bytes of [offset, offset+len) over {@code dst}; returns the end of the last one. */
	public long overlay(long offset, byte[] dst, int len) {
		long end = offset + len;
		long maxEnd = -1;
		var from = this.ranges.floorKey(offset);
		for (Map.Entry<Long, Dirty> e : this.ranges.tailMap(from == null ? offset : from, true).entrySet()) {
			long rs = e.getKey();
			long re = rs + e.getValue().length;
			if (rs >= end) {
				break;
			}
			long s = Math.max(rs, offset);
			long t = Math.min(re, end);
			if (t > s) {
				System.arraycopy(e.getValue().bytes, (int) (s - rs), dst, (int) (s - offset), (int) (t - s));
				maxEnd = Math.max(maxEnd, t);
			}
		}
		return maxEnd;
	}

	/** Drops buffered bytes at or past {@code length} (a truncate while the file is open). */
	public void truncate(long length) {
		var tail = this.ranges.tailMap(length, true);
		tail.values().forEach((d) -> this.dirtyBytes -= d.length);
		tail.clear();
		var lower = this.ranges.lowerEntry(length);
		if (lower != null && lower.getKey() + lower.getValue().length > length) {
			int kept = (int) (length - lower.getKey());
			this.dirtyBytes -= lower.getValue().length - kept;
			lower.getValue().length = kept;
		}
	}

	/** Takes every dirty range, split at chunk boundaries (a piece lives in one chunk), and empties the buffer. */
	public List<Range> drain(long chunkSize) {
		List<Range> out = new ArrayList<>();
		for (Map.Entry<Long, Dirty> e : this.ranges.entrySet()) {
			long off = e.getKey();
			Dirty data = e.getValue();
			int pos = 0;
			while (pos < data.length) {
				long chunkEnd = ((off + pos) / chunkSize + 1) * chunkSize;
				int n = (int) Math.min(data.length - pos, chunkEnd - (off + pos));
				out.add(new Range(off + pos, Arrays.copyOfRange(data.bytes, pos, pos + n)));
				pos += n;
			}
		}
		this.ranges.clear();
		this.dirtyBytes = 0;
		return out;
	}
}
