package io.curve4j.sdk.block;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Per-operation latency (with a percentile histogram, so Prometheus can compute p99)
 * and byte counters of the volume I/O of one client. Without a registry the meters are
 * no-ops.
 */
final class VolumeMetrics {

	static final String IO_TIMER = "curve.sdk.io";

	static final String IO_BYTES = "curve.sdk.io.bytes";

	private final Op read;

	private final Op write;

	VolumeMetrics(MeterRegistry registry) {
		this.read = new Op(registry, "read");
		this.write = new Op(registry, "write");
	}

	Op read() {
		return this.read;
	}

	Op write() {
		return this.write;
	}

	static final class Op {

		private final Timer success;

		private final Timer failure;

		private final Counter bytes;

		Op(MeterRegistry registry, String name) {
			this.success = timer(registry, name, "success");
			this.failure = timer(registry, name, "error");
			this.bytes = Counter.builder(IO_BYTES)
				.description("Bytes moved by successful volume I/O")
				.baseUnit("bytes")
				.tag("op", name)
				.register(registry);
		}

		void record(long startNanos, int length, boolean ok) {
			long elapsed = System.nanoTime() - startNanos;
			if (ok) {
				this.success.record(elapsed, TimeUnit.NANOSECONDS);
				this.bytes.increment(length);
			}
			else {
				this.failure.record(elapsed, TimeUnit.NANOSECONDS);
			}
		}

		private static Timer timer(MeterRegistry registry, String op, String outcome) {
			return Timer.builder(IO_TIMER)
				.description("Latency of volume I/O as the caller sees it, retries included")
				.tag("op", op)
				.tag("outcome", outcome)
				.publishPercentileHistogram()
				.register(registry);
		}

	}

}
