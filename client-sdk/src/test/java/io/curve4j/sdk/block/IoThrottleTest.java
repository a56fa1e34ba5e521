package io.curve4j.sdk.block;

import org.junit.jupiter.api.Test;

import io.curve4j.common.size.Sizes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The limiter math: the waits reservations get back, without running any I/O. Every
 * reservation is made at once, so a wait is how far into the future the limits put it;
 * the tolerance is one refill period.
 */
class IoThrottleTest {

	private static final double NANOS = 1e9;

	@Test
	void anIopsLimitAdmitsItsBurstAtOnceThenItsRate() {
		IoThrottle throttle = new IoThrottle(new Throttle(500, 0, 0, 0, 0, 0, 100));
		for (int i = 0; i < 50; i++) {
			assertThat(throttle.reserve(true, 4096)).as("within the 100 ms burst").isZero();
		}
		long last = 0;
		for (int i = 0; i < 500; i++) {
			last = throttle.reserve(i % 2 == 0, 4096);
		}
		// 550 operations at 500 a second, 50 of them free: the last starts a second from now
		assertThat(last / NANOS).isCloseTo(1.0, within(0.1));
	}

	@Test
	void aLimitKeepsItsRateWhenItsBurstHoldsNoWholeNumberOfPermits() {
		// 15 a second with 100 ms of burst is 1.5 permits: the period stretches to 2 permits, 133 ms
		IoThrottle throttle = new IoThrottle(new Throttle(15, 0, 0, 0, 0, 0, 100));
		long last = 0;
		for (int i = 0; i < 32; i++) {
			last = throttle.reserve(false, 512);
		}
		assertThat(last / NANOS).isCloseTo(30 / 15.0, within(0.134));
		// a limit below one permit per burst still gets its rate
		IoThrottle slow = new IoThrottle(new Throttle(2, 0, 0, 0, 0, 0, 100));
		slow.reserve(true, 512);
		assertThat(slow.reserve(true, 512) / NANOS).isCloseTo(0.5, within(0.01));
	}

	@Test
	void bytesPerSecondCountBytesAndARequestLargerThanTheBurstStillPasses() {
		IoThrottle throttle = new IoThrottle(new Throttle(0, 0, 0, Sizes.MIB, 0, 0, 100));
		// 4 MiB against 1 MiB/s with a 100 ms burst: 40 bursts' worth, granted 3.9 s from now
		long big = throttle.reserve(true, (int) (4 * Sizes.MIB));
		assertThat(big / NANOS).isCloseTo(3.9, within(0.1));
		// the next one queues behind it, for its own bytes only
		long next = throttle.reserve(false, (int) (100 * Sizes.KIB));
		assertThat((next - big) / NANOS).isCloseTo(0.1, within(0.1));
	}

	@Test
	void readAndWriteLimitsApplyToTheirKindOnlyAndTheTotalToBoth() {
		IoThrottle writes = new IoThrottle(new Throttle(0, 0, 10, 0, 0, 0, 100));
		writes.reserve(true, 512);
		assertThat(writes.reserve(true, 512)).as("the second write of 10 a second").isPositive();
		for (int i = 0; i < 1000; i++) {
			assertThat(writes.reserve(false, 512)).as("reads are not limited").isZero();
		}
		IoThrottle readBytes = new IoThrottle(new Throttle(0, 0, 0, 0, 100 * Sizes.KIB, 0, 100));
		assertThat(readBytes.reserve(true, (int) Sizes.MIB)).as("writes pass a read limit").isZero();
		// 1024 KiB at 100 KiB/s, 10 KiB of them free
		assertThat(readBytes.reserve(false, (int) Sizes.MIB) / NANOS).isCloseTo(10.14, within(0.1));

		IoThrottle total = new IoThrottle(new Throttle(10, 0, 0, 0, 0, 0, 100));
		total.reserve(false, 512);
		assertThat(total.reserve(true, 512)).as("a write after a read, 10 a second together").isPositive();
	}

	@Test
	void theStrictestLimitDecides() {
		IoThrottle throttle = new IoThrottle(new Throttle(1000, 0, 0, 0, 0, Sizes.MIB, 100));
		long wait = 0;
		for (int i = 0; i < 10; i++) {
			wait = throttle.reserve(true, (int) (64 * Sizes.KIB));
		}
		// 640 KiB at 1 MiB/s after a 100 KiB burst; the IOPS limit alone would admit all ten now
		assertThat(wait / NANOS).isCloseTo(540 / 1024.0, within(0.1));
	}

	@Test
	void aLongBurstIsSavedUpAndTheLargestLimitsCount() {
		IoThrottle throttle = new IoThrottle(new Throttle(1000, 0, 0, 0, 0, 0, 2000));
		for (int i = 0; i < 2000; i++) {
			assertThat(throttle.reserve(true, 512)).isZero();
		}
		assertThat(throttle.reserve(true, 512)).isPositive();
		// a minute of 16 GiB/s and of ten million IOPS still counts
		IoThrottle largest = new IoThrottle(new Throttle(10_000_000, 0, 0, 16 * Sizes.GIB, 0, 0, 60_000));
		assertThat(largest.reserve(true, (int) (16 * Sizes.MIB))).isZero();
		assertThat(IoThrottle.NONE.reserve(true, Integer.MAX_VALUE)).isZero();
	}

}
