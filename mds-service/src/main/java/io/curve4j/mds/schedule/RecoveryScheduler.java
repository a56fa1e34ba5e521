package io.curve4j.mds.schedule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.curve4j.mds.schedule.ClusterView.ChunkServer;
import io.curve4j.mds.schedule.ClusterView.Copyset;
import io.curve4j.mds.schedule.Operator.Action;
import io.curve4j.mds.schedule.Operator.Step;

/**
 * Keeps every copyset at its pool's replica count on live chunkservers.
 * <ul>
 * <li>A copyset with a replica on an offline chunkserver (offline past the timeout) gets
 * a new replica on a live chunkserver of a zone no other member uses (the dead one's
 * zone qualifies), then loses the dead one: add first, so the copyset never has fewer
 * live replicas than before. The target is the chunkserver with the fewest replicas,
 * counting those already on their way.</li>
 * <li>A copyset with more members than its pool's count (a recovery or a move cut short
 * between its steps, say by an MDS failover) loses one: an offline member first, then one
 * sharing a zone with another member, then the one on the fullest chunkserver.</li>
 * <li>Nothing happens to a copyset with a majority of its members offline (it could not
 * commit the change, and the dead replicas may hold the only copy of the latest
 * writes), nor to one without a reported leader (nobody to run the change).</li>
 * </ul>
 */
final class RecoveryScheduler implements Scheduler {

	@Override
	public SchedulerKind kind() {
		return SchedulerKind.RECOVERY;
	}

	@Override
	public List<Operator> plan(ClusterView view, Budget budget) {
		List<Operator> planned = new ArrayList<>();
		Map<Integer, Integer> counts = view.replicaCounts();
		for (Copyset c : view.copysets()) {
			if (budget.busy(c.key()) || c.leaderId() == 0) {
				continue;
			}
			List<Integer> offline = c.members().stream().filter(id -> !view.online(id)).toList();
			if (offline.size() > (c.members().size() - 1) / 2) {
				continue;
			}
			Optional<Operator> op;
			if (c.members().size() > c.replicas()) {
				op = Optional.of(shrink(view, c, offline, counts));
			}
			else if (!offline.isEmpty()) {
				int dead = offline.get(0);
				op = target(view, c, dead, counts, budget).map(target -> Operator.of(kind(), c.key(),
						List.of(new Step(Action.ADD_PEER, target), new Step(Action.REMOVE_PEER, dead))));
			}
			else {
				op = Optional.empty();
			}
			if (op.isPresent() && budget.take(op.get())) {
				planned.add(op.get());
			}
		}
		return planned;
	}

	/**
	 * The live chunkserver with disk space of the copyset's physical pool, not a member, in a zone the
	 * other members do not use, with the fewest replicas; ties go to the replaced
	 * replica's zone, then the lowest id.
	 */
	static Optional<Integer> target(ClusterView view, Copyset c, int replaced, Map<Integer, Integer> counts,
			Budget budget) {
		Set<Integer> usedZones = c.members()
			.stream()
			.filter(id -> id != replaced)
			.map(view::zone)
			.collect(Collectors.toSet());
		int replacedZone = view.zone(replaced);
		return view.chunkServers()
			.values()
			.stream()
			.filter(ChunkServer::acceptsReplicas)
			.filter(cs -> cs.physicalPoolId() == c.physicalPoolId())
			.filter(cs -> !c.members().contains(cs.id()))
			.filter(cs -> !usedZones.contains(cs.zoneId()))
			.filter(cs -> budget.free(cs.id()))
			.min(Comparator.<ChunkServer>comparingInt(cs -> counts.getOrDefault(cs.id(), 0) + budget.arriving(cs.id()))
				.thenComparingInt(cs -> cs.zoneId() == replacedZone ? 0 : 1)
				.thenComparingInt(ChunkServer::id))
			.map(ChunkServer::id);
	}

	private Operator shrink(ClusterView view, Copyset c, List<Integer> offline, Map<Integer, Integer> counts) {
		Comparator<Integer> order = Comparator.<Integer>comparingInt(id -> offline.contains(id) ? 0 : 1)
			.thenComparingInt(id -> sharesZone(view, c, id) ? 0 : 1)
			.thenComparing(Comparator.<Integer>comparingInt(id -> counts.getOrDefault(id, 0)).reversed())
			.thenComparing(Comparator.reverseOrder());
		int victim = c.members().stream().filter(id -> id != c.leaderId()).min(order).orElseThrow();
		boolean leaderFirst = order.compare(c.leaderId(), victim) < 0;
		if (!leaderFirst) {
			return Operator.of(kind(), c.key(), List.of(new Step(Action.REMOVE_PEER, victim)));
		}
		// The leader is the replica to drop: hand leadership to the next in line first.
		return Operator.of(kind(), c.key(), List.of(new Step(Action.TRANSFER_LEADER, victim),
				new Step(Action.REMOVE_PEER, c.leaderId())));
	}

	private static boolean sharesZone(ClusterView view, Copyset c, int member) {
		int zone = view.zone(member);
		return c.members().stream().anyMatch(id -> id != member && view.zone(id) == zone);
	}

}
