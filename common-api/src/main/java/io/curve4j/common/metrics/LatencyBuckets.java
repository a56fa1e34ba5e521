package io.curve4j.common.metrics;

import java.time.Duration;

/**
 * Histogram bucket bounds for storage latencies, shared by every latency histogram we
 * export, so that dashboards compare like with like: from a cached read (about 100 µs)
 * through a replicated, fsync'd write (milliseconds) to a leader change that a caller
 * retries through (seconds).
 */
public final class LatencyBuckets {

	private static final long[] BOUNDS_NANOS = { 100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000,
			10_000_000, 25_000_000, 50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000L,
			2_500_000_000L, 5_000_000_000L, 10_000_000_000L };

	private LatencyBuckets() {
	}

	/** The bounds, as Micrometer's {@code Timer.Builder.serviceLevelObjectives} takes them. */
	public static Duration[] storage() {
		Duration[] bounds = new Duration[BOUNDS_NANOS.length];
		for (int i = 0; i < bounds.length; i++) {
			bounds[i] = Duration.ofNanos(BOUNDS_NANOS[i]);
		}
		return bounds;
	}

}
