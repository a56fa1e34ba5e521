package io.curve4j.sdk.block;

import io.curve4j.proto.mds.v1.VolumeThrottle;

/**
 * A volume's QoS limits as the MDS keeps them; 0 is no limit. Every client that opens the
 * volume enforces them on its own I/O.
 *
 * @param iops I/O operations per second, reads and writes together
 * @param readIops reads per second
 * @param writeIops writes per second
 * @param bps bytes per second, reads and writes together
 * @param readBps bytes read per second
 * @param writeBps bytes written per second
 * @param burstMs milliseconds of each limit an idle volume saves up and may spend at once
 * (and the step in which a saturated one is refilled)
 */
public record Throttle(long iops, long readIops, long writeIops, long bps, long readBps, long writeBps, int burstMs) {

	/** A volume without limits. */
	public static final Throttle NONE = new Throttle(0, 0, 0, 0, 0, 0, 0);

	public boolean isNone() {
		return this.iops == 0 && this.readIops == 0 && this.writeIops == 0 && this.bps == 0 && this.readBps == 0
				&& this.writeBps == 0;
	}

	static Throttle of(VolumeThrottle t) {
		return new Throttle(t.getIops(), t.getReadIops(), t.getWriteIops(), t.getBps(), t.getReadBps(),
				t.getWriteBps(), t.getBurstMs());
	}

}
