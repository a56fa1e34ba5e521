package io.curve4j.mds.schedule;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.mds.schedule.ClusterView.Copyset;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.heartbeat.v1.OperatorOutcome;
import io.curve4j.proto.heartbeat.v1.OperatorReport;

/**
 * The operators in flight on this MDS leader, one per copyset at most, and the last
 * finished ones. A step advances when the cluster view shows its effect; an operator
 * ends when its last step does, when its leader reports a failure, when it times out,
 * when the chunkserver its step adds or hands leadership to goes offline, or when its
 * copyset disappears. Thread-safe: heartbeats and the planning round share it.
 */
final class Operators {

	private static final Logger log = LoggerFactory.getLogger(Operators.class);

	/** How an operator ended. */
	enum Outcome {

		DONE, FAILED, TIMED_OUT, CANCELLED

	}

	/** An operator that ended, with when and why. */
	record Finished(Operator operator, Outcome outcome, String message, long finishedNanos) {
	}

	private final Map<CopysetKey, Operator> inFlight = new LinkedHashMap<>();

	private final Deque<Finished> history = new ArrayDeque<>();

	private final Map<SchedulerKind, Integer> done = new EnumMap<>(SchedulerKind.class);

	private final int historySize;

	private long lastFinishedNanos = System.nanoTime();

	/** Starts from the clock so that ids of an earlier leader are not reused by this one. */
	private long nextId = System.currentTimeMillis();

	Operators(int historySize) {
		this.historySize = historySize;
	}

	synchronized Operator start(Operator planned, long nowNanos, long timeoutNanos) {
		Operator op = planned.started(this.nextId++, nowNanos, timeoutNanos);
		this.inFlight.put(op.copyset(), op);
		log.info("operator {} on copyset {}: {} ({})", op.id(), name(op.copyset()), op.describe(),
				op.scheduler().id());
		return op;
	}

	synchronized boolean isEmpty() {
		return this.inFlight.isEmpty();
	}

	synchronized List<Operator> inFlight() {
		return List.copyOf(this.inFlight.values());
	}

	synchronized Optional<Operator> of(CopysetKey copyset) {
		return Optional.ofNullable(this.inFlight.get(copyset));
	}

	/** True when no operator is in flight and none finished within the last {@code quietNanos}. */
	synchronized boolean settled(long nowNanos, long quietNanos) {
		return this.inFlight.isEmpty() && nowNanos - this.lastFinishedNanos >= quietNanos;
	}

	synchronized List<Finished> history() {
		return List.copyOf(this.history);
	}

	/** Operators of this scheduler that finished since this member became leader. */
	synchronized int done(SchedulerKind scheduler) {
		return this.done.getOrDefault(scheduler, 0);
	}

	/** A leader's word on a step: a failure ends the operator (a later round plans again). */
	synchronized void reported(OperatorReport report) {
		Operator op = this.inFlight.get(report.getKey());
		if (op != null && op.stepId() == report.getOperatorId()
				&& report.getOutcome() == OperatorOutcome.OPERATOR_OUTCOME_FAILED) {
			finish(op, Outcome.FAILED, report.getMessage());
		}
	}

	/** Advances every operator whose current step shows in the view; ends timed-out ones. */
	synchronized void observe(ClusterView view, long nowNanos) {
		Map<CopysetKey, Copyset> copysets = new LinkedHashMap<>();
		view.copysets().forEach(c -> copysets.put(c.key(), c));
		for (Operator op : List.copyOf(this.inFlight.values())) {
			Copyset c = copysets.get(op.copyset());
			if (c == null) {
				finish(op, Outcome.CANCELLED, "the copyset no longer exists");
				continue;
			}
			Operator current = op;
			while (current != null && effective(current.current(), c)) {
				if (current.lastStep()) {
					finish(current, Outcome.DONE, "");
					current = null;
				}
				else {
					current = current.next();
					this.inFlight.put(current.copyset(), current);
				}
			}
			if (current != null && current.current().action() != Operator.Action.REMOVE_PEER
					&& !view.online(current.current().chunkServerId())) {
				// a dead target never shows the effect; waiting out the timeout would block the copyset's recovery
				finish(current, Outcome.CANCELLED, "chunkserver " + current.current().chunkServerId() + " is offline");
			}
			else if (current != null && nowNanos - current.deadlineNanos() > 0) {
				finish(current, Outcome.TIMED_OUT, "step '" + current.current() + "' not done in time");
			}
		}
	}

	/** Forgets every operator in flight (this member lost leadership). */
	synchronized void clear() {
		if (!this.inFlight.isEmpty()) {
			log.info("dropping {} operators: no longer the MDS leader", this.inFlight.size());
		}
		this.inFlight.clear();
		this.done.clear();
	}

	private static boolean effective(Operator.Step step, Copyset c) {
		return switch (step.action()) {
			case ADD_PEER -> c.members().contains(step.chunkServerId());
			case REMOVE_PEER -> !c.members().contains(step.chunkServerId());
			case TRANSFER_LEADER -> c.leaderId() == step.chunkServerId();
		};
	}

	private void finish(Operator op, Outcome outcome, String message) {
		this.inFlight.remove(op.copyset());
		if (outcome == Outcome.DONE) {
			this.done.merge(op.scheduler(), 1, Integer::sum);
			log.info("operator {} on copyset {} done", op.id(), name(op.copyset()));
		}
		else {
			log.warn("operator {} on copyset {} ({}) {}: {}", op.id(), name(op.copyset()), op.describe(), outcome,
					message);
		}
		this.lastFinishedNanos = System.nanoTime();
		this.history.addFirst(new Finished(op, outcome, message, this.lastFinishedNanos));
		while (this.history.size() > this.historySize) {
			this.history.removeLast();
		}
	}

	static String name(CopysetKey key) {
		return key.getLogicalPoolId() + "." + key.getCopysetId();
	}

}
