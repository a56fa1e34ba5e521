package io.curve4j.mds.snapshot;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.namespace.CloneLinks;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.proto.mds.v1.CreateSnapshotCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

/**
 * Applies the snapshot catalog's commands. A snapshot's point in time and its record are
 * made in one entry (the volume's seq raise, its in-cluster seq, the PENDING record), so
 * no member ever holds one without the other; its end in the cluster (the seq leaves
 * {@code snapshot_seqs}) is one entry with its new status too.
 */
@Component
class SnapshotCommands implements MdsCommandHandler {

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.CREATE_SNAPSHOT, MdsCommand.CommandCase.DELETE_SNAPSHOT,
				MdsCommand.CommandCase.SNAPSHOT_PROGRESS, MdsCommand.CommandCase.FINISH_SNAPSHOT_COPY,
				MdsCommand.CommandCase.FAIL_SNAPSHOT_COPY, MdsCommand.CommandCase.FINISH_SNAPSHOT_DELETE);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		return switch (command.getCommandCase()) {
			case CREATE_SNAPSHOT -> create(command.getCreateSnapshot(), tx);
			case DELETE_SNAPSHOT -> delete(command.getDeleteSnapshot().getSnapshotId(),
					command.getDeleteSnapshot().getCaller(), tx);
			case SNAPSHOT_PROGRESS -> progress(command.getSnapshotProgress().getSnapshotId(),
					command.getSnapshotProgress().getNextChunk(), tx);
			case FINISH_SNAPSHOT_COPY -> endCopy(command.getFinishSnapshotCopy().getSnapshotId(), null, tx);
			case FAIL_SNAPSHOT_COPY -> endCopy(command.getFailSnapshotCopy().getSnapshotId(),
					command.getFailSnapshotCopy().getError(), tx);
			case FINISH_SNAPSHOT_DELETE -> finishDelete(command.getFinishSnapshotDelete().getSnapshotId(), tx);
			default -> throw new IllegalArgumentException(command.getCommandCase().name());
		};
	}

	static SnapshotInfo create(CreateSnapshotCommand command, MdsTx tx) {
		FileRecord volume = tx.get(MdsSchema.FILES, command.getFileId())
			.filter(f -> f.getType() == FileType.VOLUME && !f.hasRecycle())
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND,
					"volume " + command.getVolumePath() + " (id " + command.getFileId() + ") no longer exists"));
		requireOwner(command.getCaller(), volume.getOwner(), "volume " + command.getVolumePath());
		if (volume.hasClone()) {
			// its chunks hold only what the clone wrote; the rest is in the source
			throw new CurveException(ErrorCode.CLONE_NOT_FLATTENED, "volume " + command.getVolumePath()
					+ " is a clone that still reads its source; flatten it first (POST /api/v1/volumes/"
					+ volume.getId() + "/flatten)");
		}
		List<SnapshotInfo> existing = SnapshotRecords.ofVolume(tx, volume.getId());
		if (existing.stream().anyMatch(s -> s.getName().equals(command.getName()))) {
			throw new CurveException(ErrorCode.SNAPSHOT_EXISTS, "volume " + command.getVolumePath()
					+ " has a snapshot named '" + command.getName() + "' already");
		}
		if (volume.getSnapshotSeqsCount() > 0) {
			throw new CurveException(ErrorCode.SNAPSHOT_IN_PROGRESS, "the previous snapshot of volume "
					+ command.getVolumePath() + " is still being copied out of the cluster; take the next one when it is "
					+ "DONE (or delete it)");
		}
		if (existing.size() >= command.getMaxPerVolume()) {
			throw new CurveException(ErrorCode.SNAPSHOT_LIMIT, "volume " + command.getVolumePath() + " has "
					+ existing.size() + " snapshots, its limit; delete one first");
		}
		// volumes recorded before snapshots existed carry 0 and are treated as new ones, at 1
		long seq = Math.max(1, volume.getSeqNum());
		tx.put(MdsSchema.FILES, volume.getId(),
				volume.toBuilder().setSeqNum(seq + 1).addSnapshotSeqs(seq).build());
		SnapshotInfo snapshot = SnapshotInfo.newBuilder()
			.setId(command.getSnapshotId())
			.setVolumeId(volume.getId())
			.setVolumePath(command.getVolumePath())
			.setName(command.getName())
			.setSeq(seq)
			.setStatus(SnapshotStatus.PENDING)
			.setLength(volume.getLength())
			.setChunkSize(Geometry.of(volume).chunkSize())
			.setCreatedMs(command.getNowMs())
			.setOwner(volume.getOwner())
			.setInCluster(true)
			.build();
		tx.put(MdsSchema.SNAPSHOTS, snapshot.getId(), snapshot);
		return snapshot;
	}

	/** PENDING, DONE or ERROR become DELETING; a DELETING one stays (a repeated delete). */
	private static SnapshotInfo delete(String id, String caller, MdsTx tx) {
		SnapshotInfo snapshot = SnapshotRecords.require(tx, id);
		requireOwner(caller, snapshot.getOwner(), "snapshot " + id);
		if (snapshot.getStatus() == SnapshotStatus.DELETING) {
			return snapshot;
		}
		if (CloneLinks.readSnapshot(tx, id, -1)) {
			throw new CurveException(ErrorCode.VOLUME_HAS_CLONES, "snapshot " + id
					+ " is the source of clones that still read it; flatten or delete (and purge) them first");
		}
		SnapshotInfo deleting = snapshot.toBuilder().setStatus(SnapshotStatus.DELETING).build();
		tx.put(MdsSchema.SNAPSHOTS, id, deleting);
		return deleting;
	}

	/** Raises a PENDING copy's next chunk; anything else is answered as it is (the copy stops). */
	private static SnapshotInfo progress(String id, long nextChunk, MdsTx tx) {
		SnapshotInfo snapshot = SnapshotRecords.require(tx, id);
		long chunks = SnapshotRecords.chunkCount(snapshot);
		if (nextChunk > chunks) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"snapshot " + id + " has " + chunks + " chunks; next_chunk " + nextChunk + " is past its end");
		}
		if (snapshot.getStatus() != SnapshotStatus.PENDING || nextChunk <= snapshot.getNextChunk()) {
			return snapshot;
		}
		SnapshotInfo advanced = snapshot.toBuilder().setNextChunk(nextChunk).build();
		tx.put(MdsSchema.SNAPSHOTS, id, advanced);
		return advanced;
	}

	/**
	 * Ends a copy: DONE ({@code error} null) or ERROR for a PENDING snapshot, and in either
	 * case its in-cluster snapshot. A DELETING one keeps its status (its objects still go);
	 * one that ended already is answered as it is (a repeated call).
	 */
	private static SnapshotInfo endCopy(String id, String error, MdsTx tx) {
		SnapshotInfo snapshot = SnapshotRecords.require(tx, id);
		if (!snapshot.getInCluster()) {
			return snapshot;
		}
		SnapshotInfo.Builder ended = snapshot.toBuilder().setInCluster(false);
		if (snapshot.getStatus() == SnapshotStatus.PENDING) {
			if (error == null) {
				ended.setStatus(SnapshotStatus.DONE).setNextChunk(SnapshotRecords.chunkCount(snapshot));
				CloneCommands.sourceReady(id, tx);
			}
			else {
				ended.setStatus(SnapshotStatus.ERROR).setError(error);
			}
		}
		endInCluster(snapshot, tx);
		tx.put(MdsSchema.SNAPSHOTS, id, ended.build());
		return ended.build();
	}

	private static SnapshotInfo finishDelete(String id, MdsTx tx) {
		SnapshotInfo snapshot = SnapshotRecords.require(tx, id);
		if (snapshot.getStatus() != SnapshotStatus.DELETING) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"snapshot " + id + " is " + snapshot.getStatus() + ", not DELETING; only a deleted one is finished");
		}
		if (snapshot.getInCluster()) {
			endInCluster(snapshot, tx);
		}
		tx.delete(MdsSchema.SNAPSHOTS, id);
		return snapshot;
	}

	/** The volume's chunks no longer keep copies for this snapshot: its seq leaves the volume. */
	private static void endInCluster(SnapshotInfo snapshot, MdsTx tx) {
		Optional<FileRecord> volume = tx.get(MdsSchema.FILES, snapshot.getVolumeId());
		volume.ifPresent(v -> {
			FileRecord.Builder updated = v.toBuilder().clearSnapshotSeqs();
			v.getSnapshotSeqsList().stream().filter(s -> s != snapshot.getSeq()).forEach(updated::addSnapshotSeqs);
			tx.put(MdsSchema.FILES, v.getId(), updated.build());
		});
	}

	/** An empty caller is not checked (as in the namespace's commands). */
	private static void requireOwner(String caller, String owner, String what) {
		if (!caller.isEmpty()) {
			new Caller(caller).requireOwner(owner, what);
		}
	}

}
