package io.curve4j.membership;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.proto.heartbeat.v1.CopysetOperator;
import io.curve4j.proto.heartbeat.v1.OperatorOutcome;
import io.curve4j.proto.heartbeat.v1.OperatorReport;

/**
 * Runs the scheduler's steps the MDS hands to this server for copysets it leads,
 * each step id once, and reports how each went in the following heartbeats until the
 * MDS stops sending the step (it has seen the effect or the failure).
 *
 * <p>
 * A step is refused unless this replica leads the copyset at the epoch the step was
 * planned at: a step planned on an older configuration could undo a newer one. Adding a
 * peer first takes a snapshot, so the new peer copies the replica's files (sent throttled)
 * and only the short log tail after them, then adds it; jraft commits the new
 * configuration once the peer has caught up.
 */
final class OperatorRunner {

	private static final Logger log = LoggerFactory.getLogger(OperatorRunner.class);

	private final CopysetHost copysets;

	private final Map<Long, OperatorReport> runs = new ConcurrentHashMap<>();

	OperatorRunner(CopysetHost copysets) {
		this.copysets = copysets;
	}

	/** Starts the steps not seen before; forgets finished ones the MDS no longer sends. */
	void submit(List<CopysetOperator> operators) {
		Set<Long> sent = operators.stream().map(CopysetOperator::getOperatorId).collect(Collectors.toSet());
		this.runs.values()
			.removeIf(r -> !sent.contains(r.getOperatorId()) && r.getOutcome() != OperatorOutcome.OPERATOR_OUTCOME_RUNNING);
		for (CopysetOperator op : operators) {
			OperatorReport running = report(op, OperatorOutcome.OPERATOR_OUTCOME_RUNNING, "");
			if (this.runs.putIfAbsent(op.getOperatorId(), running) == null) {
				start(op);
			}
		}
	}

	/** How every step still remembered stands. */
	List<OperatorReport> reports() {
		return List.copyOf(this.runs.values());
	}

	private void start(CopysetOperator op) {
		CompletableFuture<Void> run;
		try {
			HostedCopyset copyset = this.copysets.hosted(op.getKey());
			if (!copyset.isLeader()) {
				throw copyset.notLeader();
			}
			if (copyset.epoch() != op.getEpoch()) {
				throw new IllegalStateException("copyset " + copyset.group().groupId() + " is at epoch " + copyset.epoch()
						+ ", the step was planned at " + op.getEpoch());
			}
			log.info("{}: {} {} (operator {})", copyset.group().groupId(), op.getStep(), op.getTarget(), op.getOperatorId());
			run = run(copyset.group(), op);
		}
		catch (CurveException | IllegalStateException ex) {
			run = CompletableFuture.failedFuture(ex);
		}
		run.whenComplete((ok, failure) -> {
			Throwable cause = failure instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : failure;
			if (cause == null) {
				log.info("operator {} ({} {}) done", op.getOperatorId(), op.getStep(), op.getTarget());
				this.runs.put(op.getOperatorId(), report(op, OperatorOutcome.OPERATOR_OUTCOME_DONE, ""));
			}
			else {
				log.warn("operator {} ({} {}) failed: {}", op.getOperatorId(), op.getStep(), op.getTarget(),
						cause.getMessage());
				this.runs.put(op.getOperatorId(),
						report(op, OperatorOutcome.OPERATOR_OUTCOME_FAILED, String.valueOf(cause.getMessage())));
			}
		});
	}

	private static CompletableFuture<Void> run(RaftGroup group, CopysetOperator op) {
		return switch (op.getStep()) {
			case OPERATOR_STEP_ADD_PEER -> group.snapshot().handle((ok, failure) -> {
				if (failure != null) {
					// The peer then catches up from the previous snapshot and a longer log tail.
					log.warn("{}: snapshot before adding {} failed: {}", group.groupId(), op.getTarget(),
							failure.getMessage());
				}
				return null;
			}).thenCompose(ignored -> group.addPeer(op.getTarget()));
			case OPERATOR_STEP_REMOVE_PEER -> group.removePeer(op.getTarget());
			case OPERATOR_STEP_TRANSFER_LEADER -> {
				group.transferLeadership(op.getTarget());
				yield CompletableFuture.completedFuture(null);
			}
			default -> CompletableFuture.failedFuture(new IllegalStateException("unknown step " + op.getStep()));
		};
	}

	private static OperatorReport report(CopysetOperator op, OperatorOutcome outcome, String message) {
		return OperatorReport.newBuilder()
			.setKey(op.getKey())
			.setOperatorId(op.getOperatorId())
			.setOutcome(outcome)
			.setMessage(message)
			.build();
	}

}
