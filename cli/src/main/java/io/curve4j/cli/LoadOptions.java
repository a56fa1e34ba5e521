package io.curve4j.cli;

import picocli.CommandLine.Option;

import io.curve4j.bench.LoadSpec;

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

	/** The load these options describe; fails with INVALID_ARGUMENT when one is out of range. */
	LoadSpec spec() {
		return new LoadSpec(this.blockSize, this.ioDepth, this.seconds, this.ramp);
	}

}
