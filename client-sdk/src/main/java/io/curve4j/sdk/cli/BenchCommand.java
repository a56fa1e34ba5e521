package io.curve4j.sdk.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.Volume;

/**
 * {@code curve bench PATH --rw MODE --bs SIZE --iodepth N --seconds S}: keeps
 * {@code iodepth} requests in flight through the SDK (one thread per slot, each waiting
 * for its request, so a slot's latency is exactly what an application would see) and
 * reports IOPS, bandwidth and latency percentiles. Nothing is prefilled: random reads of
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

	@Option(names = "--bs", defaultValue = "4KiB", converter = SizeConverter.class, paramLabel = "SIZE",
			description = "Request size, a multiple of 512. Default: ${DEFAULT-VALUE}.")
	long blockSize;

	@Option(names = "--iodepth", defaultValue = "1", paramLabel = "N",
			description = "Requests in flight. Default: ${DEFAULT-VALUE}.")
	int ioDepth;

	@Option(names = "--seconds", defaultValue = "10", paramLabel = "S",
			description = "How long to run. Default: ${DEFAULT-VALUE}.")
	int seconds;

	@Option(names = "--ramp", defaultValue = "0", paramLabel = "S",
			description = "Seconds of load before the measured ones, left out of the figures (lets the JIT "
					+ "compile the I/O path, like fio's ramp_time). Default: ${DEFAULT-VALUE}.")
	int ramp;

	@Mixin
	ClusterOptions cluster;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() throws InterruptedException {
		validate();
		PrintWriter out = this.spec.commandLine().getOut();
		try (CurveClient client = this.cluster.client(); Volume volume = client.open(this.path)) {
			long size = volume.size();
			if (this.blockSize > size) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT,
						"--bs " + Sizes.format(this.blockSize) + " is larger than the volume (" + Sizes.format(size)
								+ ")");
			}
			out.printf(Locale.ROOT, "bench %s: %s bs=%s iodepth=%d for %d s (volume %s)%n", this.path, this.mode,
					Sizes.format(this.blockSize), this.ioDepth, this.seconds, Sizes.format(size));
			out.flush();
			Run run = new Run(volume, size);
			run.execute();
			report(out, run);
			return run.errors.get() == 0 ? 0 : CurveCli.EXIT_ERROR;
		}
	}

	private void validate() {
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

	private void report(PrintWriter out, Run run) {
		double elapsed = run.elapsedNanos / 1e9;
		long ops = run.ops.get();
		Histogram h = run.latency;
		out.printf(Locale.ROOT, "ops:        %d in %.2f s, %d errors%n", ops, elapsed, run.errors.get());
		out.printf(Locale.ROOT, "IOPS:       %.1f%n", ops / elapsed);
		out.printf(Locale.ROOT, "bandwidth:  %.2f MiB/s%n", ops * (double) this.blockSize / Sizes.MIB / elapsed);
		if (ops > 0) {
			out.printf(Locale.ROOT, "latency ms: mean %.3f  p50 %.3f  p99 %.3f  p999 %.3f  max %.3f%n",
					h.getMean() / 1e6, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
					ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
		}
		if (run.firstError.get() != null) {
			out.println("first error: " + run.firstError.get());
		}
		out.flush();
	}

	private static double ms(long nanos) {
		return nanos / 1e6;
	}

	/** One benchmark run: the workers, their counters and the latency histogram (ns). */
	private final class Run {

		private final Volume volume;

		private final long slots;

		private final byte[] data;

		private final AtomicLong cursor = new AtomicLong();

		private final AtomicLong ops = new AtomicLong();

		private final AtomicLong errors = new AtomicLong();

		private final AtomicReference<CurveException> firstError = new AtomicReference<>();

		private final Histogram latency = new ConcurrentHistogram(3);

		private long elapsedNanos;

		Run(Volume volume, long size) {
			this.volume = volume;
			this.slots = size / BenchCommand.this.blockSize;
			this.data = new byte[(int) BenchCommand.this.blockSize];
			ThreadLocalRandom.current().nextBytes(this.data);
		}

		void execute() throws InterruptedException {
			long measured = System.nanoTime() + BenchCommand.this.ramp * 1_000_000_000L;
			long end = measured + BenchCommand.this.seconds * 1_000_000_000L;
			List<Thread> workers = new ArrayList<>();
			for (int i = 0; i < BenchCommand.this.ioDepth; i++) {
				Thread worker = new Thread(() -> work(measured, end), "bench-" + i);
				worker.setDaemon(true);
				workers.add(worker);
				worker.start();
			}
			for (Thread worker : workers) {
				worker.join();
			}
			this.elapsedNanos = System.nanoTime() - measured;
		}

		/** Runs requests until {@code end}; those started before {@code measured} are not counted. */
		private void work(long measured, long end) {
			int length = (int) BenchCommand.this.blockSize;
			while (System.nanoTime() < end) {
				long offset = nextOffset();
				long t0 = System.nanoTime();
				try {
					if (BenchCommand.this.mode.writes()) {
						this.volume.write(offset, this.data);
					}
					else {
						this.volume.read(offset, length);
					}
					if (t0 - measured >= 0) {
						this.latency.recordValue(System.nanoTime() - t0);
						this.ops.incrementAndGet();
					}
				}
				catch (CurveException ex) {
					this.errors.incrementAndGet();
					this.firstError.compareAndSet(null, ex);
					if (!ex.code().retryable()) {
						// the same request would fail the same way: stop this slot
						return;
					}
				}
			}
		}

		private long nextOffset() {
			long slot = BenchCommand.this.mode.random() ? ThreadLocalRandom.current().nextLong(this.slots)
					: this.cursor.getAndIncrement() % this.slots;
			return slot * BenchCommand.this.blockSize;
		}

	}

}
