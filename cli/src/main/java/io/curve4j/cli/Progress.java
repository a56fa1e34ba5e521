package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.Locale;

import io.curve4j.common.size.Sizes;

/**
 * Progress of a copy: on a terminal a bar redrawn in place at most five times a second
 * (bytes, percent, MiB/s, time left at the rate so far); elsewhere (pipes, logs) only the
 * summary line at the end.
 * Thread-safe: completions report from gRPC threads.
 */
final class Progress {

	private static final long REDRAW_NANOS = 200_000_000L;

	private static final int BAR = 30;

	private final PrintWriter out;

	private final String verb;

	private final long total;

	private final boolean terminal;

	private final long start = System.nanoTime();

	private long done;

	private long lastDraw;

	Progress(PrintWriter out, String verb, long total, boolean terminal) {
		this.out = out;
		this.verb = verb;
		this.total = total;
		this.terminal = terminal;
	}

	synchronized void add(long bytes) {
		this.done += bytes;
		long now = System.nanoTime();
		if (this.terminal && (now - this.lastDraw >= REDRAW_NANOS || this.done >= this.total)) {
			this.lastDraw = now;
			int filled = this.total == 0 ? BAR : (int) (BAR * this.done / this.total);
			this.out.print(String.format(Locale.ROOT, "\r[%s%s] %s / %s  %3d%%  %.1f MiB/s  %s left ",
					"#".repeat(filled), ".".repeat(BAR - filled), mib(this.done), mib(this.total), percent(), rate(now),
					timeLeft(now - this.start, this.done, this.total)));
			this.out.flush();
		}
	}

	/** Ends the bar's line and prints the summary. */
	synchronized void finish() {
		long now = System.nanoTime();
		if (this.terminal) {
			this.out.println();
		}
		this.out.println(String.format(Locale.ROOT, "%s %s (%d bytes) in %.2f s, %.1f MiB/s", this.verb,
				mib(this.done), this.done, (now - this.start) / 1e9, rate(now)));
		this.out.flush();
	}

	private int percent() {
		return this.total == 0 ? 100 : (int) (100 * this.done / this.total);
	}

	private double rate(long now) {
		double seconds = Math.max(1e-9, (now - this.start) / 1e9);
		return this.done / (double) Sizes.MIB / seconds;
	}

	/** The time left at the mean rate so far, as m:ss (h:mm:ss from an hour on). */
	static String timeLeft(long elapsedNanos, long done, long total) {
		if (done == 0) {
			return "-:--";
		}
		long seconds = (long) Math.ceil((total - done) * (elapsedNanos / 1e9) / done);
		return seconds >= 3600
				? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
				: String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
	}

	private static String mib(long bytes) {
		return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) Sizes.MIB);
	}

}
