package io.curve4j.sdk.nbd;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.curve4j.common.size.Sizes;

/**
 * One exported volume, shared by every connection that chose it (see {@link Exports}).
 * It remembers the writes in flight so that a flush can wait for them: a write is
 * acknowledged by the chunkservers only once a Raft majority has committed it, so a
 * completed write is already as durable as it gets and a flush has nothing else to do.
 * Thread-safe.
 */
final class Export {

	/** Zeros go out in pieces of this size, a few at a time, so zeroing a whole volume buffers little. */
	static final int ZERO_PIECE = (int) Sizes.MIB;

	private static final int ZERO_PARALLELISM = 4;

	/** Never written to: every zero piece shares it (the SDK sends it without a copy). */
	private static final byte[] ZEROS = new byte[ZERO_PIECE];

	private final String name;

	private final BlockDevice device;

	private final String owner;

	private final Set<CompletableFuture<Void>> writesInFlight = ConcurrentHashMap.newKeySet();

	Export(String name, BlockDevice device) {
		this.name = name;
		this.device = device;
		this.owner = device.owner();
	}

	String name() {
		return this.name;
	}

	/** The user who owns the volume, as it was when opened. */
	String owner() {
		return this.owner;
	}

	/** Current size; a connection keeps the size it was told at the handshake. */
	long size() {
		return this.device.size();
	}

	CompletableFuture<byte[]> read(long offset, int length) {
		return this.device.read(offset, length);
	}

	CompletableFuture<Void> write(long offset, byte[] data) {
		return track(this.device.write(offset, data));
	}

	/**
	 * Zeros {@code [offset, offset + length)}: the whole chunks in it are freed (a freed
	 * chunk reads as zeros, and a thin volume stays thin), the partial ones at its ends
	 * are written with zeros.
	 * @param mayFree false when the client asked the range to stay allocated (NO_HOLE): all of it is written
	 */
	CompletableFuture<Void> writeZeroes(long offset, long length, boolean mayFree) {
		long end = offset + length;
		long unit = mayFree ? this.device.discardUnit() : 0;
		long first = unit == 0 ? end : -Math.floorDiv(-offset, unit) * unit;
		long last = unit == 0 ? end : Math.floorDiv(end, unit) * unit;
		if (first >= last) {
			return track(zeroRange(offset, end));
		}
		return track(CompletableFuture.allOf(zeroRange(offset, first), this.device.discard(first, last - first),
				zeroRange(last, end)));
	}

	/**
	 * Trim frees the whole chunks in the range; partial ones keep their data (trim is a
	 * hint, and writing zeros would allocate what a thin volume never held).
	 */
	CompletableFuture<Void> trim(long offset, long length) {
		long unit = this.device.discardUnit();
		if (unit == 0) {
			return CompletableFuture.completedFuture(null);
		}
		long first = -Math.floorDiv(-offset, unit) * unit;
		long last = Math.floorDiv(offset + length, unit) * unit;
		return first >= last ? CompletableFuture.completedFuture(null)
				: track(this.device.discard(first, last - first));
	}

	/** Writes zeros over {@code [from, to)} in pieces, a few lanes at once. */
	private CompletableFuture<Void> zeroRange(long from, long to) {
		CompletableFuture<?>[] lanes = new CompletableFuture<?>[ZERO_PARALLELISM];
		for (int i = 0; i < lanes.length; i++) {
			lanes[i] = zeroLane(from + (long) i * ZERO_PIECE, to);
		}
		return CompletableFuture.allOf(lanes);
	}

	/** Every ZERO_PARALLELISM-th piece from {@code position}, one after the other. */
	private CompletableFuture<Void> zeroLane(long position, long end) {
		if (position >= end) {
			return CompletableFuture.completedFuture(null);
		}
		int length = (int) Math.min(ZERO_PIECE, end - position);
		return this.device.write(position, (length == ZERO_PIECE) ? ZEROS : new byte[length])
			.thenCompose((ignored) -> zeroLane(position + (long) ZERO_PARALLELISM * ZERO_PIECE, end));
	}

	/**
	 * Completes once every write in flight when it was called has completed (failed
	 * writes included: their own replies carry the error). Across connections too, which
	 * is what {@code NBD_FLAG_CAN_MULTI_CONN} promises.
	 */
	CompletableFuture<Void> flush() {
		CompletableFuture<?>[] pending = this.writesInFlight.toArray(CompletableFuture<?>[]::new);
		return CompletableFuture.allOf(pending).handle((ignored, failure) -> null);
	}

	void close() {
		this.device.close();
	}

	private CompletableFuture<Void> track(CompletableFuture<Void> write) {
		if (write.isDone()) {
			return write;
		}
		this.writesInFlight.add(write);
		write.whenComplete((ignored, failure) -> this.writesInFlight.remove(write));
		return write;
	}

}
