package io.curve4j.mds.snapshot;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.namespace.FileEntry;
import io.curve4j.mds.namespace.Namespace;
import io.curve4j.mds.namespace.NamespacePath;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.CreateCloneCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.FinishFlattenCommand;
import io.curve4j.proto.mds.v1.FlattenCloneCommand;
import io.curve4j.proto.mds.v1.FlattenProgressCommand;
import io.curve4j.proto.mds.v1.FlattenTask;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

/**
 * Clones on the leader: made from a DONE snapshot ({@code /dir/vol@name}), or from a
 * volume ({@code /dir/vol}) through a snapshot taken for the clone in the same entry
 * (with the same wait for the volume's sessions as any snapshot); flattened on request
 * by the snapshot service, which reports here.
 */
@Service
public class CloneCatalog {

	/** Oldest clone first; the id breaks ties. */
	private static final Comparator<FileEntry> OLDEST_FIRST = Comparator
		.comparingLong((FileEntry e) -> e.record().getClone().getInfo().getCreatedMs())
		.thenComparingLong(e -> e.record().getId());

	private final MdsRaft raft;

	private final Namespace namespace;

	private final SnapshotCatalog snapshots;

	public CloneCatalog(MdsRaft raft, Namespace namespace, SnapshotCatalog snapshots) {
		this.raft = raft;
		this.namespace = namespace;
		this.snapshots = snapshots;
	}

	/**
	 * A new volume at {@code path}, owned by the caller, linked to {@code source}: a
	 * snapshot {@code /dir/vol@name} (DONE) or a volume {@code /dir/vol}. Not lazy: it is
	 * flattened as soon as its source is DONE.
	 */
	public FileEntry create(String source, String path, boolean lazy, Caller caller) {
		String target = validPath("path", path);
		if (source == null || source.isBlank()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"name the source (\"source\"): /dir/volume@snapshot or /dir/volume");
		}
		int at = source.lastIndexOf('@');
		String name = at < 0 ? null : source.substring(at + 1);
		if (name != null && !SnapshotCatalog.NAME.matcher(name).matches()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"invalid source '" + source + "': the snapshot's name after '@' is 1 to 128 of [A-Za-z0-9._-]");
		}
		FileEntry volume = this.snapshots.volume(validPath("source", at < 0 ? source : source.substring(0, at)),
				caller);
		CreateCloneCommand.Builder command = CreateCloneCommand.newBuilder()
			.setPath(target)
			.setCaller(caller.name())
			.setNowMs(System.currentTimeMillis())
			.setLazy(lazy)
			.setSourcePath(volume.path());
		if (name == null) {
			if (volume.record().hasClone()) {
				throw new CurveException(ErrorCode.CLONE_NOT_FLATTENED, "volume " + volume.path()
						+ " is a clone that still reads its source; flatten it before cloning it");
			}
			// named at apply, after the clone's id
			command.setSnapshot(this.snapshots.createCommand(volume, "", caller));
		}
		else {
			SnapshotInfo snapshot = this.snapshots.list(volume.path(), name, caller)
				.stream()
				.findFirst()
				.orElseThrow(() -> new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND,
						"volume " + volume.path() + " has no snapshot named '" + name + "'"));
			if (snapshot.getStatus() != SnapshotStatus.DONE) {
				throw CloneCommands.notReady(snapshot);
			}
			command.setSourceSnapshotId(snapshot.getId());
		}
		CloneCommands.Cloned cloned = (CloneCommands.Cloned) this.raft
			.propose(MdsCommand.newBuilder().setCreateClone(command).build());
		if (cloned.snapshot() != null) {
			this.snapshots.awaitSessions(cloned.snapshot());
		}
		return new FileEntry(target, cloned.volume());
	}

	/** Starts (or keeps) the flatten of the caller's clone with this id. */
	public FileEntry flatten(long id, Caller caller) {
		return flatten(this.namespace.byId(id, caller), caller);
	}

	/** Starts (or keeps) the flatten of the caller's clone at this path. */
	public FileEntry flatten(String path, Caller caller) {
		return flatten(this.namespace.stat(validPath("path", path), caller), caller);
	}

	private FileEntry flatten(FileEntry volume, Caller caller) {
		if (volume.record().getType() != FileType.VOLUME) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, volume.path() + " is a directory, not a clone");
		}
		FileRecord flattening = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setFlattenClone(FlattenCloneCommand.newBuilder()
				.setFileId(volume.record().getId())
				.setCaller(caller.name()))
			.build());
		return new FileEntry(volume.path(), flattening);
	}

	/** The clones being flattened, oldest first. */
	List<FlattenTask> tasks() {
		return this.namespace.linkedClones()
			.stream()
			.filter(e -> e.record().getClone().getInfo().getStatus() == CloneStatus.FLATTENING)
			.sorted(OLDEST_FIRST)
			.map(e -> FlattenTask.newBuilder()
				.setVolumeId(e.record().getId())
				.setVolumePath(e.path())
				.setClone(e.record().getClone().getInfo())
				.setChunkSize(Geometry.of(e.record()).chunkSize())
				.build())
			.toList();
	}

	/** The clone as it is now, empty once it is no longer FLATTENING (the flatten stops). */
	@SuppressWarnings("unchecked")
	Optional<FileEntry> reportProgress(long id, long nextChunk) {
		Optional<FileRecord> clone = (Optional<FileRecord>) this.raft.propose(MdsCommand.newBuilder()
			.setFlattenProgress(FlattenProgressCommand.newBuilder().setFileId(id).setNextChunk(nextChunk))
			.build());
		return clone.map(c -> this.namespace.byId(c.getId(), Caller.ROOT));
	}

	void finish(long id) {
		this.raft.propose(
				MdsCommand.newBuilder().setFinishFlatten(FinishFlattenCommand.newBuilder().setFileId(id)).build());
	}

	/** A path as the namespace takes it; INVALID_ARGUMENT naming the field otherwise. */
	private static String validPath(String field, String path) {
		if (path == null || path.isBlank()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "\"" + field + "\" is required");
		}
		try {
			return NamespacePath.parse(path).toString();
		}
		catch (CurveException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "\"" + field + "\": " + ex.detail());
		}
	}

}
