package io.curve4j.mds.raft;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * UP once the MDS Raft group runs on this member, with its role and the leader it
 * knows; a follower is healthy too (it redirects clients to the leader).
 */
@Component("raft")
class MdsHealthIndicator extends AbstractHealthIndicator {

	private final MdsRaft raft;

	private final MdsMembers members;

	MdsHealthIndicator(MdsRaft raft, MdsMembers members) {
		this.raft = raft;
		this.members = members;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.raft.isRunning()) {
			builder.down().withDetail("role", "stopped");
			return;
		}
		String leader = this.raft.leader();
		builder.up()
			.withDetail("role", this.raft.isLeader() ? "leader" : "follower")
			.withDetail("leader", leader.isEmpty() ? "unknown" : leader)
			.withDetail("leaderGrpc", this.members.byRaft(leader).map(MdsMembers.Member::grpc).orElse("unknown"))
			.withDetail("term", this.raft.term())
			.withDetail("appliedIndex", this.raft.appliedIndex());
	}

}
