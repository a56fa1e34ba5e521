package io.curve4j.mds.heartbeat;

import java.time.Duration;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.mds.heartbeat.ClusterController.ClusterStatus;
import io.curve4j.mds.raft.MdsRaft;

/**
 * The cluster's health as Prometheus gauges, for alerts: whether this member leads, the
 * chunkservers and metaservers online and offline, copysets by state and those left to
 * recover. Only the leader knows them (from heartbeats); followers report 0, so alerts
 * take the {@code max} over the MDS members. Figures come from {@code /cluster/status},
 * recomputed at most once per {@link #REFRESH}.
 */
@Component
class ClusterGauges {

	/** Prometheus scrapes every 15 s or so; a status walks every copyset. */
	static final Duration REFRESH = Duration.ofSeconds(5);

	private final ClusterController cluster;

	private final MdsRaft raft;

	private ClusterStatus last;

	private long lastNanos;

	ClusterGauges(ClusterController cluster, MdsRaft raft, MeterRegistry meters) {
		this.cluster = cluster;
		this.raft = raft;
		Gauge.builder("curve4j.mds.leader", raft, r -> r.isLeader() ? 1 : 0)
			.description("1 on the MDS member that leads the MDS Raft group, else 0")
			.register(meters);
		servers(meters, "curve4j.mds.chunkservers", "Chunkservers registered, by heartbeat state",
				s -> s.chunkServers().online(), s -> s.chunkServers().total() - s.chunkServers().online());
		servers(meters, "curve4j.mds.metaservers", "CurveFS metaservers registered, by heartbeat state",
				s -> s.metaServers().online(), s -> s.metaServers().total() - s.metaServers().online());
		copysets(meters, "healthy", s -> s.copysets().healthy());
		copysets(meters, "degraded", s -> s.copysets().degraded());
		copysets(meters, "unavailable", s -> s.copysets().unavailable());
		gauge(meters, "curve4j.mds.recovery.pending.copysets", "Copysets with a replica on an offline server",
				s -> s.recovery().copysetsToRecover());
	}

	private void servers(MeterRegistry meters, String name, String description, ToDoubleFunction<ClusterStatus> online,
			ToDoubleFunction<ClusterStatus> offline) {
		Gauge.builder(name, this, g -> g.read(online)).description(description).tag("state", "online").register(meters);
		Gauge.builder(name, this, g -> g.read(offline)).description(description).tag("state", "offline").register(meters);
	}

	private void copysets(MeterRegistry meters, String state, ToDoubleFunction<ClusterStatus> count) {
		Gauge.builder("curve4j.mds.copysets", this, g -> g.read(count))
			.description("Copysets by state: healthy (all replicas up), degraded (a majority up), unavailable (no majority)")
			.tag("state", state)
			.register(meters);
	}

	private void gauge(MeterRegistry meters, String name, String description, ToDoubleFunction<ClusterStatus> value) {
		Gauge.builder(name, this, g -> g.read(value)).description(description).register(meters);
	}

	private double read(ToDoubleFunction<ClusterStatus> value) {
		ClusterStatus status = current();
		return status == null ? 0 : value.applyAsDouble(status);
	}

	private synchronized ClusterStatus current() {
		if (!this.raft.isLeader()) {
			this.last = null;
			return null;
		}
		if (this.last == null || System.nanoTime() - this.lastNanos > REFRESH.toNanos()) {
			try {
				this.last = this.cluster.status();
				this.lastNanos = System.nanoTime();
			}
			catch (CurveException ex) {
				// leadership lost since the check: a follower's 0s until the next scrape
				this.last = null;
			}
		}
		return this.last;
	}

}
