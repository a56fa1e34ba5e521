package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.curve4j.bench.LoadRun;
import io.curve4j.bench.LoadSpec;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.Volume;

/**
 * {@code curve bench PATH --rw MODE --bs SIZE --iodepth N --seconds S}: keeps
 * {@code iodepth} requests in flight through the SDK (see {@link LoadRun}) and reports
 * IOPS, bandwidth and latency percentiles. Nothing is prefilled: random reads of
 * a fresh volume measure the unallocated-segment path.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
		description = "Load a volume through the SDK and print IOPS, MiB/s and latency percentiles.")
final class BenchCommand implements Callable<Integer> {

	enum Mode {

		randwrite, randread, write, read;

		boolean writes() {
			return this == randwrite || this == write;
		}

		boolean random() {
			return this == randwrite || this == randread;
		}

	}

	@Parameters(paramLabel = "PATH", description = "Volume to load.")
	String path;

	@Option(names = "--rw", required = true, paramLabel = "MODE",
			description = "randwrite, randread, write or read (sequential, wrapping at the end).")
	Mode mode;

	@Mixin
	LoadOptions load;

	@Mixin
	ClusterOptions cluster;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() throws InterruptedException {
		LoadSpec load = this.load.spec();
		PrintWriter out = this.spec.commandLine().getOut();
		try (CurveClient client = this.cluster.client(); Volume volume = client.open(this.path)) {
			long size = volume.size();
			if (load.blockSize() > size) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT,
						"--bs " + Sizes.format(load.blockSize()) + " is larger than the volume (" + Sizes.format(size)
								+ ")");
			}
			out.printf(Locale.ROOT, "bench %s: %s bs=%s iodepth=%d for %d s (volume %s)%n", this.path, this.mode,
					Sizes.format(load.blockSize()), load.ioDepth(), load.seconds(), Sizes.format(size));
			out.flush();
			LoadRun run = new LoadRun(load);
			boolean clean = run.execute(request(volume, size, load.length()));
			run.report(out);
			return clean ? 0 : CurveCli.EXIT_ERROR;
		}
	}

	/** One read or write of {@code --bs} bytes at the next offset of the mode. */
	private LoadRun.Request request(Volume volume, long size, int length) {
		long slots = size / length;
		byte[] data = new byte[length];
		ThreadLocalRandom.current().nextBytes(data);
		AtomicLong cursor = new AtomicLong();
		return () -> {
			long slot = this.mode.random() ? ThreadLocalRandom.current().nextLong(slots)
					: cursor.getAndIncrement() % slots;
			if (this.mode.writes()) {
				volume.write(slot * length, data);
			}
			else {
				volume.read(slot * length, length);
			}
		};
	}

}
