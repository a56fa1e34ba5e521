package io.curve4j.chunk.io;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

/**
 * Bytes of chunk requests being served (data written, buffers read), bounded: a request
 * that would pass the bound is refused at once with OVERLOADED (the client backs off and
 * retries), so a flood of calls fills no heap.
 */
final class InFlightBytes {

	private final Semaphore bytes;

	private final long max;

	InFlightBytes(long max) {
		this.max = Math.min(max, Integer.MAX_VALUE);
		this.bytes = new Semaphore((int) this.max);
	}

	/** Runs {@code call} holding {@code size} bytes until its future completes. */
	<T> CompletableFuture<T> admit(long size, Supplier<CompletableFuture<T>> call) {
		int permits = (int) Math.min(size, this.max);
		if (!this.bytes.tryAcquire(permits)) {
			throw new CurveException(ErrorCode.OVERLOADED, "this chunkserver is serving "
					+ Sizes.format(this.max - this.bytes.availablePermits()) + " of requests already (at most "
					+ Sizes.format(this.max) + "); retry shortly");
		}
		CompletableFuture<T> future;
		try {
			future = call.get();
		}
		catch (RuntimeException ex) {
			this.bytes.release(permits);
			throw ex;
		}
		return future.whenComplete((value, failure) -> this.bytes.release(permits));
	}

}
