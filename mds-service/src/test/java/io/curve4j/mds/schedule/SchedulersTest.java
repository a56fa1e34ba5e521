package io.curve4j.mds.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.curve4j.mds.schedule.ClusterView.ChunkServer;
import io.curve4j.mds.schedule.ClusterView.Copyset;
import io.curve4j.mds.schedule.Operator.Action;
import io.curve4j.mds.schedule.Operator.Step;
import io.curve4j.proto.common.v1.CopysetKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduler decisions on small clusters: chunkservers 1..n with their zones (the local
 * layout puts chunkserver 4 in zone 1 next to chunkserver 1), copysets of three replicas.
 */
class SchedulersTest {

	private static final int POOL = 1;

	@Test
	void recoveryReplacesTheDeadReplicaInAZoneNoOtherMemberUses() {
		ClusterView view = view(zones(1, 2, 3, 1), Set.of(1), copyset(1, 2, List.of(1, 2, 3)));
		List<Operator> ops = new RecoveryScheduler().plan(view, budget(4, view));
		assertThat(ops).singleElement()
			.satisfies(op -> assertThat(op.steps()).containsExactly(new Step(Action.ADD_PEER, 4),
					new Step(Action.REMOVE_PEER, 1)));
	}

	@Test
	void recoveryWaitsWhenNoChunkserverKeepsTheZoneSpread() {
		// chunkserver 2 is alone in zone 2: any replacement would put two replicas in one zone
		ClusterView view = view(zones(1, 2, 3, 1), Set.of(2), copyset(1, 1, List.of(1, 2, 3)));
		assertThat(new RecoveryScheduler().plan(view, budget(4, view))).isEmpty();
	}

	@Test
	void noRecoveryWithAMajorityOfTheCopysetDown() {
		ClusterView view = view(zones(1, 2, 3, 1, 2, 3), Set.of(1, 2), copyset(1, 3, List.of(1, 2, 3)));
		assertThat(new RecoveryScheduler().plan(view, budget(4, view))).isEmpty();
	}

	@Test
	void recoverySpreadsNewReplicasOverTheEmptiestChunkservers() {
		ClusterView view = view(zones(1, 2, 3, 1, 1), Set.of(1), copyset(1, 2, List.of(1, 2, 3)),
				copyset(2, 2, List.of(1, 2, 3)));
		List<Operator> ops = new RecoveryScheduler().plan(view, budget(4, view));
		assertThat(ops).extracting(op -> op.steps().get(0).chunkServerId()).containsExactlyInAnyOrder(4, 5);
	}

	@Test
	void extraReplicaIsRemovedOfflineFirstThenOneSharingAZone() {
		ClusterView offline = view(zones(1, 2, 3, 1), Set.of(1), copyset(1, 2, List.of(1, 2, 3, 4)));
		assertThat(new RecoveryScheduler().plan(offline, budget(4, offline))).singleElement()
			.satisfies(op -> assertThat(op.steps()).containsExactly(new Step(Action.REMOVE_PEER, 1)));
		ClusterView allUp = view(zones(1, 2, 3, 1), Set.of(), copyset(1, 2, List.of(1, 2, 3, 4)));
		assertThat(new RecoveryScheduler().plan(allUp, budget(4, allUp))).singleElement()
			.satisfies(op -> assertThat(op.steps()).singleElement()
				.satisfies(s -> assertThat(s.chunkServerId()).isIn(1, 4)));
	}

	@Test
	void operatorCapLimitsWhatOneChunkserverReceives() {
		List<Copyset> copysets = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			copysets.add(copyset(i, 2, List.of(1, 2, 3)));
		}
		ClusterView view = view(zones(1, 2, 3, 1), Set.of(1), copysets.toArray(Copyset[]::new));
		assertThat(new RecoveryScheduler().plan(view, budget(2, view))).hasSize(2);
	}

	@Test
	void recoveryDoesNotPickAChunkserverWithAFullDisk() {
		Map<Integer, ChunkServer> chunkServers = new HashMap<>();
		int[] zones = zones(1, 2, 3, 1, 1);
		for (int i = 0; i < zones.length; i++) {
			chunkServers.put(i + 1, new ChunkServer(i + 1, zones[i], POOL, i + 1 != 1, i + 1 == 4));
		}
		ClusterView view = new ClusterView(chunkServers, List.of(copyset(1, 2, List.of(1, 2, 3))));
		assertThat(new RecoveryScheduler().plan(view, budget(4, view))).singleElement()
			.satisfies(op -> assertThat(op.steps().get(0)).isEqualTo(new Step(Action.ADD_PEER, 5)));
	}

	@Test
	void leaderBalanceWaitsWhileACopysetIsUnhealthy() {
		List<Copyset> copysets = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			copysets.add(copyset(i, 1, List.of(1, 2, 3)));
		}
		copysets.add(copyset(7, 0, List.of(1, 2, 3)));
		ClusterView view = view(zones(1, 2, 3), Set.of(), copysets.toArray(Copyset[]::new));
		assertThat(new LeaderBalanceScheduler().plan(view, budget(10, view))).isEmpty();
	}

	@Test
	void leaderBalanceEvensLeadersToAtMostOneApart() {
		List<Copyset> copysets = new ArrayList<>();
		for (int i = 1; i <= 7; i++) {
			copysets.add(copyset(i, 1, List.of(1, 2, 3)));
		}
		ClusterView view = view(zones(1, 2, 3), Set.of(), copysets.toArray(Copyset[]::new));
		List<Operator> ops = new LeaderBalanceScheduler().plan(view, budget(10, view));
		Map<Integer, Integer> leaders = new HashMap<>(Map.of(1, 7, 2, 0, 3, 0));
		for (Operator op : ops) {
			assertThat(op.steps()).singleElement().extracting(Step::action).isEqualTo(Action.TRANSFER_LEADER);
			leaders.merge(1, -1, Integer::sum);
			leaders.merge(op.current().chunkServerId(), 1, Integer::sum);
		}
		assertThat(leaders.values().stream().mapToInt(Integer::intValue).max().getAsInt()
				- leaders.values().stream().mapToInt(Integer::intValue).min().getAsInt()).isLessThanOrEqualTo(1);
	}

	@Test
	void copysetBalanceFillsANewChunkserverUntilCountsAreEven() {
		List<Copyset> copysets = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			copysets.add(copyset(i, 2, List.of(1, 2, 3)));
		}
		ClusterView view = view(zones(1, 2, 3, 1), Set.of(), copysets.toArray(Copyset[]::new));
		List<Operator> ops = new CopysetBalanceScheduler().plan(view, budget(10, view));
		assertThat(ops).hasSize(3).allSatisfy(op -> assertThat(op.steps())
			.containsExactly(new Step(Action.ADD_PEER, 4), new Step(Action.REMOVE_PEER, 1)));
	}

	@Test
	void copysetBalanceNeverBreaksTheZoneSpread() {
		// chunkservers 2 and 3 hold every copyset, but they are alone in their zones
		List<Copyset> copysets = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			copysets.add(copyset(i, 2, List.of(i % 2 == 0 ? 1 : 4, 2, 3)));
		}
		ClusterView view = view(zones(1, 2, 3, 1), Set.of(), copysets.toArray(Copyset[]::new));
		assertThat(new CopysetBalanceScheduler().plan(view, budget(10, view))).isEmpty();
	}

	@Test
	void copysetBalanceRefillsAChunkserverThatCameBackEmpty() {
		// chunkservers 1 and 2 share zone 1; 2 came back after its replicas moved to 1
		List<Copyset> copysets = new ArrayList<>();
		for (int i = 1; i <= 8; i++) {
			copysets.add(copyset(i, List.of(1, 3, 4).get(i % 3), List.of(1, 3, 4)));
		}
		ClusterView view = view(zones(1, 1, 3, 2), Set.of(), copysets.toArray(Copyset[]::new));
		List<Operator> ops = new CopysetBalanceScheduler().plan(view, budget(4, view));
		assertThat(ops).isNotEmpty()
			.allSatisfy(op -> assertThat(op.steps()).contains(new Step(Action.ADD_PEER, 2), new Step(Action.REMOVE_PEER, 1)));
	}

	@Test
	void leaderTransferToAChunkserverThatWentOfflineIsCancelled() {
		Operators operators = new Operators(10);
		ClusterView healthy = view(zones(1, 2, 3), Set.of(), copyset(1, 1, List.of(1, 2, 3)));
		operators.start(Operator.of(SchedulerKind.LEADER_BALANCE, healthy.copysets().get(0).key(),
				List.of(new Step(Action.TRANSFER_LEADER, 2))), 0, TimeUnit.MINUTES.toNanos(3));
		operators.observe(healthy, 1);
		assertThat(operators.inFlight()).hasSize(1);
		operators.observe(view(zones(1, 2, 3), Set.of(2), copyset(1, 1, List.of(1, 2, 3))), 2);
		assertThat(operators.inFlight()).isEmpty();
		assertThat(operators.history().get(0).outcome()).isEqualTo(Operators.Outcome.CANCELLED);
	}

	@Test
	void stepsAdvanceOnTheirEffectAndOperatorsTimeOut() {
		Operators operators = new Operators(10);
		ClusterView before = view(zones(1, 2, 3, 1), Set.of(1), copyset(1, 2, List.of(1, 2, 3)));
		Operator planned = new RecoveryScheduler().plan(before, budget(4, before)).get(0);
		Operator op = operators.start(planned, 0, TimeUnit.SECONDS.toNanos(10));
		operators.observe(before, 1);
		assertThat(operators.of(op.copyset())).hasValueSatisfying(o -> assertThat(o.step()).isZero());

		operators.observe(view(zones(1, 2, 3, 1), Set.of(1), copyset(1, 2, List.of(1, 2, 3, 4))), 2);
		assertThat(operators.of(op.copyset())).hasValueSatisfying(o -> assertThat(o.step()).isOne());
		operators.observe(view(zones(1, 2, 3, 1), Set.of(1), copyset(1, 2, List.of(2, 3, 4))), 3);
		assertThat(operators.inFlight()).isEmpty();
		assertThat(operators.history()).singleElement()
			.extracting(Operators.Finished::outcome)
			.isEqualTo(Operators.Outcome.DONE);
		assertThat(operators.done(SchedulerKind.RECOVERY)).isOne();

		Operator stuck = operators.start(planned, 0, TimeUnit.SECONDS.toNanos(10));
		operators.observe(before, TimeUnit.SECONDS.toNanos(11));
		assertThat(operators.inFlight()).isEmpty();
		assertThat(operators.history().get(0).operator().id()).isEqualTo(stuck.id());
		assertThat(operators.history().get(0).outcome()).isEqualTo(Operators.Outcome.TIMED_OUT);
		// the copyset is free again: the next round plans it anew
		assertThat(new RecoveryScheduler().plan(before, budget(4, before))).hasSize(1);
	}

	/** Chunkserver i + 1 in zone zones[i]. */
	private static int[] zones(int... zones) {
		return zones;
	}

	private static ClusterView view(int[] zones, Set<Integer> offline, Copyset... copysets) {
		Map<Integer, ChunkServer> chunkServers = new HashMap<>();
		for (int i = 0; i < zones.length; i++) {
			chunkServers.put(i + 1, new ChunkServer(i + 1, zones[i], POOL, !offline.contains(i + 1), false));
		}
		return new ClusterView(chunkServers, List.of(copysets));
	}

	private static Copyset copyset(int id, int leader, List<Integer> members) {
		CopysetKey key = CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(id).build();
		return new Copyset(key, POOL, 3, members, leader, 1);
	}

	private static Budget budget(int cap, ClusterView view) {
		return new Budget(cap, view::online);
	}

}
