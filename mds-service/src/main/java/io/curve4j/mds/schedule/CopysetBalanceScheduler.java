package io.curve4j.mds.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.curve4j.mds.schedule.ClusterView.ChunkServer;
import io.curve4j.mds.schedule.ClusterView.Copyset;
import io.curve4j.mds.schedule.Operator.Action;
import io.curve4j.mds.schedule.Operator.Step;

/**
 * Evens out replicas per chunkserver inside each physical pool: while a live
 * chunkserver holds at least two replicas more than another, one replica moves from the
 * fuller to the emptier (add there, then remove here), provided the move keeps every
 * replica of the copyset in its own zone. A replica that no move can place (zones
 * unequally provisioned) stays, so the round ends rather than oscillates: every move
 * lowers the sum of squared counts.
 *
 * <p>
 * Runs only while every copyset is healthy: moving replicas while others are missing
 * would compete with recovery for the same disks.
 */
final class CopysetBalanceScheduler implements Scheduler {

	@Override
	public SchedulerKind kind() {
		return SchedulerKind.COPYSET_BALANCE;
	}

	@Override
	public List<Operator> plan(ClusterView view, Budget budget) {
		if (!view.copysets().stream().allMatch(view::healthy)) {
			return List.of();
		}
		Map<Integer, Integer> counts = view.replicaCounts();
		counts.replaceAll((id, n) -> n + budget.arriving(id));
		Map<Integer, List<ChunkServer>> pools = new TreeMap<>();
		view.chunkServers()
			.values()
			.stream()
			.filter(ChunkServer::online)
			.forEach(cs -> pools.computeIfAbsent(cs.physicalPoolId(), p -> new ArrayList<>()).add(cs));
		List<Operator> planned = new ArrayList<>();
		for (List<ChunkServer> pool : pools.values()) {
			Optional<Operator> move;
			while ((move = nextMove(view, pool, counts, budget)).isPresent()) {
				Operator op = move.get();
				budget.take(op);
				planned.add(op);
				int source = op.steps().get(op.steps().size() - 1).chunkServerId();
				int target = op.steps()
					.stream()
					.filter(s -> s.action() == Action.ADD_PEER)
					.findFirst()
					.orElseThrow()
					.chunkServerId();
				counts.merge(source, -1, Integer::sum);
				counts.merge(target, 1, Integer::sum);
			}
		}
		return planned;
	}

	private Optional<Operator> nextMove(ClusterView view, List<ChunkServer> pool, Map<Integer, Integer> counts,
			Budget budget) {
		List<ChunkServer> fullestFirst = pool.stream()
			.sorted(Comparator.<ChunkServer>comparingInt(cs -> counts.get(cs.id())).reversed()
				.thenComparingInt(ChunkServer::id))
			.toList();
		for (ChunkServer source : fullestFirst) {
			for (ChunkServer target : reversed(fullestFirst)) {
				if (counts.get(source.id()) - counts.get(target.id()) < 2) {
					break;
				}
				if (!target.acceptsReplicas() || !budget.free(source.id()) || !budget.free(target.id())) {
					continue;
				}
				Optional<Copyset> copyset = movable(view, source.id(), target, budget);
				if (copyset.isPresent()) {
					return Optional.of(move(copyset.get(), source.id(), target.id()));
				}
			}
		}
		return Optional.empty();
	}

	/** A copyset on source that may move to target; one not led by source if there is one. */
	private static Optional<Copyset> movable(ClusterView view, int source, ChunkServer target, Budget budget) {
		return view.copysets()
			.stream()
			.filter(c -> c.physicalPoolId() == target.physicalPoolId())
			.filter(c -> c.members().contains(source) && !c.members().contains(target.id()))
			.filter(c -> c.members().size() == c.replicas() && !budget.busy(c.key()))
			.filter(c -> c.members().stream().noneMatch(id -> id != source && view.zone(id) == target.zoneId()))
			.min(Comparator.comparingInt(c -> c.leaderId() == source ? 1 : 0));
	}

	private Operator move(Copyset c, int source, int target) {
		List<Step> steps = new ArrayList<>();
		if (c.leaderId() == source) {
			// A leader removing itself steps down with an election; hand leadership over first.
			int heir = c.members().stream().filter(id -> id != source).findFirst().orElseThrow();
			steps.add(new Step(Action.TRANSFER_LEADER, heir));
		}
		steps.add(new Step(Action.ADD_PEER, target));
		steps.add(new Step(Action.REMOVE_PEER, source));
		return Operator.of(kind(), c.key(), steps);
	}

	private static <T> List<T> reversed(List<T> list) {
		List<T> copy = new ArrayList<>(list);
		Collections.reverse(copy);
		return copy;
	}

}
