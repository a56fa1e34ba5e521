package io.curve4j.snapshot.task;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.curve4j.proto.mds.v1.FlattenTask;

/**
 * Flattens one clone: chunk after chunk, from where the last run reported it got to, up
 * to the source snapshot's last chunk (the clone's chunks past it read zeros without the
 * source). Progress goes to the MDS at most every {@link #reportInterval} and at the
 * end; a chunk flattened after the last report is flattened again by the next run, which
 * changes nothing (a flatten of a chunk is idempotent).
 */
public final class CloneFlattener {

	private final TaskMetrics metrics;

	private final Duration reportInterval;

	private final LongSupplier nanoClock;

	public CloneFlattener(TaskMetrics metrics, Duration reportInterval) {
		this(metrics, reportInterval, System::nanoTime);
	}

	CloneFlattener(TaskMetrics metrics, Duration reportInterval, LongSupplier nanoClock) {
		this.metrics = metrics;
		this.reportInterval = reportInterval;
		this.nanoClock = nanoClock;
	}

	/** Records how far the flatten got; false when the clone is no longer FLATTENING (deleted): stop. */
	@FunctionalInterface
	public interface Progress {

		boolean report(long nextChunk);

	}

	/**
	 * @param whole every chunk is flattened and reported (false: the clone went meanwhile)
	 * @param nextChunk the chunks below this index are flattened
	 */
	public record Result(boolean whole, long nextChunk, long chunksFlattened) {
	}

	/**
	 * Flattens the chunks {@code from} to the source's last of {@code task}'s clone.
	 * @param keepGoing checked before each chunk; false stops the flatten (lease lost)
	 */
	public Result flatten(FlattenTask task, long from, CloneVolume clone, Progress progress, BooleanSupplier keepGoing) {
		long end = task.getClone().getSourceChunks();
		long flattened = 0;
		long lastReportNanos = this.nanoClock.getAsLong();
		for (long chunk = from; chunk < end; chunk++) {
			if (!keepGoing.getAsBoolean()) {
				throw new TaskFailures.TaskStoppedException("the snapshot worker lease was lost");
			}
			clone.flattenChunk(chunk);
			flattened++;
			this.metrics.flattened();
			long next = chunk + 1;
			if (next < end && this.nanoClock.getAsLong() - lastReportNanos >= this.reportInterval.toNanos()) {
				if (!progress.report(next)) {
					return new Result(false, next, flattened);
				}
				lastReportNanos = this.nanoClock.getAsLong();
			}
		}
		// reported even when nothing was left: the run that flattened the rest may have stopped before
		long last = Math.max(from, end);
		return new Result(progress.report(last), last, flattened);
	}

}
