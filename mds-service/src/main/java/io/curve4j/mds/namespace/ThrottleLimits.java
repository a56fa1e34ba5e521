package io.curve4j.mds.namespace;

import io.swagger.v3.oas.annotations.media.Schema;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.mds.v1.VolumeThrottle;

/**
 * A volume's QoS limits as REST states them, and the checks they pass before they are
 * proposed. An absent (or 0) limit is no limit. Clients enforce them: each I/O takes one
 * permit of every IOPS limit that applies to it and its length of every bytes-per-second
 * limit.
 */
@Schema(description = "QoS limits of a volume; an absent or 0 limit is no limit")
public record ThrottleLimits(@Schema(description = "I/O operations per second, reads and writes together") Long iops,
		@Schema(description = "reads per second") Long readIops,
		@Schema(description = "writes per second") Long writeIops,
		@Schema(description = "bytes per second, reads and writes together") Long bps,
		@Schema(description = "bytes read per second") Long readBps,
		@Schema(description = "bytes written per second") Long writeBps,
		@Schema(description = "milliseconds of each limit an idle volume saves up and may spend at once, and the "
				+ "step in which a saturated volume is refilled; 1 to 60000, default 100") Long burstMs) {

	static final long DEFAULT_BURST_MS = 100;

	static final long MAX_BURST_MS = 60_000;

	/** Far above any device; small enough that a minute of burst still counts in an int on the client. */
	static final long MAX_IOPS = 10_000_000;

	/** 16 GiB/s: a minute of burst in 512-byte sectors still counts in an int on the client. */
	static final long MAX_BPS = 16 * Sizes.GIB;

	/** The stored limits, the default burst filled in; INVALID_THROTTLE when they make no sense. */
	VolumeThrottle toProto() {
		VolumeThrottle throttle = VolumeThrottle.newBuilder()
			.setIops(limit("iops", this.iops, MAX_IOPS))
			.setReadIops(limit("readIops", this.readIops, MAX_IOPS))
			.setWriteIops(limit("writeIops", this.writeIops, MAX_IOPS))
			.setBps(limit("bps", this.bps, MAX_BPS))
			.setReadBps(limit("readBps", this.readBps, MAX_BPS))
			.setWriteBps(limit("writeBps", this.writeBps, MAX_BPS))
			.build();
		if (throttle.equals(VolumeThrottle.getDefaultInstance())) {
			throw new CurveException(ErrorCode.INVALID_THROTTLE, "no limit given: set at least one of iops, readIops, "
					+ "writeIops, bps, readBps, writeBps above 0 (DELETE the throttle to remove every limit)");
		}
		long burst = this.burstMs == null || this.burstMs == 0 ? DEFAULT_BURST_MS : this.burstMs;
		if (burst < 1 || burst > MAX_BURST_MS) {
			throw new CurveException(ErrorCode.INVALID_THROTTLE,
					"burstMs must be from 1 to " + MAX_BURST_MS + " (0 or absent: " + DEFAULT_BURST_MS + "), not " + burst);
		}
		return throttle.toBuilder().setBurstMs((int) burst).build();
	}

	/** What a stored throttle says; every field null for a volume without limits. */
	static ThrottleLimits of(VolumeThrottle t) {
		return new ThrottleLimits(orNull(t.getIops()), orNull(t.getReadIops()), orNull(t.getWriteIops()),
				orNull(t.getBps()), orNull(t.getReadBps()), orNull(t.getWriteBps()), orNull(t.getBurstMs()));
	}

	private static long limit(String name, Long value, long max) {
		if (value == null) {
			return 0;
		}
		if (value < 0 || value > max) {
			throw new CurveException(ErrorCode.INVALID_THROTTLE,
					name + " must be from 0 (no limit) to " + max + ", not " + value);
		}
		return value;
	}

	private static Long orNull(long value) {
		return value == 0 ? null : value;
	}

}
