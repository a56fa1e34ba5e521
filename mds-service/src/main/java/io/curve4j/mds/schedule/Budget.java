package io.curve4j.mds.schedule;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

import io.curve4j.proto.common.v1.CopysetKey;

/**
 * What a planning round may still start: one operator per copyset, and at most
 * {@code cap} operators touching any one live chunkserver, counting those already in
 * flight (an offline chunkserver has no disk to protect: replacing all of its replicas
 * is limited by the chunkservers receiving them).
 * Also counts the replicas planned to arrive on each chunkserver, so one round does not
 * send every copyset to the same emptiest chunkserver.
 */
final class Budget {

	private final int cap;

	private final IntPredicate counted;

	private final Set<CopysetKey> busy = new HashSet<>();

	private final Map<Integer, Integer> load = new HashMap<>();

	private final Map<Integer, Integer> arriving = new HashMap<>();

	/**
	 * @param cap operators per chunkserver
	 * @param counted the chunkservers the cap applies to (the online ones)
	 */
	Budget(int cap, IntPredicate counted) {
		this.cap = cap;
		this.counted = counted;
	}

	/** Counts an operator already in flight. */
	void inFlight(Operator op) {
		this.busy.add(op.copyset());
		op.chunkServers().forEach(id -> this.load.merge(id, 1, Integer::sum));
		for (Operator.Step step : op.steps().subList(op.step(), op.steps().size())) {
			if (step.action() == Operator.Action.ADD_PEER) {
				this.arriving.merge(step.chunkServerId(), 1, Integer::sum);
			}
		}
	}

	boolean busy(CopysetKey copyset) {
		return this.busy.contains(copyset);
	}

	/** Whether this chunkserver can take part in one more operator. */
	boolean free(int chunkServerId) {
		return !this.counted.test(chunkServerId) || this.load.getOrDefault(chunkServerId, 0) < this.cap;
	}

	/** Replicas planned to arrive on a chunkserver by operators in flight or planned. */
	int arriving(int chunkServerId) {
		return this.arriving.getOrDefault(chunkServerId, 0);
	}

	/** Takes the operator if its copyset is idle and every chunkserver it touches is free. */
	boolean take(Operator op) {
		if (busy(op.copyset()) || !op.chunkServers().stream().allMatch(this::free)) {
			return false;
		}
		inFlight(op);
		return true;
	}

}
