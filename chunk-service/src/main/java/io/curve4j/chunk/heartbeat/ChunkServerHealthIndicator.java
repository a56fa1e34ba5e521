package io.curve4j.chunk.heartbeat;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.membership.HeartbeatTask;

/**
 * UP once every persisted copyset is loaded and (with heartbeats on) the MDS accepted a
 * registration and heartbeat. A later MDS outage keeps it UP: the copysets still serve.
 */
@Component("chunkserver")
class ChunkServerHealthIndicator implements HealthIndicator {

	private final CopysetRegistry copysets;

	private final ObjectProvider<HeartbeatTask> heartbeat;

	ChunkServerHealthIndicator(CopysetRegistry copysets, ObjectProvider<HeartbeatTask> heartbeat) {
		this.copysets = copysets;
		this.heartbeat = heartbeat;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up()
			.withDetail("copysets", this.copysets.copysets().size())
			.withDetail("leading", this.copysets.copysets().stream().filter(Copyset::isLeader).count());
		if (!this.copysets.loaded()) {
			health.down().withDetail("reason", "copysets are loading");
		}
		HeartbeatTask task = this.heartbeat.getIfAvailable();
		if (task != null) {
			task.serverId().ifPresent(id -> health.withDetail("chunkServerId", id));
			task.lastHeartbeat().ifPresent(at -> health.withDetail("lastHeartbeat", at.toString()));
			health.withDetail("mds", task.mdsAddress());
			if (!task.lastError().isEmpty()) {
				health.withDetail("mdsError", task.lastError());
			}
			if (!task.registered()) {
				health.down().withDetail("reason", "not registered with the MDS yet");
			}
		}
		return health.build();
	}

}
