package io.curve4j.mds.schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.raft.PeriodicRounds;
import io.curve4j.mds.schedule.ClusterView.ChunkServer;
import io.curve4j.mds.schedule.ClusterView.Copyset;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.CopysetMembers;
import io.curve4j.proto.heartbeat.v1.CopysetOperator;
import io.curve4j.proto.heartbeat.v1.CopysetReport;
import io.curve4j.proto.heartbeat.v1.HeartbeatRequest;
import io.curve4j.proto.heartbeat.v1.HeartbeatResponse;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.PauseSchedulerCommand;
import io.curve4j.proto.mds.v1.ServerRecord;
import io.curve4j.proto.mds.v1.UpdateCopysetMembersCommand;

/**
 * The scheduler as the rest of the MDS uses it: answers heartbeats (copysets to host,
 * steps to run, replicas to delete), records membership changes that copyset leaders
 * report, and runs the planning rounds on the leader.
 *
 * <p>
 * Epochs: the MDS stores a copyset at epoch 1 and chunkservers count membership changes
 * from 0, so a leader reporting epoch {@code e} describes MDS epoch {@code e + 1}. A
 * leader's report with a higher epoch than stored replaces the stored members (through
 * the MDS Raft group); this is how every change, planned here or not, reaches clients
 * and the copysets' other chunkservers.
 *
 * <p>
 * A new leader MDS plans nothing until one offline timeout after its election: before
 * that it has not heard every chunkserver and would take silence for death.
 */
@Service
public class ScheduleService implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);

	/** Epoch of a stored copyset before any membership change (see TopologyCommands). */
	static final long FIRST_EPOCH = 1;

	/**
	 * Leader balance waits this long after the last operator ended: leader counts come
	 * from heartbeats, and until every chunkserver has reported again after a change they
	 * are stale, which made transfers chase each other back and forth.
	 */
	private static final Duration LEADER_BALANCE_SETTLE = Duration.ofSeconds(10);

	private final MdsRaft raft;

	private final MdsStore store;

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final MdsProperties.Schedule properties;

	private final long offlineNanos;

	private final Operators operators;

	private final List<Scheduler> schedulers = List.of(new RecoveryScheduler(), new CopysetBalanceScheduler(),
			new LeaderBalanceScheduler());

	private final PeriodicRounds rounds;

	/** Term in which the operators in flight were planned. */
	private long operatorsTerm;

	public ScheduleService(MdsRaft raft, MdsStore store, TopologyService topology, ChunkServerStates states,
			MdsProperties properties) {
		this.raft = raft;
		this.store = store;
		this.topology = topology;
		this.states = states;
		this.properties = properties.getSchedule();
		this.rounds = new PeriodicRounds("mds-schedule", this::round, this.properties.getInterval());
		this.offlineNanos = properties.getChunkserverOfflineTimeout().toNanos();
		this.operators = new Operators(this.properties.getHistory());
	}

	/**
	 * The answer to a heartbeat already recorded in {@link ChunkServerStates}: every
	 * copyset the chunkserver should host (including those it is about to join), the
	 * operator steps for copysets it leads, and the replicas it should delete.
	 */
	public HeartbeatResponse answer(Topology reported, int chunkServerId, HeartbeatRequest request) {
		Topology current = recordMembership(reported, request.getCopysetsList());
		request.getOperatorsList().forEach(this.operators::reported);
		if (!this.operators.isEmpty()) {
			// the view costs copysets x chunkservers; without operators in flight there is nothing to observe
			this.operators.observe(view(current), System.nanoTime());
		}
		HeartbeatResponse.Builder response = HeartbeatResponse.newBuilder();
		response.addAllAssignedCopysets(assigned(current, chunkServerId));
		handOut(current, chunkServerId, response);
		for (CopysetReport r : request.getCopysetsList()) {
			if (stale(current, chunkServerId, r.getKey())) {
				response.addRemovedCopysets(r.getKey());
			}
		}
		return response.build();
	}

	/** What the cluster status shows about operators and recovery. */
	public record Summary(int inFlight, int recovering, int balancingCopysets, int balancingLeaders,
			int recovered, List<String> running) {
	}

	public Summary summary() {
		List<Operator> ops = this.operators.inFlight();
		List<String> running = ops.stream()
			.map(op -> "copyset " + Operators.name(op.copyset()) + ": " + op.scheduler().id() + " step "
					+ (op.step() + 1) + "/" + op.steps().size() + " (" + op.current() + ")")
			.toList();
		return new Summary(ops.size(), count(ops, SchedulerKind.RECOVERY), count(ops, SchedulerKind.COPYSET_BALANCE),
				count(ops, SchedulerKind.LEADER_BALANCE), this.operators.done(SchedulerKind.RECOVERY), running);
	}

	List<Operator> inFlight() {
		return this.operators.inFlight();
	}

	List<Operators.Finished> history() {
		return this.operators.history();
	}

	boolean paused(SchedulerKind scheduler) {
		return ScheduleCommands.paused(this.store, scheduler);
	}

	void pause(SchedulerKind scheduler, boolean paused) {
		this.raft.requireLeader();
		this.raft.propose(MdsCommand.newBuilder()
			.setPauseScheduler(PauseSchedulerCommand.newBuilder().setScheduler(scheduler.id()).setPaused(paused))
			.build());
		log.info("scheduler {} {}", scheduler.id(), paused ? "paused" : "resumed");
	}

	/** One planning round; does nothing on a follower or a leader that has not heard everybody yet. */
	void round() {
		try {
			if (!this.raft.isLeader()) {
				this.operators.clear();
				return;
			}
			long term = this.raft.term();
			if (term != this.operatorsTerm) {
				this.operators.clear();
				this.operatorsTerm = term;
			}
			long now = System.nanoTime();
			if (now - this.raft.leaderSinceNanos() < this.offlineNanos) {
				return;
			}
			ClusterView view = view(this.topology.current());
			this.operators.observe(view, now);
			Budget budget = new Budget(this.properties.getMaxOperatorsPerChunkServer(), view::online);
			this.operators.inFlight().forEach(budget::inFlight);
			boolean settled = this.operators.settled(now, LEADER_BALANCE_SETTLE.toNanos());
			for (Scheduler scheduler : this.schedulers) {
				if (paused(scheduler.kind()) || (scheduler.kind() == SchedulerKind.LEADER_BALANCE && !settled)) {
					continue;
				}
				for (Operator op : scheduler.plan(view, budget)) {
					this.operators.start(op, now, this.properties.getOperatorTimeout().toNanos());
				}
			}
		}
		catch (CurveException ex) {
			// Lost leadership or a slow Raft group in the middle of a round: the next round starts over.
			log.debug("planning round skipped: {}", ex.getMessage());
		}
		catch (RuntimeException ex) {
			log.warn("planning round failed", ex);
		}
	}

	/** Stores the members of every copyset this chunkserver leads that changed since the stored epoch. */
	private Topology recordMembership(Topology topology, List<CopysetReport> reports) {
		boolean changed = false;
		for (CopysetReport r : reports) {
			Optional<CopysetRecord> record = topology.copyset(r.getKey());
			long epoch = r.getEpoch() + FIRST_EPOCH;
			if (!r.getIsLeader() || record.isEmpty() || epoch <= record.get().getEpoch() || r.getPeersCount() == 0) {
				continue;
			}
			List<Integer> ids = new ArrayList<>();
			for (String peer : r.getPeersList()) {
				Optional<ChunkServerRecord> cs = byRaftAddress(topology, peer);
				if (cs.isEmpty()) {
					log.warn("copyset {}: leader reports member {} that is no registered chunkserver; not recorded",
							Operators.name(r.getKey()), peer);
					ids = null;
					break;
				}
				ids.add(cs.get().getId());
			}
			if (ids == null) {
				continue;
			}
			ids.sort(Integer::compare);
			this.raft.propose(MdsCommand.newBuilder()
				.setUpdateCopysetMembers(UpdateCopysetMembersCommand.newBuilder()
					.setLogicalPoolId(r.getKey().getLogicalPoolId())
					.setCopysetId(r.getKey().getCopysetId())
					.addAllChunkServerIds(ids)
					.setEpoch(epoch))
				.build());
			log.info("copyset {}: members {} -> {} at epoch {}", Operators.name(r.getKey()),
					record.get().getChunkServerIdsList(), ids, epoch);
			changed = true;
		}
		return changed ? this.topology.current() : topology;
	}

	private List<CopysetMembers> assigned(Topology topology, int chunkServerId) {
		List<CopysetMembers> assigned = new ArrayList<>();
		topology.copysetsOf(chunkServerId).forEach(c -> assigned.add(this.states.members(topology, c)));
		ChunkServerRecord self = topology.chunkServer(chunkServerId).orElseThrow();
		for (Operator op : this.operators.inFlight()) {
			Optional<CopysetRecord> record = topology.copyset(op.copyset());
			if (op.adds(chunkServerId) && record.isPresent()
					&& !record.get().getChunkServerIdsList().contains(chunkServerId)) {
				assigned.add(this.states.members(topology, record.get())
					.toBuilder()
					.addPeers(topology.location(self))
					.build());
			}
		}
		return assigned;
	}

	/**
	 * Hands the current step of each operator to the copyset's leader once the stored
	 * configuration matches the leader's (a step planned on an older one would be
	 * refused) and, to add a peer, once the new peer runs its empty replica.
	 */
	private void handOut(Topology topology, int chunkServerId, HeartbeatResponse.Builder response) {
		for (Operator op : this.operators.inFlight()) {
			CopysetReport leader = this.states.reported(chunkServerId, op.copyset()).orElse(null);
			Optional<CopysetRecord> record = topology.copyset(op.copyset());
			if (leader == null || !leader.getIsLeader() || record.isEmpty()
					|| leader.getEpoch() + FIRST_EPOCH != record.get().getEpoch()) {
				continue;
			}
			Operator.Step step = op.current();
			if (step.action() == Operator.Action.ADD_PEER
					&& this.states.reported(step.chunkServerId(), op.copyset()).isEmpty()) {
				continue;
			}
			Optional<ChunkServerRecord> target = topology.chunkServer(step.chunkServerId());
			if (target.isEmpty()) {
				continue;
			}
			response.addOperators(CopysetOperator.newBuilder()
				.setKey(op.copyset())
				.setOperatorId(op.stepId())
				.setStep(step.action().proto())
				.setTarget(Topology.raftAddress(target.get()))
				.setEpoch(leader.getEpoch()));
		}
	}

	/**
	 * A replica this chunkserver runs but should not: the stored members leave it out, no
	 * operator is adding it, and the copyset's leader reports a committed configuration
	 * without it (the definitive word: without it the replica might be a member the MDS
	 * has not recorded yet).
	 */
	private boolean stale(Topology topology, int chunkServerId, CopysetKey key) {
		Optional<CopysetRecord> record = topology.copyset(key);
		if (record.isEmpty() || record.get().getChunkServerIdsList().contains(chunkServerId)
				|| this.operators.of(key).filter(op -> op.adds(chunkServerId)).isPresent()) {
			return false;
		}
		int leader = this.states.leaderOf(key);
		if (leader == 0 || leader == chunkServerId) {
			return false;
		}
		Optional<CopysetReport> leaderReport = this.states.reported(leader, key);
		String self = topology.chunkServer(chunkServerId).map(Topology::raftAddress).orElse("");
		return leaderReport.isPresent() && leaderReport.get().getEpoch() + FIRST_EPOCH >= record.get().getEpoch()
				&& leaderReport.get().getPeersList().stream().noneMatch(self::equals);
	}

	private ClusterView view(Topology topology) {
		Map<Integer, ChunkServer> chunkServers = new HashMap<>();
		for (ChunkServerRecord cs : topology.chunkServers()) {
			Optional<ServerRecord> server = topology.server(cs.getServerId());
			long capacity = this.states.diskCapacity(cs);
			boolean diskFull = capacity > 0
					&& capacity - this.states.diskUsed(cs.getId()) < this.properties.getMinFreeDisk().toBytes();
			chunkServers.put(cs.getId(), new ChunkServer(cs.getId(), server.map(ServerRecord::getZoneId).orElse(0),
					server.map(ServerRecord::getPhysicalPoolId).orElse(0), this.states.online(cs.getId()), diskFull));
		}
		Map<Integer, LogicalPoolRecord> pools = new HashMap<>();
		topology.logicalPools().forEach(p -> pools.put(p.getId(), p));
		List<Copyset> copysets = new ArrayList<>();
		for (CopysetRecord c : topology.copysets()) {
			LogicalPoolRecord pool = pools.get(c.getLogicalPoolId());
			if (pool == null) {
				continue;
			}
			CopysetKey key = Topology.key(c);
			copysets.add(new Copyset(key, pool.getPhysicalPoolId(), pool.getReplicas(), c.getChunkServerIdsList(),
					this.states.leaderOf(key), c.getEpoch()));
		}
		return new ClusterView(chunkServers, copysets);
	}

	/** Chunkservers report members as "host:port", the form of a registered raft address. */
	private static Optional<ChunkServerRecord> byRaftAddress(Topology topology, String peer) {
		return topology.chunkServers().stream().filter(cs -> Topology.raftAddress(cs).equals(peer)).findFirst();
	}

	private static int count(List<Operator> ops, SchedulerKind scheduler) {
		return (int) ops.stream().filter(op -> op.scheduler() == scheduler).count();
	}

	@Override
	public void start() {
		this.rounds.start();
	}

	@Override
	public void stop() {
		this.rounds.stop();
	}

	@Override
	public boolean isRunning() {
		return this.rounds.isRunning();
	}

}
