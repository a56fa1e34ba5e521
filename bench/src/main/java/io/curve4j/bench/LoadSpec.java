package io.curve4j.bench;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

/**
 * How a load runs; checked on creation, with messages in the command line's words.
 *
 * @param blockSize request size in bytes, a multiple of the sector size
 * @param ioDepth requests in flight
 * @param seconds how long to measure
 * @param ramp seconds of load before the measured ones, left out of the figures
 */
public record LoadSpec(long blockSize, int ioDepth, int seconds, int ramp) {

	public LoadSpec {
		if (blockSize <= 0 || blockSize % Sizes.SECTOR_SIZE != 0 || blockSize > Integer.MAX_VALUE) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"--bs must be a positive multiple of " + Sizes.SECTOR_SIZE + " bytes, not " + blockSize);
		}
		if (ioDepth < 1 || ioDepth > 1024) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--iodepth must be 1..1024, not " + ioDepth);
		}
		if (ramp < 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--ramp must not be negative, not " + ramp);
		}
		if (seconds < 1) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--seconds must be at least 1, not " + seconds);
		}
	}

	/** The request size as an array length. */
	public int length() {
		return (int) this.blockSize;
	}

}
