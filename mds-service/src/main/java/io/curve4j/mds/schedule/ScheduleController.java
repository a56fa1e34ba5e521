package io.curve4j.mds.schedule;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.mds.raft.MdsRaft;

/**
 * Operators in flight and recently finished, and pausing or resuming each scheduler.
 * Answered by the leader MDS (followers redirect to it): operators live there.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "schedule", description = "scheduler operators; pause and resume schedulers")
class ScheduleController {

	record StepView(String action, int chunkServerId) {
	}

	/**
	 * @param state RUNNING for operators in flight, else how it ended
	 * @param step index of the step in progress (of the last one run when finished)
	 */
	record OperatorView(long id, int logicalPoolId, int copysetId, String scheduler, List<StepView> steps, int step,
			String state, long ageMillis, String message) {
	}

	record OperatorsView(List<OperatorView> inFlight, List<OperatorView> recent) {
	}

	record SchedulerView(String name, boolean paused) {
	}

	private final ScheduleService schedule;

	private final MdsRaft raft;

	ScheduleController(ScheduleService schedule, MdsRaft raft) {
		this.schedule = schedule;
		this.raft = raft;
	}

	@GetMapping("/operators")
	@Operation(summary = "Operators in flight and the most recently finished ones, newest first")
	OperatorsView operators() {
		this.raft.requireLeader();
		long now = System.nanoTime();
		List<OperatorView> inFlight = this.schedule.inFlight()
			.stream()
			.map(op -> view(op, "RUNNING", "", now - op.createdNanos()))
			.toList();
		List<OperatorView> recent = this.schedule.history()
			.stream()
			.map(f -> view(f.operator(), f.outcome().name(), f.message(), f.finishedNanos() - f.operator().createdNanos()))
			.toList();
		return new OperatorsView(inFlight, recent);
	}

	@GetMapping("/schedulers")
	@Operation(summary = "Every scheduler and whether it is paused")
	List<SchedulerView> schedulers() {
		this.raft.requireLeader();
		return Arrays.stream(SchedulerKind.values()).map(this::view).toList();
	}

	@PostMapping("/schedulers/{name}/pause")
	@Operation(summary = "Pause a scheduler (recovery, copyset-balance, leader-balance); operators in flight finish")
	SchedulerView pause(@PathVariable String name) {
		SchedulerKind kind = SchedulerKind.of(name);
		this.schedule.pause(kind, true);
		return view(kind);
	}

	@PostMapping("/schedulers/{name}/resume")
	@Operation(summary = "Resume a paused scheduler")
	SchedulerView resume(@PathVariable String name) {
		SchedulerKind kind = SchedulerKind.of(name);
		this.schedule.pause(kind, false);
		return view(kind);
	}

	private SchedulerView view(SchedulerKind kind) {
		return new SchedulerView(kind.id(), this.schedule.paused(kind));
	}

	private static OperatorView view(Operator op, String state, String message, long ageNanos) {
		return new OperatorView(op.id(), op.copyset().getLogicalPoolId(), op.copyset().getCopysetId(),
				op.scheduler().id(),
				op.steps().stream().map(s -> new StepView(s.action().name(), s.chunkServerId())).toList(), op.step(),
				state, TimeUnit.NANOSECONDS.toMillis(ageNanos), message);
	}

}
