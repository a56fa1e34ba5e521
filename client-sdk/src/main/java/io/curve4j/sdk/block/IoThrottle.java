package io.curve4j.sdk.block;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import io.curve4j.common.size.Sizes;

/**
 * Enforces a volume's {@link Throttle} on this client, one Resilience4j rate limiter
 * (its {@code AtomicRateLimiter}) per limit. An I/O reserves its permits on every limiter that applies to it (one for an IOPS
 * limit, its length in 512-byte sectors for a bytes-per-second limit) and may start when
 * the last of them is due. Reserving never blocks: the caller delays the I/O. Thread-safe.
 * <p>
 * The limiter hands out a period's permits at the period's start and keeps at most one
 * period's worth, so a period of {@code burstMs} holding {@code burstMs} of the limit is the
 * burst. The period is then stretched to hold a whole number of permits (at least one)
 * at exactly the limit's rate: a limit keeps its rate whatever the burst. A request larger
 * than a period's permits waits for as many periods as it needs (the limiter lets its
 * permits go negative), so it always passes and never holds up the ones behind it for
 * longer than its own bytes take.
 */
final class IoThrottle {

	static final IoThrottle NONE = new IoThrottle(Throttle.NONE);

	/** A throttled I/O waits as long as its limits say; no deadline stops it from being admitted. */
	private static final Duration UNBOUNDED = Duration.ofDays(365);

	private final Throttle limits;

	private final RateLimiter iops;

	private final RateLimiter readIops;

	private final RateLimiter writeIops;

	private final RateLimiter bps;

	private final RateLimiter readBps;

	private final RateLimiter writeBps;

	IoThrottle(Throttle limits) {
		this.limits = limits;
		int burstMs = Math.max(1, limits.burstMs());
		this.iops = limiter("iops", limits.iops(), burstMs);
		this.readIops = limiter("read-iops", limits.readIops(), burstMs);
		this.writeIops = limiter("write-iops", limits.writeIops(), burstMs);
		// bytes count in sectors (every I/O is sector-aligned), so that a minute of 16 GiB/s fits an int
		this.bps = limiter("bps", (double) limits.bps() / Sizes.SECTOR_SIZE, burstMs);
		this.readBps = limiter("read-bps", (double) limits.readBps() / Sizes.SECTOR_SIZE, burstMs);
		this.writeBps = limiter("write-bps", (double) limits.writeBps() / Sizes.SECTOR_SIZE, burstMs);
	}

	Throttle limits() {
		return this.limits;
	}

	/**
	 * Takes what an I/O of {@code bytes} costs from every limit that applies to it.
	 * @return nanoseconds until the I/O may start; 0 for at once
	 */
	long reserve(boolean write, int bytes) {
		int sectors = (int) ((bytes + (long) Sizes.SECTOR_SIZE - 1) / Sizes.SECTOR_SIZE);
		long wait = reserve(this.iops, 1);
		wait = Math.max(wait, reserve(write ? this.writeIops : this.readIops, 1));
		wait = Math.max(wait, reserve(this.bps, sectors));
		return Math.max(wait, reserve(write ? this.writeBps : this.readBps, sectors));
	}

	private static long reserve(RateLimiter limiter, int permits) {
		if (limiter == null || permits == 0) {
			return 0;
		}
		return Math.max(0, limiter.reservePermission(permits));
	}

	/** A limiter of {@code perSecond} permits a second whose burst is {@code burstMs} of them; none for 0. */
	private static RateLimiter limiter(String name, double perSecond, int burstMs) {
		if (perSecond <= 0) {
			return null;
		}
		long permits = Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(perSecond * burstMs / 1000)));
		long periodNanos = Math.max(1, Math.round(permits * 1e9 / perSecond));
		// RateLimiter.of is Resilience4j's AtomicRateLimiter
		return RateLimiter.of(name, RateLimiterConfig.custom()
			.limitForPeriod((int) permits)
			.limitRefreshPeriod(Duration.ofNanos(periodNanos))
			.timeoutDuration(UNBOUNDED)
			.build());
	}

}
