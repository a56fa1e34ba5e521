package io.curve4j.mds.heartbeat;

import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.mds.heartbeat.ChunkServerStates.CopysetState;
import io.curve4j.mds.heartbeat.ChunkServerStates.CopysetStatus;
import io.curve4j.mds.raft.MdsMembers;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.mds.v1.ChunkServerRecord;

/**
 * Copyset leaders and cluster health as the leader MDS sees them from heartbeats.
 * Followers redirect to the leader.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "cluster", description = "copyset leaders and cluster health")
class ClusterController {

	/** Problems listed one by one before the rest are summed up. */
	private static final int MAX_PROBLEMS = 20;

	record PeerView(int chunkServerId, String raftAddress, boolean online) {
	}

	record CopysetView(int logicalPoolId, int copysetId, List<PeerView> peers, int leaderId, long epoch,
			CopysetState state) {
	}

	record MemberView(String raft, String grpc, String http, boolean leader) {
	}

	record LeaderView(String raft, String grpc, String http) {
	}

	record MdsView(LeaderView leader, List<MemberView> members) {
	}

	record ChunkServerCounts(int total, int online) {
	}

	record CopysetCounts(int total, int healthy, int degraded, int unavailable) {
	}

	record ClusterStatus(boolean healthy, MdsView mds, ChunkServerCounts chunkServers, CopysetCounts copysets,
			List<String> problems) {
	}

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final MdsRaft raft;

	private final MdsMembers members;

	ClusterController(TopologyService topology, ChunkServerStates states, MdsRaft raft, MdsMembers members) {
		this.topology = topology;
		this.states = states;
		this.raft = raft;
		this.members = members;
	}

	@GetMapping("/copysets")
	@Operation(summary = "Every copyset with its peers, reported leader, epoch and state")
	List<CopysetView> copysets() {
		Topology current = leaderTopology();
		return current.copysets().stream().map(c -> view(this.states.status(c, current))).toList();
	}

	@GetMapping("/cluster/status")
	@Operation(summary = "MDS leader, chunkservers online, copysets healthy / degraded / unavailable")
	ClusterStatus status() {
		Topology current = leaderTopology();
		List<String> problems = new ArrayList<>();
		int online = 0;
		for (ChunkServerRecord cs : current.chunkServers()) {
			if (this.states.online(cs.getId())) {
				online++;
			}
			else {
				problems.add("chunkserver " + cs.getId() + " (" + cs.getHost() + ":" + cs.getPort() + ") is offline");
			}
		}
		int healthy = 0;
		int degraded = 0;
		int unavailable = 0;
		for (var copyset : current.copysets()) {
			CopysetStatus s = this.states.status(copyset, current);
			switch (s.state()) {
				case HEALTHY -> healthy++;
				case DEGRADED -> degraded++;
				case UNAVAILABLE -> unavailable++;
			}
			if (s.state() != CopysetState.HEALTHY) {
				problems.add("copyset " + s.key().getLogicalPoolId() + "." + s.key().getCopysetId() + " is "
						+ s.state() + (s.leaderId() == 0 ? " (no leader reported)" : ""));
			}
		}
		String leaderRaft = this.raft.leader();
		LeaderView leader = this.members.byRaft(leaderRaft).map(m -> new LeaderView(m.raft(), m.grpc(), m.http())).orElse(null);
		List<MemberView> memberViews = this.members.all()
			.stream()
			.map(m -> new MemberView(m.raft(), m.grpc(), m.http(), m.raft().equals(leaderRaft)))
			.toList();
		int total = current.copysets().size();
		if (problems.size() > MAX_PROBLEMS) {
			int more = problems.size() - MAX_PROBLEMS;
			problems = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
			problems.add("... and " + more + " more");
		}
		return new ClusterStatus(problems.isEmpty(), new MdsView(leader, memberViews),
				new ChunkServerCounts(current.chunkServers().size(), online),
				new CopysetCounts(total, healthy, degraded, unavailable), List.copyOf(problems));
	}

	private Topology leaderTopology() {
		this.raft.requireLeader();
		return this.topology.current();
	}

	private static CopysetView view(CopysetStatus s) {
		return new CopysetView(s.key().getLogicalPoolId(), s.key().getCopysetId(),
				s.peers().stream().map(p -> new PeerView(p.chunkServerId(), p.raftAddress(), p.online())).toList(),
				s.leaderId(), s.epoch(), s.state());
	}

}
