package io.curve4j.common.raft;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import io.curve4j.common.metrics.LatencyBuckets;

/**
 * What the Raft groups of one host do, as {@code curve4j_raft_*} meters summed or maxed
 * over its groups: a chunkserver runs hundreds of copysets, and a series per group would
 * swamp Prometheus. Counts and gauges cover the host's whole life; latencies are recorded
 * from when {@link RaftHost#bindTo} hands the meters to the service's registry.
 */
final class RaftMetrics {

	private final CompositeMeterRegistry meters = new CompositeMeterRegistry();

	private final Timer proposalsApplied;

	private final Timer proposalsFailed;

	// counted here and read by function counters: what happens before the service binds its registry still counts
	private final AtomicLong snapshotsSaved = new AtomicLong();

	private final AtomicLong snapshotsLoaded = new AtomicLong();

	private final AtomicLong leaderStarts = new AtomicLong();

	private final Timer journalSync;

	RaftMetrics(Map<String, RaftGroup> groups) {
		this.proposalsApplied = proposalTimer("applied");
		this.proposalsFailed = proposalTimer("failed");
		Gauge.builder("curve4j.raft.groups", groups, Map::size).description("Raft groups on this host").register(this.meters);
		Gauge.builder("curve4j.raft.groups.leading", groups, g -> g.values().stream().filter(RaftGroup::isLeader).count())
			.description("Raft groups this host leads")
			.register(this.meters);
		Gauge.builder("curve4j.raft.apply.lag", groups,
				g -> g.values().stream().mapToLong(RaftGroup::applyLag).max().orElse(0))
			.description("Entries committed but not yet applied, in the group here furthest behind")
			.baseUnit("entries")
			.register(this.meters);
		snapshotCounter("save", this.snapshotsSaved);
		snapshotCounter("load", this.snapshotsLoaded);
		FunctionCounter.builder("curve4j.raft.leader.starts", this.leaderStarts, AtomicLong::get)
			.description("Times a group here became leader (elections won)")
			.register(this.meters);
		this.journalSync = Timer.builder("curve4j.raft.log.sync")
			.description("Write and fsync of one batch of the host's Raft journal (entries of all its groups)")
			.serviceLevelObjectives(LatencyBuckets.storage())
			.register(this.meters);
	}

	private Timer proposalTimer(String outcome) {
		return Timer.builder("curve4j.raft.proposals")
			.description("Entries proposed by leaders here, from the proposal until applied here (or failed)")
			.tag("outcome", outcome)
			.serviceLevelObjectives(LatencyBuckets.storage())
			.register(this.meters);
	}

	private void snapshotCounter(String op, AtomicLong count) {
		FunctionCounter.builder("curve4j.raft.snapshots", count, AtomicLong::get)
			.description("Snapshots saved here, and loaded (at start, or installed from the leader)")
			.tag("op", op)
			.register(this.meters);
	}

	void bindTo(MeterRegistry registry) {
		this.meters.add(registry);
	}

	void proposalDone(long startNanos, boolean applied) {
		(applied ? this.proposalsApplied : this.proposalsFailed).record(System.nanoTime() - startNanos,
				TimeUnit.NANOSECONDS);
	}

	void snapshotSaved() {
		this.snapshotsSaved.incrementAndGet();
	}

	void snapshotLoaded() {
		this.snapshotsLoaded.incrementAndGet();
	}

	void leaderStarted() {
		this.leaderStarts.incrementAndGet();
	}

	void journalSynced(long nanos) {
		this.journalSync.record(nanos, TimeUnit.NANOSECONDS);
	}

}
