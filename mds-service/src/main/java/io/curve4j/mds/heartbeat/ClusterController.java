package io.curve4j.mds.heartbeat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PagedModel;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsMembers;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.schedule.ScheduleService;
import io.curve4j.mds.topology.ChunkServerStates.CopysetState;
import io.curve4j.mds.topology.ChunkServerStates.CopysetStatus;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.mds.web.Pages;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.heartbeat.v1.IntegrityReport;
import io.curve4j.proto.mds.v1.ChunkServerRecord;

/**
 * Copyset leaders and cluster health as the leader MDS sees them from heartbeats, with
 * the scheduler's operators and recovery progress. Followers redirect to the leader.
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

	/** Operators in flight, by scheduler, and what each is doing. */
	record OperatorCounts(int inFlight, int recovery, int copysetBalance, int leaderBalance, List<String> running) {
	}

	/**
	 * @param copysetsToRecover copysets with a replica on an offline chunkserver
	 * @param recovering recovery operators in flight
	 * @param recovered recovery operators finished since this MDS became leader
	 */
	record RecoveryProgress(int copysetsToRecover, int recovering, int recovered) {
	}

	/**
	 * Page checks against checksums, summed over the chunkservers since each started.
	 * @param badPages pages found not to match their checksum (by reads and the scrub)
	 * @param repairsProposed good copies of bad pages proposed by copyset leaders
	 * @param scrubPasses completed scrub passes over every chunk of a chunkserver
	 * @param scrubBytes chunk data the scrub checked
	 * @param scans chunks compared across their replicas (the consistency scan)
	 * @param scanMismatches of those, chunks whose replicas disagreed
	 */
	record IntegrityView(long badPages, long repairsProposed, long scrubPasses, long scrubBytes, long scans,
			long scanMismatches) {
	}

	/** @param metaServers CurveFS metaservers, which register like chunkservers and are counted apart */
	record ClusterStatus(boolean healthy, MdsView mds, ChunkServerCounts chunkServers, ChunkServerCounts metaServers,
			CopysetCounts copysets,
			OperatorCounts operators, RecoveryProgress recovery, IntegrityView integrity, List<String> problems) {
	}

	private static final Map<String, Comparator<CopysetView>> COPYSET_SORT = Map.of("id",
			Comparator.comparingInt(CopysetView::logicalPoolId).thenComparingInt(CopysetView::copysetId), "state",
			Comparator.comparing(CopysetView::state), "leaderId", Comparator.comparingInt(CopysetView::leaderId));

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final MdsRaft raft;

	private final MdsMembers members;

	private final ScheduleService schedule;

	ClusterController(TopologyService topology, ChunkServerStates states, MdsRaft raft, MdsMembers members,
			ScheduleService schedule) {
		this.topology = topology;
		this.states = states;
		this.raft = raft;
		this.members = members;
		this.schedule = schedule;
	}

	@GetMapping("/copysets")
	@Operation(summary = "One page of copysets with their peers, reported leader, epoch and state")
	PagedModel<CopysetView> copysets(@ParameterObject Pageable pageable) {
		Topology current = leaderTopology();
		return Pages.page(current.copysets().stream().map(c -> view(this.states.status(c, current))).toList(),
				pageable, COPYSET_SORT);
	}

	@GetMapping("/copysets/{logicalPoolId}/{copysetId}")
	@Operation(summary = "One copyset with its peers, reported leader, epoch and state")
	CopysetView copyset(@PathVariable int logicalPoolId, @PathVariable int copysetId) {
		Topology current = leaderTopology();
		CopysetKey key = CopysetKey.newBuilder().setLogicalPoolId(logicalPoolId).setCopysetId(copysetId).build();
		return current.copyset(key)
			.map(c -> view(this.states.status(c, current)))
			.orElseThrow(() -> new CurveException(ErrorCode.COPYSET_NOT_FOUND,
					"no copyset " + logicalPoolId + "." + copysetId));
	}

	@GetMapping("/cluster/status")
	@Operation(summary = "MDS leader, chunkservers online, copysets healthy / degraded / unavailable, "
			+ "operators in flight and recovery progress")
	ClusterStatus status() {
		Topology current = leaderTopology();
		List<String> problems = new ArrayList<>();
		int[] chunkServers = new int[2];
		int[] metaServers = new int[2];
		long[] integrity = new long[6];
		for (ChunkServerRecord cs : current.chunkServers()) {
			boolean meta = current.isMetaServer(cs);
			int[] counts = meta ? metaServers : chunkServers;
			counts[0]++;
			IntegrityReport report = this.states.integrity(cs.getId());
			integrity[0] += report.getBadPages();
			integrity[1] += report.getRepairsProposed();
			integrity[2] += report.getScrubPasses();
			integrity[3] += report.getScrubBytes();
			integrity[4] += report.getScans();
			integrity[5] += report.getScanMismatches();
			if (this.states.online(cs.getId())) {
				counts[1]++;
			}
			else {
				problems.add((meta ? "metaserver " : "chunkserver ") + cs.getId() + " (" + cs.getHost() + ":"
						+ cs.getPort() + ") is offline");
			}
		}
		int healthy = 0;
		int degraded = 0;
		int unavailable = 0;
		int toRecover = 0;
		for (var copyset : current.copysets()) {
			CopysetStatus s = this.states.status(copyset, current);
			if (s.peers().stream().anyMatch(p -> !p.online())) {
				toRecover++;
			}
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
		ScheduleService.Summary ops = this.schedule.summary();
		return new ClusterStatus(problems.isEmpty(), new MdsView(leader, memberViews),
				new ChunkServerCounts(chunkServers[0], chunkServers[1]),
				new ChunkServerCounts(metaServers[0], metaServers[1]),
				new CopysetCounts(total, healthy, degraded, unavailable),
				new OperatorCounts(ops.inFlight(), ops.recovering(), ops.balancingCopysets(), ops.balancingLeaders(),
						ops.running()),
				new RecoveryProgress(toRecover, ops.recovering(), ops.recovered()),
				new IntegrityView(integrity[0], integrity[1], integrity[2], integrity[3], integrity[4], integrity[5]),
				List.copyOf(problems));
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
