package io.curve4j.mds.schedule;

import java.util.List;
import java.util.stream.Collectors;

import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.heartbeat.v1.OperatorStep;

/**
 * A planned change of one copyset: steps run one after the other by the copyset's
 * leader. A step is finished when the copyset's state shows its effect (the member is in
 * or out of the stored configuration, the leader is the target), not when somebody says
 * so; a leader's report of failure drops the operator.
 *
 * @param id unique on this MDS leader; step {@code i} is sent as {@code id * 16 + i}
 * @param step index of the step in progress
 */
public record Operator(long id, CopysetKey copyset, SchedulerKind scheduler, List<Step> steps, int step,
		long createdNanos, long deadlineNanos) {

	/** What one step does, and to which chunkserver. */
	public enum Action {

		ADD_PEER(OperatorStep.OPERATOR_STEP_ADD_PEER), REMOVE_PEER(OperatorStep.OPERATOR_STEP_REMOVE_PEER),
		TRANSFER_LEADER(OperatorStep.OPERATOR_STEP_TRANSFER_LEADER);

		private final OperatorStep proto;

		Action(OperatorStep proto) {
			this.proto = proto;
		}

		OperatorStep proto() {
			return this.proto;
		}

	}

	/** One configuration change or leader transfer. */
	public record Step(Action action, int chunkServerId) {

		@Override
		public String toString() {
			return this.action.name().toLowerCase().replace('_', ' ') + " " + this.chunkServerId;
		}

	}

	public Operator {
		steps = List.copyOf(steps);
	}

	static Operator of(SchedulerKind scheduler, CopysetKey copyset, List<Step> steps) {
		return new Operator(0, copyset, scheduler, steps, 0, 0, 0);
	}

	Operator started(long id, long nowNanos, long timeoutNanos) {
		return new Operator(id, this.copyset, this.scheduler, this.steps, 0, nowNanos, nowNanos + timeoutNanos);
	}

	Step current() {
		return this.steps.get(this.step);
	}

	long stepId() {
		return this.id * 16 + this.step;
	}

	boolean lastStep() {
		return this.step == this.steps.size() - 1;
	}

	Operator next() {
		return new Operator(this.id, this.copyset, this.scheduler, this.steps, this.step + 1, this.createdNanos,
				this.deadlineNanos);
	}

	/** Chunkservers the operator occupies: every one a step names. */
	List<Integer> chunkServers() {
		return this.steps.stream().map(Step::chunkServerId).distinct().toList();
	}

	/** True when some step adds this chunkserver to the copyset. */
	boolean adds(int chunkServerId) {
		return this.steps.stream().anyMatch(s -> s.action() == Action.ADD_PEER && s.chunkServerId() == chunkServerId);
	}

	String describe() {
		return this.steps.stream().map(Step::toString).collect(Collectors.joining(", then "));
	}

}
