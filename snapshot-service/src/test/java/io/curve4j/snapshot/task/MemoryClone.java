package io.curve4j.snapshot.task;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * A clone in memory for the flatten tests: its flatten is a list of the chunks flattened; the flatten of chunk
 * {@code gateAt} waits for {@link #gate} (interrupted: it fails, unfinished).
 */
final class MemoryClone implements CloneVolume {

	final long id;

	final long gateAt;

	final List<Long> flattened = new CopyOnWriteArrayList<>();

	final CountDownLatch reachedGate = new CountDownLatch(1);

	final CountDownLatch gate = new CountDownLatch(1);

	volatile int opens;

	volatile boolean closed;

	MemoryClone(long id, long gateAt) {
		this.id = id;
		this.gateAt = gateAt;
	}

	@Override
	public long volumeId() {
		return this.id;
	}

	@Override
	public void flattenChunk(long chunkIndex) {
		if (chunkIndex == this.gateAt) {
			this.reachedGate.countDown();
			try {
				if (!this.gate.await(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException("the test never opened the gate");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted");
			}
		}
		this.flattened.add(chunkIndex);
	}

	@Override
	public void close() {
		this.closed = true;
	}

}
