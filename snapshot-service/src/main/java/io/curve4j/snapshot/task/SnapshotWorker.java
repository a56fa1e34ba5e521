package io.curve4j.snapshot.task;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.mds.v1.AcquireLeaseResponse;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.FlattenTask;
import io.curve4j.proto.mds.v1.ListTasksResponse;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

/**
 * The snapshot service's loop: holds the MDS's worker lease (renewed every third of it)
 * and, while it does, polls the task list (snapshots to copy or delete, clones to
 * flatten) and runs each task on a pool of a few threads, at most one task per volume at
 * a time (a deletion must not remove objects a copy of the same volume has put but not
 * yet named in a manifest). A task's transient failures are retried with exponential
 * backoff until it succeeds; losing the lease stops every task.
 */
public final class SnapshotWorker implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(SnapshotWorker.class);

	private static final AtomicInteger THREADS = new AtomicInteger();

	private final SnapshotTasks tasks;

	private final SnapshotReader.Opener opener;

	private final SnapshotCopier copier;

	private final SnapshotDeleter deleter;

	private final CloneVolume.Opener clones;

	private final CloneFlattener flattener;

	private final TaskMetrics metrics;

	private final int parallelism;

	private final Duration pollInterval;

	private final RetryConfig retryConfig;

	private final ScheduledExecutorService loop;

	private final ExecutorService runners;

	/** The task running per volume id. */
	private final Map<Long, Future<?>> running = new ConcurrentHashMap<>();

	/** System.nanoTime() until which the lease is ours; 0 while it is not. */
	private volatile long leaseUntilNanos;

	private long lastAcquireNanos;

	private long renewEveryNanos;

	private volatile boolean closed;

	/**
	 * @param parallelism how many volumes' tasks run at once
	 * @param pollInterval how often the task list is fetched (and, if due, the lease renewed)
	 * @param initialBackoff first wait after a transient failure; doubles up to {@code maxBackoff}
	 */
	public SnapshotWorker(SnapshotTasks tasks, SnapshotReader.Opener opener, SnapshotCopier copier,
			SnapshotDeleter deleter, CloneVolume.Opener clones, CloneFlattener flattener, TaskMetrics metrics,
			int parallelism, Duration pollInterval, Duration initialBackoff, Duration maxBackoff) {
		this.tasks = tasks;
		this.opener = opener;
		this.copier = copier;
		this.deleter = deleter;
		this.clones = clones;
		this.flattener = flattener;
		this.metrics = metrics;
		this.parallelism = parallelism;
		this.pollInterval = pollInterval;
		this.retryConfig = RetryConfig.custom()
			.maxAttempts(Integer.MAX_VALUE)
			.intervalFunction(IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0, maxBackoff))
			.retryOnException((failure) -> TaskFailures.isTransient(failure) && holdsLease())
			.build();
		this.loop = Executors.newSingleThreadScheduledExecutor((task) -> thread(task, "snapshot-worker"));
		this.runners = Executors.newFixedThreadPool(parallelism,
				(task) -> thread(task, "snapshot-task-" + THREADS.incrementAndGet()));
	}

	private static Thread thread(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	public void start() {
		this.loop.scheduleWithFixedDelay(this::round, 0, this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Tasks running now. */
	public int runningTasks() {
		return this.running.size();
	}

	public boolean holdsLease() {
		return !this.closed && System.nanoTime() - this.leaseUntilNanos < 0;
	}

	private void round() {
		try {
			renewLeaseIfDue();
		}
		catch (RuntimeException ex) {
			// the next round tries again; the lease runs out on its own if the MDS stays away
			log.warn("worker {} could not renew the snapshot lease: {}", this.tasks.workerId(), ex.getMessage());
		}
		if (!holdsLease()) {
			stopAll();
			return;
		}
		try {
			startTasks(this.tasks.listTasks());
		}
		catch (RuntimeException ex) {
			log.warn("worker {} could not list the snapshot tasks: {}", this.tasks.workerId(), ex.getMessage());
		}
	}

	private void renewLeaseIfDue() {
		long now = System.nanoTime();
		if (this.leaseUntilNanos != 0 && now - this.lastAcquireNanos < this.renewEveryNanos) {
			return;
		}
		AcquireLeaseResponse lease = this.tasks.acquireLease();
		this.lastAcquireNanos = now;
		if (lease.getHeld()) {
			if (!holdsLease()) {
				log.info("worker {} holds the snapshot lease ({} ms)", this.tasks.workerId(), lease.getLeaseMs());
			}
			// counted from before the call: the MDS's lease started no earlier than that
			this.leaseUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(lease.getLeaseMs());
			this.renewEveryNanos = TimeUnit.MILLISECONDS.toNanos(lease.getLeaseMs()) / 3;
		}
		else {
			if (this.leaseUntilNanos != 0) {
				log.warn("worker {} lost the snapshot lease to {}", this.tasks.workerId(), lease.getHolder());
			}
			this.leaseUntilNanos = 0;
		}
	}

	private void startTasks(ListTasksResponse list) {
		for (SnapshotInfo snapshot : list.getSnapshotsList()) {
			if (!start(snapshot.getVolumeId(), () -> run(snapshot))) {
				return;
			}
		}
		for (FlattenTask flatten : list.getFlattensList()) {
			if (!start(flatten.getVolumeId(), () -> run(flatten))) {
				return;
			}
		}
	}

	/**
	 * Starts {@code task} unless the volume has one running already.
	 * @return false when every runner is busy
	 */
	private boolean start(long volumeId, Runnable task) {
		if (this.running.size() >= this.parallelism) {
			return false;
		}
		if (!this.running.containsKey(volumeId)) {
			// registered before it starts, so a fast task's removal cannot precede this
			synchronized (this.running) {
				this.running.put(volumeId, this.runners.submit(() -> {
					this.metrics.taskStarted();
					try {
						task.run();
					}
					finally {
						this.metrics.taskEnded();
						synchronized (this.running) {
							this.running.remove(volumeId);
						}
					}
				}));
			}
		}
		return true;
	}

	private Retry retry(String name, String what) {
		Retry retry = Retry.of(name, this.retryConfig);
		retry.getEventPublisher()
			.onRetry((event) -> log.warn("{}: attempt {} failed, retrying in {}: {}", what,
					event.getNumberOfRetryAttempts(), event.getWaitInterval(), event.getLastThrowable().toString()));
		return retry;
	}

	private void run(SnapshotInfo snapshot) {
		long started = System.nanoTime();
		String what = (snapshot.getStatus() == SnapshotStatus.PENDING ? "copy" : "delete") + " of snapshot "
				+ snapshot.getId() + " (" + snapshot.getVolumePath() + " seq " + snapshot.getSeq() + ")";
		log.info("{} started", what);
		try {
			Retry retry = retry("snapshot-" + snapshot.getId(), what);
			String figures = snapshot.getStatus() == SnapshotStatus.PENDING ? copy(snapshot, retry)
					: Retry.decorateSupplier(retry, () -> delete(snapshot)).get();
			log.info("{} finished in {} ms: {}", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
					figures);
		}
		catch (TaskFailures.VolumeUnreadableException ex) {
			failCopy(snapshot, what, ex);
		}
		catch (TaskFailures.TaskStoppedException ex) {
			log.warn("{} stopped: {}", what, ex.getMessage());
		}
		catch (RuntimeException ex) {
			// not transient and not the volume's fault: the next round starts it again
			log.error("{} failed: {}", what, ex.toString());
		}
	}

	private void run(FlattenTask task) {
		long started = System.nanoTime();
		String what = "flatten of clone " + task.getVolumeId() + " (" + task.getVolumePath() + ", chunks "
				+ task.getClone().getNextChunk() + " to " + task.getClone().getSourceChunks() + ")";
		log.info("{} started", what);
		try {
			// an attempt after a failure resumes where the last one reported its progress
			long[] next = { task.getClone().getNextChunk() };
			CloneFlattener.Result result = Retry.decorateSupplier(retry("flatten-" + task.getVolumeId(), what),
					() -> flatten(task, next))
				.get();
			log.info("{} {} in {} ms: {} chunks flattened", what, result.whole() ? "finished" : "stopped, the clone was deleted",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), result.chunksFlattened());
		}
		catch (TaskFailures.TaskStoppedException ex) {
			log.warn("{} stopped: {}", what, ex.getMessage());
		}
		catch (RuntimeException ex) {
			if (!holdsLease()) {
				// the worker stops (or lost the lease) in the middle of a chunk
				log.warn("{} stopped: {}", what, ex.toString());
			}
			else {
				// not transient and the clone still there: the next round starts it again
				log.error("{} failed: {}", what, ex.toString());
			}
		}
	}

	/** One attempt of a flatten, from {@code next[0]}, which it moves on as it reports progress. */
	private CloneFlattener.Result flatten(FlattenTask task, long[] next) {
		long volumeId = task.getVolumeId();
		CloneFlattener.Progress progress = (chunk) -> {
			boolean flattening = stillFlattening(volumeId, chunk);
			next[0] = chunk;
			return flattening;
		};
		try (CloneVolume clone = this.clones.open(task.getVolumePath())) {
			if (clone.volumeId() != volumeId) {
				return new CloneFlattener.Result(false, next[0], 0);
			}
			CloneFlattener.Result result = this.flattener.flatten(task, next[0], clone, progress, this::holdsLease);
			if (result.whole()) {
				this.tasks.finishFlatten(volumeId);
			}
			return result;
		}
		catch (CurveException ex) {
			// VOLUME_NOT_FOUND from the open, the session lost with the volume, ...: quietly
			// done if the clone is gone, else a failure
			if (!ex.code().retryable() && !stillFlattening(volumeId, next[0])) {
				return new CloneFlattener.Result(false, next[0], 0);
			}
			throw ex;
		}
	}

	/** Reports the progress; whether the clone is still there, FLATTENING. */
	private boolean stillFlattening(long volumeId, long nextChunk) {
		try {
			return this.tasks.reportFlattenProgress(volumeId, nextChunk)
				.map((file) -> file.hasClone() && file.getClone().getStatus() == CloneStatus.FLATTENING)
				.orElse(false);
		}
		catch (CurveException ex) {
			if (ex.code() == ErrorCode.VOLUME_NOT_FOUND) {
				return false;
			}
			throw ex;
		}
	}

	private String copy(SnapshotInfo snapshot, Retry retry) {
		// an attempt after a failure resumes where the last one reported its progress
		SnapshotInfo[] current = { snapshot };
		SnapshotCopier.Result result = Retry.decorateSupplier(retry, () -> {
			try (SnapshotReader reader = open(current[0])) {
				SnapshotCopier.Result copied = this.copier.copy(current[0], reader, (next) -> {
					SnapshotInfo now = this.tasks.reportProgress(snapshot.getId(), next);
					current[0] = current[0].toBuilder().setNextChunk(next).build();
					return now;
				}, this::holdsLease);
				if (copied.whole()) {
					reader.deleteChunkCopies();
					this.tasks.finishCopy(snapshot.getId());
				}
				return copied;
			}
		}).get();
		if (!result.whole()) {
			return "stopped at chunk " + result.nextChunk() + ", the snapshot is being deleted";
		}
		return result.chunksCopied() + " chunks copied (" + result.bytesCopied() + " bytes), "
				+ result.chunksUnchanged() + " unchanged since an earlier snapshot, of " + result.nextChunk();
	}

	private String delete(SnapshotInfo snapshot) {
		if (snapshot.getInCluster()) {
			try (SnapshotReader reader = open(snapshot)) {
				reader.deleteChunkCopies();
			}
			catch (TaskFailures.VolumeUnreadableException ex) {
				// the volume is gone, and its chunks with it
			}
		}
		int deleted = this.deleter.delete(snapshot);
		this.tasks.finishDelete(snapshot.getId());
		return deleted + " chunk objects no other snapshot needs deleted";
	}

	private SnapshotReader open(SnapshotInfo snapshot) {
		try {
			return this.opener.open(snapshot.getVolumePath(), snapshot.getSeq());
		}
		catch (CurveException ex) {
			throw ex.code().retryable() ? ex : new TaskFailures.VolumeUnreadableException(ex);
		}
	}

	/** The copy cannot succeed: drop the chunks' copies if the volume still has them, then record the error. */
	private void failCopy(SnapshotInfo snapshot, String what, TaskFailures.VolumeUnreadableException failure) {
		log.error("{} failed for good: {}", what, failure.getMessage());
		try {
			try (SnapshotReader reader = this.opener.open(snapshot.getVolumePath(), snapshot.getSeq())) {
				reader.deleteChunkCopies();
			}
			catch (CurveException ex) {
				if (ex.code() != ErrorCode.VOLUME_NOT_FOUND) {
					log.warn("{}: the chunks' snapshot copies could not be deleted: {}", what, ex.getMessage());
				}
			}
			this.tasks.failCopy(snapshot.getId(), failure.getMessage());
		}
		catch (CurveException ex) {
			log.error("{}: could not record the failure: {}", what, ex.getMessage());
		}
	}

	private void stopAll() {
		synchronized (this.running) {
			this.running.values().forEach((task) -> task.cancel(true));
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.loop.shutdownNow();
		stopAll();
		this.runners.shutdownNow();
		try {
			this.runners.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
