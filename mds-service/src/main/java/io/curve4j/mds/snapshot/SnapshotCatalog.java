package io.curve4j.mds.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.namespace.FileEntry;
import io.curve4j.mds.namespace.Namespace;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.session.SessionRegistry;
import io.curve4j.proto.mds.v1.CreateSnapshotCommand;
import io.curve4j.proto.mds.v1.DeleteSnapshotCommand;
import io.curve4j.proto.mds.v1.FailSnapshotCopyCommand;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.FinishSnapshotCopyCommand;
import io.curve4j.proto.mds.v1.FinishSnapshotDeleteCommand;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotProgressCommand;
import io.curve4j.proto.mds.v1.SnapshotStatus;

/**
 * The snapshot catalog on the leader, for users (REST) and the snapshot service (gRPC).
 *
 * <p>
 * Taking a snapshot is exact: one Raft entry raises the volume's sequence number and
 * records the snapshot; then the call waits until every session open on the volume
 * reports writing with the new number, or lets its lease run out (bounded by the lease
 * plus {@code curve.mds.snapshot.session-wait-margin}: a client that has not refreshed
 * within a lease holds its writes, and every refresh after the raise tells the client the
 * new number). Only then does the caller learn the snapshot exists. The wait blocks the
 * request's thread, never longer than that bound.
 */
@Service
public class SnapshotCatalog {

	private static final Logger log = LoggerFactory.getLogger(SnapshotCatalog.class);

	static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

	private final MdsRaft raft;

	private final MdsStore store;

	private final Namespace namespace;

	private final SessionRegistry sessions;

	private final int maxPerVolume;

	private final Duration sessionWait;

	public SnapshotCatalog(MdsRaft raft, MdsStore store, Namespace namespace, SessionRegistry sessions,
			MdsProperties properties) {
		this.raft = raft;
		this.store = store;
		this.namespace = namespace;
		this.sessions = sessions;
		this.maxPerVolume = properties.getSnapshot().getMaxPerVolume();
		this.sessionWait = sessions.lease().plus(properties.getSnapshot().getSessionWaitMargin());
	}

	/** Takes a snapshot of the volume at {@code volumePath}; returns once its point in time is exact. */
	public SnapshotInfo create(String volumePath, String name, Caller caller) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new CurveException(ErrorCode.INVALID_SNAPSHOT_NAME,
					"a snapshot name is 1 to 128 letters, digits, '.', '_' or '-'; got '" + name + "'");
		}
		FileEntry volume = volume(volumePath, caller);
		SnapshotInfo snapshot = (SnapshotInfo) this.raft
			.propose(MdsCommand.newBuilder().setCreateSnapshot(createCommand(volume, name, caller)).build());
		awaitSessions(snapshot);
		return snapshot;
	}

	/** The entry that takes a snapshot of {@code volume}, as the leader draws it (also inside a clone's). */
	CreateSnapshotCommand createCommand(FileEntry volume, String name, Caller caller) {
		return CreateSnapshotCommand.newBuilder()
			.setFileId(volume.record().getId())
			.setVolumePath(volume.path())
			.setName(name)
			.setSnapshotId(UUID.randomUUID().toString())
			.setNowMs(System.currentTimeMillis())
			.setCaller(caller.name())
			.setMaxPerVolume(this.maxPerVolume)
			.build();
	}

	/** The caller's volume at a path: INVALID_PATH, VOLUME_NOT_FOUND, NOT_OWNER, NOT_A_VOLUME otherwise. */
	FileEntry volume(String volumePath, Caller caller) {
		if (volumePath == null || volumePath.isBlank()) {
			throw new CurveException(ErrorCode.INVALID_PATH, "name the volume by its path (\"volume\")");
		}
		FileEntry volume = this.namespace.stat(volumePath, caller);
		if (volume.record().getType() != FileType.VOLUME) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, volume.path() + " is a directory; only volumes have snapshots");
		}
		return volume;
	}

	/** Returns once the sessions of the snapshot's volume write with its new sequence number, or their bound. */
	void awaitSessions(SnapshotInfo snapshot) {
		long deadline = System.nanoTime() + this.sessionWait.toNanos();
		try {
			if (!this.sessions.awaitSequence(snapshot.getVolumeId(), snapshot.getSeq() + 1, deadline)) {
				// every client refreshed since the raise (and learnt the new number) or holds its writes
				log.info("snapshot {} of {}: not every session reported sequence {} within {}; answering after the bound",
						snapshot.getId(), snapshot.getVolumePath(), snapshot.getSeq() + 1, this.sessionWait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while snapshot " + snapshot.getId()
					+ " waited for the volume's sessions; it is recorded, but its point in time may not be exact yet");
		}
	}

	/** The snapshots of a volume the caller may see, optionally only those named {@code name}, oldest first. */
	public List<SnapshotInfo> list(String volumePath, String name, Caller caller) {
		FileEntry volume = volume(volumePath, caller);
		return this.raft.read(() -> SnapshotRecords.ofVolume(this.store, volume.record().getId()))
			.stream()
			.filter(s -> name == null || name.equals(s.getName()))
			.toList();
	}

	/** A snapshot by id; SNAPSHOT_NOT_FOUND also when it is another user's. */
	public SnapshotInfo get(String id, Caller caller) {
		SnapshotInfo snapshot = this.raft.read(() -> this.store.get(MdsSchema.SNAPSHOTS, id))
			.filter(s -> caller.mayUse(s.getOwner()))
			.orElseThrow(() -> notFound(id));
		return snapshot;
	}

	/** Marks a snapshot DELETING; the snapshot service removes its objects (and stops a copy). */
	public SnapshotInfo delete(String id, Caller caller) {
		get(id, caller);
		return (SnapshotInfo) this.raft.propose(MdsCommand.newBuilder()
			.setDeleteSnapshot(DeleteSnapshotCommand.newBuilder().setSnapshotId(id).setCaller(caller.name()))
			.build());
	}

	/** Snapshots with work for the snapshot service (PENDING, DELETING), oldest first. */
	List<SnapshotInfo> tasks() {
		return this.raft.read(() -> this.store.list(MdsSchema.SNAPSHOTS))
			.stream()
			.filter(s -> s.getStatus() == SnapshotStatus.PENDING || s.getStatus() == SnapshotStatus.DELETING)
			.sorted(SnapshotRecords.OLDEST_FIRST)
			.toList();
	}

	SnapshotInfo reportProgress(String id, long nextChunk) {
		return (SnapshotInfo) this.raft.propose(MdsCommand.newBuilder()
			.setSnapshotProgress(SnapshotProgressCommand.newBuilder().setSnapshotId(id).setNextChunk(nextChunk))
			.build());
	}

	void finishCopy(String id) {
		this.raft.propose(MdsCommand.newBuilder()
			.setFinishSnapshotCopy(FinishSnapshotCopyCommand.newBuilder().setSnapshotId(id))
			.build());
	}

	void failCopy(String id, String error) {
		this.raft.propose(MdsCommand.newBuilder()
			.setFailSnapshotCopy(FailSnapshotCopyCommand.newBuilder()
				.setSnapshotId(id)
				.setError(error == null || error.isBlank() ? "the copy failed" : error))
			.build());
	}

	void finishDelete(String id) {
		this.raft.propose(MdsCommand.newBuilder()
			.setFinishSnapshotDelete(FinishSnapshotDeleteCommand.newBuilder().setSnapshotId(id))
			.build());
	}

	private static CurveException notFound(String id) {
		return new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND, "no snapshot with id " + id + " among yours");
	}

}
