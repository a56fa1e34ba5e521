package io.curve4j.snapshot.task;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * A volume's chunks at one snapshot, held in memory for the copy tests: the cluster's
 * reading is tested end to end; here the object layout is. Counts the chunk reads so a
 * test sees what was copied and what was skipped.
 */
final class InMemoryVolume implements SnapshotReader {

	final int chunkSize;

	final long chunkCount;

	/** Chunk index to its content sequence number and bytes; absent chunks read as zeros with 0. */
	final Map<Long, Long> contentSns = new HashMap<>();

	final Map<Long, byte[]> data = new HashMap<>();

	final AtomicInteger reads = new AtomicInteger();

	volatile boolean copiesDeleted;

	/** Set to make every read fail with this code (e.g. the volume was deleted). */
	volatile ErrorCode failWith;

	/** How many more reads fail UNAVAILABLE (a chunkserver down) before they succeed again. */
	final AtomicInteger unavailableReads = new AtomicInteger();

	InMemoryVolume(long chunkCount, int chunkSize) {
		this.chunkCount = chunkCount;
		this.chunkSize = chunkSize;
	}

	/** Writes chunk {@code index} with {@code fill} bytes at sequence number {@code sn}. */
	InMemoryVolume write(long index, long sn, int fill) {
		byte[] bytes = new byte[this.chunkSize];
		Arrays.fill(bytes, (byte) fill);
		this.contentSns.put(index, sn);
		this.data.put(index, bytes);
		return this;
	}

	@Override
	public long chunkCount() {
		return this.chunkCount;
	}

	@Override
	public int chunkSize() {
		return this.chunkSize;
	}

	@Override
	public long contentSn(long chunkIndex) {
		check();
		return this.contentSns.getOrDefault(chunkIndex, 0L);
	}

	@Override
	public byte[] readChunk(long chunkIndex) {
		check();
		this.reads.incrementAndGet();
		return this.data.getOrDefault(chunkIndex, new byte[this.chunkSize]).clone();
	}

	@Override
	public void deleteChunkCopies() {
		check();
		this.copiesDeleted = true;
	}

	@Override
	public void close() {
	}

	private void check() {
		if (this.failWith != null) {
			throw new CurveException(this.failWith, "injected: " + this.failWith);
		}
		if (this.unavailableReads.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "injected: a chunkserver is down");
		}
	}

}
