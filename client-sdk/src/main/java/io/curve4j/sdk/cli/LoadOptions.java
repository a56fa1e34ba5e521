package io.curve4j.sdk.cli;

import picocli.CommandLine.Option;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

/** How a load runs: request size, requests in flight, measured and ramp seconds. */
final class LoadOptions {

	@Option(names = "--bs", defaultValue = "4KiB", converter = SizeConverter.class, paramLabel = "SIZE",
			description = "Request size, a multiple of 512. Default: ${DEFAULT-VALUE}.")
	long blockSize;

	@Option(names = "--iodepth", defaultValue = "1", paramLabel = "N",
			description = "Requests in flight. Default: ${DEFAULT-VALUE}.")
	int ioDepth;

	@Option(names = "--seconds", defaultValue = "10", paramLabel = "S",
			description = "How long to measure. Default: ${DEFAULT-VALUE}.")
	int seconds;

	@Option(names = "--ramp", defaultValue = "0", paramLabel = "S",
			description = "Seconds of load before the measured ones, left out of the figures (lets the JIT "
					+ "compile the I/O path, like fio's ramp_time). Default: ${DEFAULT-VALUE}.")
	int ramp;

	void validate() {
		if (this.blockSize <= 0 || this.blockSize % Sizes.SECTOR_SIZE != 0 || this.blockSize > Integer.MAX_VALUE) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"--bs must be a positive multiple of " + Sizes.SECTOR_SIZE + " bytes, not " + this.blockSize);
		}
		if (this.ioDepth < 1 || this.ioDepth > 1024) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--iodepth must be 1..1024, not " + this.ioDepth);
		}
		if (this.ramp < 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--ramp must not be negative, not " + this.ramp);
		}
		if (this.seconds < 1) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--seconds must be at least 1, not " + this.seconds);
		}
	}

	int length() {
		return (int) this.blockSize;
	}

}
