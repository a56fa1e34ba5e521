package io.curve4j.sdk.block;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.curve4j.common.metrics.LatencyBuckets;

/**
 * Latency and bytes of one open volume's I/O as this client sees it, tagged with the
 * volume's path: {@code curve4j_client_io_seconds} (a histogram, so Prometheus computes
 * IOPS from its count and p99 from its buckets) and {@code curve4j_client_io_bytes_total}.
 * Without a registry the meters are no-ops.
 */
final class VolumeMetrics {

	static final String IO_TIMER = "curve4j.client.io";

	static final String IO_BYTES = "curve4j.client.io.bytes";

	private final Op read;

	private final Op write;

	VolumeMetrics(MeterRegistry registry, String volume) {
		this.read = new Op(registry, volume, "read");
		this.write = new Op(registry, volume, "write");
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

		Op(MeterRegistry registry, String volume, String name) {
			this.success = timer(registry, volume, name, "success");
			this.failure = timer(registry, volume, name, "error");
			this.bytes = Counter.builder(IO_BYTES)
				.description("Bytes moved by successful volume I/O")
				.baseUnit("bytes")
				.tag("volume", volume)
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

		private static Timer timer(MeterRegistry registry, String volume, String op, String outcome) {
			return Timer.builder(IO_TIMER)
				.description("Latency of volume I/O as the caller sees it, retries included")
				.tag("volume", volume)
				.tag("op", op)
				.tag("outcome", outcome)
				.serviceLevelObjectives(LatencyBuckets.storage())
				.register(registry);
		}

	}

}
