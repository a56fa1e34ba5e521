package io.curve4j.mds.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.curve4j.mds.schedule.ClusterView.Copyset;
import io.curve4j.mds.schedule.Operator.Action;
import io.curve4j.mds.schedule.Operator.Step;

/**
 * Spreads copyset leaders (who serve every read and write of their copyset) so that,
 * inside each physical pool, leaders per live chunkserver holding replicas differ by at
 * most one: a healthy copyset led by the chunkserver with the most leaders hands
 * leadership to a member with at least two fewer.
 *
 * <p>
 * Plans nothing while any copyset is unhealthy: a transfer stalls its copyset's I/O
 * briefly, and during a failure the leader counts move on their own (elections,
 * recovery), so transfers then only add stalls and undo each other.
 */
final class LeaderBalanceScheduler implements Scheduler {

	@Override
	public SchedulerKind kind() {
		return SchedulerKind.LEADER_BALANCE;
	}

	@Override
	public List<Operator> plan(ClusterView view, Budget budget) {
		if (!view.copysets().stream().allMatch(view::healthy)) {
			return List.of();
		}
		Map<Integer, Map<Integer, Integer>> leadersByPool = new TreeMap<>();
		for (Copyset c : view.copysets()) {
			Map<Integer, Integer> leaders = leadersByPool.computeIfAbsent(c.physicalPoolId(), p -> new HashMap<>());
			c.members().stream().filter(view::online).forEach(id -> leaders.putIfAbsent(id, 0));
			if (c.leaderId() != 0 && view.online(c.leaderId())) {
				leaders.merge(c.leaderId(), 1, Integer::sum);
			}
		}
		List<Operator> planned = new ArrayList<>();
		for (Map<Integer, Integer> leaders : leadersByPool.values()) {
			Optional<Operator> transfer;
			while ((transfer = nextTransfer(view, leaders, budget)).isPresent()) {
				Operator op = transfer.get();
				budget.take(op);
				planned.add(op);
				Copyset c = view.copysets().stream().filter(x -> x.key().equals(op.copyset())).findFirst().orElseThrow();
				leaders.merge(c.leaderId(), -1, Integer::sum);
				leaders.merge(op.current().chunkServerId(), 1, Integer::sum);
			}
		}
		return planned;
	}

	private Optional<Operator> nextTransfer(ClusterView view, Map<Integer, Integer> leaders, Budget budget) {
		List<Integer> mostFirst = leaders.keySet()
			.stream()
			.sorted(Comparator.<Integer>comparingInt(leaders::get).reversed().thenComparing(Comparator.naturalOrder()))
			.toList();
		for (int source : mostFirst) {
			for (int target : reversed(mostFirst)) {
				if (leaders.get(source) - leaders.get(target) < 2) {
					break;
				}
				if (!budget.free(target)) {
					continue;
				}
				Optional<Copyset> copyset = view.copysets()
					.stream()
					.filter(c -> c.leaderId() == source && c.members().contains(target))
					.filter(c -> view.healthy(c) && !budget.busy(c.key()))
					.findFirst();
				if (copyset.isPresent()) {
					return Optional.of(Operator.of(kind(), copyset.get().key(),
							List.of(new Step(Action.TRANSFER_LEADER, target))));
				}
			}
		}
		return Optional.empty();
	}

	private static <T> List<T> reversed(List<T> list) {
		List<T> copy = new ArrayList<>(list);
		Collections.reverse(copy);
		return copy;
	}

}
