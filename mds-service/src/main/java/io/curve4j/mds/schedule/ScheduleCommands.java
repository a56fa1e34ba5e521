package io.curve4j.mds.schedule;

import java.util.Set;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsReader;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.CopysetKey;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.PauseSchedulerCommand;
import io.curve4j.proto.mds.v1.UpdateCopysetMembersCommand;

/**
 * Applies copyset membership changes (as copyset leaders report them) and scheduler
 * pauses. A membership change carries the epoch it brings; one at or below the stored
 * epoch is a late or repeated report and changes nothing, so members never go back.
 */
@Component
class ScheduleCommands implements MdsCommandHandler {

	private static final String PAUSED_PREFIX = "scheduler_paused/";

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.UPDATE_COPYSET_MEMBERS, MdsCommand.CommandCase.PAUSE_SCHEDULER);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		return switch (command.getCommandCase()) {
			case UPDATE_COPYSET_MEMBERS -> updateMembers(command.getUpdateCopysetMembers(), tx);
			case PAUSE_SCHEDULER -> {
				PauseSchedulerCommand pause = command.getPauseScheduler();
				tx.put(MdsSchema.FLAGS, pausedKey(pause.getScheduler()), pause.getPaused());
				yield null;
			}
			default -> throw new IllegalArgumentException(command.getCommandCase().name());
		};
	}

	private CopysetRecord updateMembers(UpdateCopysetMembersCommand command, MdsTx tx) {
		CopysetKey key = new CopysetKey(command.getLogicalPoolId(), command.getCopysetId());
		CopysetRecord record = tx.get(MdsSchema.COPYSETS, key)
			.orElseThrow(() -> new CurveException(ErrorCode.COPYSET_NOT_FOUND,
					"no copyset " + command.getLogicalPoolId() + "." + command.getCopysetId()));
		if (command.getEpoch() <= record.getEpoch()) {
			return record;
		}
		CopysetRecord updated = record.toBuilder()
			.clearChunkServerIds()
			.addAllChunkServerIds(command.getChunkServerIdsList())
			.setEpoch(command.getEpoch())
			.build();
		tx.put(MdsSchema.COPYSETS, key, updated);
		return updated;
	}

	static boolean paused(MdsReader db, SchedulerKind scheduler) {
		return db.get(MdsSchema.FLAGS, pausedKey(scheduler.id())).orElse(false);
	}

	private static String pausedKey(String scheduler) {
		return PAUSED_PREFIX + scheduler;
	}

}
