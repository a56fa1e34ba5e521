package io.curve4j.fs.client;

import java.time.Duration;
import java.util.ArrayList;
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

	private final long flushBytes;
	private final long flushAfterNanos;
	private final LongSupplier nanoClock;
	private final TreeMap<Long, byte[]> ranges = new TreeMap<>();
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
		if (ranges.isEmpty()) {
			firstDirtyNanos = nanoClock.getAsLong();
		}
		long start = offset;
		long end = offset + len;
		// absorb every range that touches [start, end): keep its bytes outside the new write
		var lower = ranges.floorEntry(start);
		if (lower != null && lower.getKey() + lower.getValue().length >= start) {
			start = lower.getKey();
		}
		var touching = ranges.subMap(start, true, end, true);
		for (Map.Entry<Long, byte[]> e : touching.entrySet()) {
			end = Math.max(end, e.getKey() + e.getValue().length);
		}
		byte[] merged = new byte[Math.toIntExact(end - start)];
		for (Map.Entry<Long, byte[]> e : touching.entrySet()) {
			System.arraycopy(e.getValue(), 0, merged, (int) (e.getKey() - start), e.getValue().length);
			dirtyBytes -= e.getValue().length;
		}
		touching.clear();
		System.arraycopy(buf, off, merged, (int) (offset - start), len);
		ranges.put(start, merged);
		dirtyBytes += merged.length;
	}

	/** Bytes held (each dirty byte once). */
	public long dirtyBytes() {
		return dirtyBytes;
	}

	public boolean isEmpty() {
		return ranges.isEmpty();
	}

	/** True when the buffer passed its size limit or its oldest dirty byte is older than the flush delay. */
	public boolean flushDue() {
		return !ranges.isEmpty() && (dirtyBytes >= flushBytes || nanoClock.getAsLong() - firstDirtyNanos >= flushAfterNanos);
	}

	/** Reads through the buffer: copies buffered bytes of [offset, offset+len) over {@code dst}; returns the end of the last one. */
	public long overlay(long offset, byte[] dst, int len) {
		long end = offset + len;
		long maxEnd = -1;
		var from = ranges.floorKey(offset);
		for (Map.Entry<Long, byte[]> e : ranges.tailMap(from == null ? offset : from, true).entrySet()) {
			long rs = e.getKey();
			long re = rs + e.getValue().length;
			if (rs >= end) {
				break;
			}
			long s = Math.max(rs, offset);
			long t = Math.min(re, end);
			if (t > s) {
				System.arraycopy(e.getValue(), (int) (s - rs), dst, (int) (s - offset), (int) (t - s));
				maxEnd = Math.max(maxEnd, t);
			}
		}
		return maxEnd;
	}

	/** Drops buffered bytes at or past {@code length} (a truncate while the file is open). */
	public void truncate(long length) {
		var tail = ranges.tailMap(length, true);
		tail.values().forEach(b -> dirtyBytes -= b.length);
		tail.clear();
		var lower = ranges.lowerEntry(length);
		if (lower != null && lower.getKey() + lower.getValue().length > length) {
			byte[] cut = java.util.Arrays.copyOf(lower.getValue(), (int) (length - lower.getKey()));
			dirtyBytes -= lower.getValue().length - cut.length;
			ranges.put(lower.getKey(), cut);
		}
	}

	/** Takes every dirty range, split at chunk boundaries (a piece lives in one chunk), and empties the buffer. */
	public List<Range> drain(long chunkSize) {
		List<Range> out = new ArrayList<>();
		for (Map.Entry<Long, byte[]> e : ranges.entrySet()) {
			long off = e.getKey();
			byte[] data = e.getValue();
			int pos = 0;
			while (pos < data.length) {
				long chunkEnd = ((off + pos) / chunkSize + 1) * chunkSize;
				int n = (int) Math.min(data.length - pos, chunkEnd - (off + pos));
				out.add(new Range(off + pos, java.util.Arrays.copyOfRange(data, pos, pos + n)));
				pos += n;
			}
		}
		ranges.clear();
		dirtyBytes = 0;
		return out;
	}
}
