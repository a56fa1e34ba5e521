package io.curve4j.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.size.Sizes;

/**
 * Keeps {@code iodepth} requests in flight for a fixed time, one thread per slot, each
 * waiting for its request, so a slot's latency is exactly what an application would see.
 * Counts and times the requests started after the ramp, and the CPU time this process
 * spent meanwhile.
 */
public final class LoadRun {

	/** One blocking request; a CurveException that is not retryable stops its slot. */
	@FunctionalInterface
	public interface Request {

		void run() throws CurveException;

	}

	private final LoadSpec options;

	private final AtomicLong ops = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicReference<CurveException> firstError = new AtomicReference<>();

	private final Histogram latency = new ConcurrentHistogram(3);

	private long elapsedNanos;

	private final LongSupplier cpuClock;

	private final String cpuScope;

	private long cpuNanos;

	/** CPU time counted: this process's. */
	public LoadRun(LoadSpec options) {
		this(options, LoadRun::processCpuNanos, "this process");
	}

	/**
	 * @param cpuClock CPU nanoseconds spent so far by what the figure covers
	 * @param cpuScope what that is, for the report
	 */
	public LoadRun(LoadSpec options, LongSupplier cpuClock, String cpuScope) {
		this.options = options;
		this.cpuClock = cpuClock;
		this.cpuScope = cpuScope;
	}

	/** Runs the load; returns whether every request succeeded. */
	public boolean execute(Request request) throws InterruptedException {
		long measured = System.nanoTime() + this.options.ramp() * 1_000_000_000L;
		long end = measured + this.options.seconds() * 1_000_000_000L;
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < this.options.ioDepth(); i++) {
			Thread worker = new Thread(() -> work(request, measured, end), "load-" + i);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		long untilMeasured = measured - System.nanoTime();
		if (untilMeasured > 0) {
			Thread.sleep(untilMeasured / 1_000_000, (int) (untilMeasured % 1_000_000));
		}
		long cpuAtStart = this.cpuClock.getAsLong();
		for (Thread worker : workers) {
			worker.join();
		}
		this.elapsedNanos = System.nanoTime() - measured;
		this.cpuNanos = this.cpuClock.getAsLong() - cpuAtStart;
		return this.errors.get() == 0;
	}

	private void work(Request request, long measured, long end) {
		while (System.nanoTime() < end) {
			long t0 = System.nanoTime();
			try {
				request.run();
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

	public void report(PrintWriter out) {
		double elapsed = this.elapsedNanos / 1e9;
		long count = this.ops.get();
		Histogram h = this.latency;
		out.printf(Locale.ROOT, "ops:        %d in %.2f s, %d errors%n", count, elapsed, this.errors.get());
		out.printf(Locale.ROOT, "IOPS:       %.1f%n", count / elapsed);
		out.printf(Locale.ROOT, "bandwidth:  %.2f MiB/s%n", count * (double) this.options.blockSize() / Sizes.MIB / elapsed);
		if (count > 0) {
			out.printf(Locale.ROOT, "latency ms: mean %.3f  p50 %.3f  p99 %.3f  p999 %.3f  max %.3f%n",
					h.getMean() / 1e6, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
					ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
			out.printf(Locale.ROOT, "cpu ms/op:  %.3f (%s)%n", this.cpuNanos / 1e6 / count, this.cpuScope);
		}
		if (this.firstError.get() != null) {
			out.println("first error: " + this.firstError.get());
		}
		out.flush();
	}

	/** Whether every request succeeded. */
	public boolean succeeded() {
		return this.errors.get() == 0;
	}

	/** Requests per second over the measured time. */
	public double iops() {
		return this.ops.get() / (this.elapsedNanos / 1e9);
	}

	public double meanLatencyMillis() {
		return this.latency.getMean() / 1e6;
	}

	/** CPU milliseconds per request of what the figure covers. */
	public double cpuMillisPerOp() {
		return this.cpuNanos / 1e6 / this.ops.get();
	}

	private static double ms(long nanos) {
		return nanos / 1e6;
	}

	public static long processCpuNanos() {
		return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
				? os.getProcessCpuTime() : 0;
	}

}
