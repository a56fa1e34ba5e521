package io.curve4j.mds.raft;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on a daemon thread of its own at a fixed delay between runs, from
 * {@link #start} to {@link #stop}: the rounds of the MDS's background services (each round
 * checks for itself whether this member leads).
 */
public final class PeriodicRounds {

	private final String threadName;

	private final Runnable round;

	private final long intervalMillis;

	private volatile ScheduledExecutorService executor;

	public PeriodicRounds(String threadName, Runnable round, Duration interval) {
		this.threadName = threadName;
		this.round = round;
		this.intervalMillis = interval.toMillis();
	}

	public void start() {
		ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, this.threadName);
			t.setDaemon(true);
			return t;
		});
		ses.scheduleWithFixedDelay(this.round, this.intervalMillis, this.intervalMillis, TimeUnit.MILLISECONDS);
		this.executor = ses;
	}

	/** Stops the rounds, interrupting one that runs. */
	public void stop() {
		ScheduledExecutorService ses = this.executor;
		this.executor = null;
		if (ses != null) {
			ses.shutdownNow();
		}
	}

	public boolean isRunning() {
		return this.executor != null;
	}

}
