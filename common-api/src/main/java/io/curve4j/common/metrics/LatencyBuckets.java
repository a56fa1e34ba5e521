package io.curve4j.common.metrics;

import java.time.Duration;

/**
 * Histogram bucket bounds for storage latencies, shared by every latency histogram we
 * export, so that dashboards compare like with like: from a cached read (about 100 µs)
 * through a replicated, fsync'd write (milliseconds) to a leader change that a caller
 * retries through (seconds).
 */
public final class LatencyBuckets {

	private static final Duration[] STORAGE = { Duration.ofNanos(100_000), Duration.ofNanos(250_000),
			Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
			Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
			Duration.ofSeconds(5), Duration.ofSeconds(10) };

	private LatencyBuckets() {
	}

	/** The bounds, as Micrometer's {@code Timer.Builder.serviceLevelObjectives} takes them. */
	public static Duration[] storage() {
		return STORAGE.clone();
	}

}
