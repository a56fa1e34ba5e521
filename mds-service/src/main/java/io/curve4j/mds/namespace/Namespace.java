package io.curve4j.mds.namespace;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.session.SessionRegistry;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.CreateFileCommand;
import io.curve4j.proto.mds.v1.DeleteFileCommand;
import io.curve4j.proto.mds.v1.ExtendVolumeCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.PurgeFilesCommand;
import io.curve4j.proto.mds.v1.RemoveFileCommand;
import io.curve4j.proto.mds.v1.RestoreFileCommand;
import io.curve4j.proto.mds.v1.RenameFileCommand;
import io.curve4j.proto.mds.v1.SetVolumeThrottleCommand;
import io.curve4j.proto.mds.v1.VolumeThrottle;

/**
 * Directories and volumes, for the REST and gRPC edges alike. Input that needs no
 * stored state (paths, sizes) is checked here before anything is proposed; reads are
 * linearizable through the Raft group.
 *
 * <p>
 * Ownership: a caller other than root sees and changes only what it owns. Reads are
 * checked here; changes carry the caller in their command and are checked where they are
 * applied, against the tree every member sees.
 */
@Service
public class Namespace {

	/** Owner recorded when root creates something and names no owner. */
	public static final String DEFAULT_OWNER = "root";

	/** Largest volume: 1 PiB (a million segments), far beyond any disk yet small enough to never overflow. */
	public static final long MAX_VOLUME_SIZE = 1024 * Sizes.TIB;

	/** An open volume: the file and the session that holds it. */
	public record Opened(FileEntry file, SessionRegistry.Session session) {
	}

	private final MdsRaft raft;

	private final MdsStore store;

	private final SessionRegistry sessions;

	private final Counter volumesCreated;

	private final Counter volumesDeleted;

	private final Duration retention;

	public Namespace(MdsRaft raft, MdsStore store, SessionRegistry sessions, MdsProperties properties,
			MeterRegistry meters) {
		this.raft = raft;
		this.store = store;
		this.sessions = sessions;
		this.retention = properties.getRecycle().getRetention();
		this.volumesCreated = Counter.builder("curve4j.mds.volumes.added").register(meters);
		this.volumesDeleted = Counter.builder("curve4j.mds.volumes.removed").register(meters);
	}

	public FileEntry createDirectory(String path, String owner, Caller caller) {
		return create(NamespacePath.parse(path), FileType.DIRECTORY, 0, owner, caller);
	}

	public FileEntry createVolume(String path, long length, String owner, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		checkSize(length);
		FileEntry created = create(p, FileType.VOLUME, length, owner, caller);
		this.volumesCreated.increment();
		return created;
	}

	public FileEntry stat(String path, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord file = read(tree -> tree.file(p));
		requireVisible(caller, file, p);
		return new FileEntry(p.toString(), file);
	}

	/** A volume or directory by id, with its current path. */
	public FileEntry byId(long id, Caller caller) {
		FileEntry entry = read(tree -> tree.byId(id).map(f -> new FileEntry(tree.pathOf(f).toString(), f)))
			.filter(e -> e.record().getId() != NamespaceTree.ROOT_ID)
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no volume or directory with id " + id));
		requireVisible(caller, entry.record(), NamespacePath.parse(entry.path()));
		return entry;
	}

	/** Entries of a directory in name order; a user other than root sees only its own. */
	public List<FileEntry> list(String path, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		List<FileRecord> children = read(tree -> {
			FileRecord directory = tree.directory(p);
			requireVisible(caller, directory, p);
			return tree.children(directory.getId());
		});
		return children.stream()
			.filter(f -> caller.mayUse(f.getOwner()))
			.map(f -> new FileEntry(p.child(f.getName()).toString(), f))
			.toList();
	}

	/** Every volume in the namespace the caller may see, in id order. */
	public List<FileEntry> volumes(Caller caller) {
		return read(tree -> tree.volumes()
			.stream()
			.filter(f -> caller.mayUse(f.getOwner()))
			.map(f -> new FileEntry(tree.pathOf(f).toString(), f))
			.toList());
	}

	public FileEntry rename(String path, String newPath, Caller caller) {
		NamespacePath from = NamespacePath.parse(path);
		NamespacePath to = NamespacePath.parse(newPath);
		FileRecord file = read(tree -> tree.file(from));
		requireVisible(caller, file, from);
		requireClosed(file, from, "renamed");
		FileRecord renamed = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setRenameFile(RenameFileCommand.newBuilder()
				.setPath(from.toString())
				.setNewPath(to.toString())
				.setCaller(caller.name()))
			.build());
		return new FileEntry(to.toString(), renamed);
	}

	public FileEntry extend(String path, long newLength, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		checkSize(newLength);
		FileRecord extended = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setExtendVolume(ExtendVolumeCommand.newBuilder()
				.setPath(p.toString())
				.setNewLength(newLength)
				.setCaller(caller.name()))
			.build());
		return new FileEntry(p.toString(), extended);
	}

	/**
	 * Deletes an empty directory, or moves a volume into the recycle bin for the retention
	 * time (its segments and data stay until it is purged).
	 * @param expected the kind the caller means, or FILE_TYPE_UNSPECIFIED for either
	 */
	public void delete(String path, FileType expected, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord file = read(tree -> tree.file(p));
		requireVisible(caller, file, p);
		requireClosed(file, p, "deleted");
		FileRecord deleted = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setDeleteFile(DeleteFileCommand.newBuilder()
				.setPath(p.toString())
				.setType(expected)
				.setCaller(caller.name())
				.setToRecycleBin(true)
				.setNowMs(System.currentTimeMillis())
				.setRetentionMs(this.retention.toMillis()))
			.build());
		if (deleted.getType() == FileType.VOLUME) {
			this.volumesDeleted.increment();
		}
	}

	/** The volumes in the recycle bin the caller may see, each with the path it was deleted from, in id order. */
	public List<FileEntry> recycled(Caller caller) {
		return read(tree -> tree.recycled()
			.stream()
			.filter(f -> caller.mayUse(f.getOwner()))
			.map(f -> new FileEntry(f.getRecycle().getPath(), f))
			.toList());
	}

	/**
	 * Puts the volume last deleted from {@code path} back there, with its data. Refused
	 * when something lives at the path again (VOLUME_EXISTS), its directory is gone, or its
	 * retention ended (VOLUME_PURGING).
	 */
	public FileEntry restore(String path, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord last = read(tree -> {
			List<FileRecord> deleted = recycledAt(tree, p, caller);
			return deleted.get(deleted.size() - 1);
		});
		FileRecord restored = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setRestoreFile(RestoreFileCommand.newBuilder()
				.setFileId(last.getId())
				.setCaller(caller.name())
				.setNowMs(System.currentTimeMillis()))
			.build());
		return new FileEntry(p.toString(), restored);
	}

	/**
	 * Purges every volume deleted from {@code path}, or with no path every one the caller
	 * may see: they can no longer be restored, and the leader deletes their chunks and then
	 * their records. Answers the volumes marked now.
	 */
	@SuppressWarnings("unchecked")
	public List<FileEntry> purge(String path, Caller caller) {
		NamespacePath p = path == null || path.isBlank() ? null : NamespacePath.parse(path);
		List<Long> ids = read(tree -> (p == null ? tree.recycled()
			.stream()
			.filter(f -> caller.mayUse(f.getOwner()))
			.toList() : recycledAt(tree, p, caller)).stream().map(FileRecord::getId).toList());
		if (ids.isEmpty()) {
			return List.of();
		}
		List<FileRecord> marked = (List<FileRecord>) this.raft.propose(MdsCommand.newBuilder()
			.setPurgeFiles(PurgeFilesCommand.newBuilder().addAllFileIds(ids).setCaller(caller.name()))
			.build());
		return marked.stream().map(f -> new FileEntry(f.getRecycle().getPath(), f)).toList();
	}

	/** Every volume of the recycle bin, for the leader's purge rounds. */
	public List<FileRecord> recycleBin() {
		return read(NamespaceTree::recycled);
	}

	/** Marks volumes whose retention ended for purging, as the leader finds them. */
	public void expire(List<Long> fileIds) {
		this.raft.propose(MdsCommand.newBuilder()
			.setPurgeFiles(PurgeFilesCommand.newBuilder().addAllFileIds(fileIds).setCaller(Caller.ROOT.name()))
			.build());
	}

	/** Drops the records of a volume being purged whose chunks are all deleted. */
	public void removePurged(long fileId) {
		this.raft.propose(MdsCommand.newBuilder().setRemoveFile(RemoveFileCommand.newBuilder().setFileId(fileId)).build());
	}

	/** Volumes deleted from a path, oldest first: NOT_IN_RECYCLE_BIN when none, NOT_OWNER when none is the caller's. */
	private static List<FileRecord> recycledAt(NamespaceTree tree, NamespacePath path, Caller caller) {
		List<FileRecord> all = tree.recycled()
			.stream()
			.filter(f -> f.getRecycle().getPath().equals(path.toString()))
			.sorted(Comparator.comparingLong((FileRecord f) -> f.getRecycle().getDeletedMs())
				.thenComparingLong(FileRecord::getId))
			.toList();
		if (all.isEmpty()) {
			throw new CurveException(ErrorCode.NOT_IN_RECYCLE_BIN, "no volume deleted from " + path
					+ " is in the recycle bin");
		}
		List<FileRecord> own = all.stream().filter(f -> caller.mayUse(f.getOwner())).toList();
		if (own.isEmpty()) {
			caller.requireOwner(all.get(0).getOwner(), "the volume deleted from " + path);
		}
		return own;
	}

	/**
	 * Replaces a volume's QoS limits, or clears them ({@code throttle} null). Allowed while
	 * the volume is open: its clients pick the change up at their next session refresh.
	 */
	public FileEntry setThrottle(long id, VolumeThrottle throttle, Caller caller) {
		FileEntry volume = byId(id, caller);
		if (volume.record().getType() != FileType.VOLUME) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME,
					volume.path() + " (id " + id + ") is a directory; only volumes have limits");
		}
		SetVolumeThrottleCommand.Builder command = SetVolumeThrottleCommand.newBuilder()
			.setFileId(id)
			.setCaller(caller.name());
		if (throttle != null) {
			command.setThrottle(throttle);
		}
		FileRecord updated = (FileRecord) this.raft
			.propose(MdsCommand.newBuilder().setSetVolumeThrottle(command).build());
		return new FileEntry(volume.path(), updated);
	}

	public Opened open(String path, String clientId, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord volume = read(tree -> tree.volume(p));
		requireVisible(caller, volume, p);
		if (volume.hasClone() && volume.getClone().getInfo().getStatus() == CloneStatus.WAITING_FOR_SOURCE) {
			throw new CurveException(ErrorCode.SNAPSHOT_NOT_READY, "clone " + p + " waits for its source snapshot '"
					+ volume.getClone().getInfo().getSnapshotName() + "' of " + volume.getClone().getInfo().getSourcePath()
					+ " to be copied to the object store; open it once that snapshot is DONE");
		}
		SessionRegistry.Session session = this.sessions.open(volume.getId(), clientId, volume.getSeqNum(), caller);
		// read again: a snapshot taken before the session was admitted did not wait for it
		FileRecord current = read(tree -> tree.byId(volume.getId()))
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "volume " + p + " was deleted"));
		if (current.getSeqNum() != volume.getSeqNum()) {
			this.sessions.opened(session.id(), current.getSeqNum());
		}
		return new Opened(new FileEntry(p.toString(), current), session);
	}

	/**
	 * Extends the caller's session, keeps the sequence number its client writes with now
	 * ({@code seqNum}, for the snapshots that wait on it) and returns the volume as it is
	 * now (size, sequence).
	 * The session is bound to the volume's id: a path that names another volume now (the
	 * volume was replaced) fails, never moves the session.
	 */
	public FileEntry refresh(String path, String sessionId, long seqNum, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord volume = read(tree -> tree.volume(p));
		requireVisible(caller, volume, p);
		this.sessions.refresh(volume.getId(), sessionId, seqNum, caller);
		return new FileEntry(p.toString(), volume);
	}

	public void close(String path, String sessionId, Caller caller) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord volume = read(tree -> tree.volume(p));
		requireVisible(caller, volume, p);
		this.sessions.close(volume.getId(), sessionId, caller);
	}

	/** An open volume keeps its path and its data: a client's writes never land in another volume. */
	private void requireClosed(FileRecord file, NamespacePath path, String what) {
		if (file.getType() == FileType.VOLUME && this.sessions.inUse(file.getId())) {
			throw new CurveException(ErrorCode.VOLUME_IN_USE,
					"volume " + path + " is open by a client and cannot be " + what
							+ "; close it (or let its session lease expire) first");
		}
	}

	/** The linked clones in the namespace (not the recycle bin), each with its path, in id order. */
	public List<FileEntry> linkedClones() {
		return read(tree -> tree.volumes()
			.stream()
			.filter(FileRecord::hasClone)
			.map(f -> new FileEntry(tree.pathOf(f).toString(), f))
			.toList());
	}

	/** The volume with this id; for callers that run inside their own linearizable read. */
	public FileRecord volumeById(long fileId) {
		return new NamespaceTree(this.store).byId(fileId)
			.filter(f -> f.getType() == FileType.VOLUME)
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no volume with id " + fileId));
	}

	public long sessionLeaseMillis() {
		return this.sessions.lease().toMillis();
	}

	/**
	 * A volume size: positive and at most {@link #MAX_VOLUME_SIZE}. That it is a whole
	 * number of the volume's segments is checked when the command applies, where the
	 * volume's geometry is known.
	 */
	static void checkSize(long length) {
		if (length <= 0) {
			throw new CurveException(ErrorCode.INVALID_SIZE, "size must be positive, a whole number of segments");
		}
		if (length > MAX_VOLUME_SIZE) {
			throw new CurveException(ErrorCode.INVALID_SIZE, "size " + length + " bytes is above the largest volume, "
					+ Sizes.format(MAX_VOLUME_SIZE) + " (" + MAX_VOLUME_SIZE + " bytes)");
		}
	}

	private FileEntry create(NamespacePath path, FileType type, long length, String owner, Caller caller) {
		CreateFileCommand command = CreateFileCommand.newBuilder()
			.setPath(path.toString())
			.setType(type)
			.setLength(length)
			.setOwner(ownerOf(owner, caller))
			.setCtimeMs(System.currentTimeMillis())
			.setCaller(caller.name())
			.build();
		FileRecord created = (FileRecord) this.raft.propose(MdsCommand.newBuilder().setCreateFile(command).build());
		return new FileEntry(path.toString(), created);
	}

	/** Root names any owner (default root); a user creates only for itself. */
	private static String ownerOf(String requested, Caller caller) {
		String owner = requested == null || requested.isBlank() ? null : requested.trim();
		if (caller.isRoot()) {
			return owner == null ? DEFAULT_OWNER : owner;
		}
		if (owner != null && !owner.equals(caller.name())) {
			throw new CurveException(ErrorCode.NOT_OWNER,
					caller.name() + " cannot create for owner '" + owner + "'; only root creates for other users");
		}
		return caller.name();
	}

	/** The root directory is everybody's; anything else only its owner's (and root's). */
	private static void requireVisible(Caller caller, FileRecord file, NamespacePath path) {
		if (file.getId() != NamespaceTree.ROOT_ID) {
			caller.requireOwner(file.getOwner(), path.toString());
		}
	}

	private <T> T read(Function<NamespaceTree, T> lookup) {
		return this.raft.read(() -> lookup.apply(new NamespaceTree(this.store)));
	}

}
