package io.curve4j.sdk.nbd;

import java.util.ArrayList;
import java.util.List;

import io.curve4j.common.size.Sizes;

/**
 * What all the connections of one NBD server may hold at once: the payload bytes of the
 * requests they have in flight, and their number. A connection stops reading requests
 * while the server is at its byte budget and is told when a request anywhere completes;
 * one past the connection cap is closed as it connects. So the server's buffers stay
 * below the budget plus, per connection, the requests of one socket read (at most one
 * request's maximum payload, 32 MiB, more).
 */
final class NbdMemory {

	static final long DEFAULT_BYTES = 256 * Sizes.MIB;

	static final int DEFAULT_CONNECTIONS = 64;

	private final long maxBytes;

	private final int maxConnections;

	/** Guarded by this. */
	private long bytes;

	/** Connections waiting for room, to be told once; guarded by this. */
	private final List<Runnable> waiting = new ArrayList<>();

	NbdMemory(long maxBytes, int maxConnections) {
		this.maxBytes = maxBytes;
		this.maxConnections = maxConnections;
	}

	int maxConnections() {
		return this.maxConnections;
	}

	synchronized void acquire(long requestBytes) {
		this.bytes += requestBytes;
	}

	void release(long requestBytes) {
		List<Runnable> wake;
		synchronized (this) {
			this.bytes -= requestBytes;
			if (this.bytes >= this.maxBytes || this.waiting.isEmpty()) {
				return;
			}
			wake = new ArrayList<>(this.waiting);
			this.waiting.clear();
		}
		wake.forEach(Runnable::run);
	}

	/** True when there is room for more requests; otherwise {@code resume} runs once there is. */
	synchronized boolean roomOrWait(Runnable resume) {
		if (this.bytes < this.maxBytes) {
			return true;
		}
		this.waiting.add(resume);
		return false;
	}

	synchronized long bytes() {
		return this.bytes;
	}

}
