package io.curve4j.mds.namespace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.DentryKey;
import io.curve4j.mds.raft.MdsSchema.SegmentKey;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.mds.topology.PoolSegments;
import io.curve4j.proto.mds.v1.CreateFileCommand;
import io.curve4j.proto.mds.v1.DeleteFileCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.PurgeFilesCommand;
import io.curve4j.proto.mds.v1.RecycleRecord;
import io.curve4j.proto.mds.v1.RestoreFileCommand;
import io.curve4j.proto.mds.v1.SetVolumeThrottleCommand;

/**
 * Applies namespace changes. Paths and sizes were validated by the leader before
 * proposing; what depends on the stored tree (existence, emptiness, kinds) is checked
 * here, where every member sees the same tree.
 */
@Component
public class NamespaceCommands implements MdsCommandHandler {

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.CREATE_FILE, MdsCommand.CommandCase.RENAME_FILE,
				MdsCommand.CommandCase.EXTEND_VOLUME, MdsCommand.CommandCase.DELETE_FILE,
				MdsCommand.CommandCase.RESTORE_FILE, MdsCommand.CommandCase.PURGE_FILES,
				MdsCommand.CommandCase.REMOVE_FILE, MdsCommand.CommandCase.SET_VOLUME_THROTTLE);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		NamespaceTree tree = new NamespaceTree(tx);
		return switch (command.getCommandCase()) {
			case CREATE_FILE -> create(command.getCreateFile(), tx);
			case RENAME_FILE -> rename(NamespacePath.parse(command.getRenameFile().getPath()),
					NamespacePath.parse(command.getRenameFile().getNewPath()), command.getRenameFile().getCaller(),
					tree, tx);
			case EXTEND_VOLUME -> extend(NamespacePath.parse(command.getExtendVolume().getPath()),
					command.getExtendVolume().getNewLength(), command.getExtendVolume().getCaller(), tree, tx);
			case DELETE_FILE -> delete(command.getDeleteFile(), tree, tx);
			case RESTORE_FILE -> restore(command.getRestoreFile(), tree, tx);
			case PURGE_FILES -> purge(command.getPurgeFiles(), tree, tx);
			case REMOVE_FILE -> remove(command.getRemoveFile().getFileId(), tree, tx);
			case SET_VOLUME_THROTTLE -> setThrottle(command.getSetVolumeThrottle(), tree, tx);
			default -> throw new IllegalArgumentException(command.getCommandCase().name());
		};
	}

	/** Creates a file in a command's apply: the parent must exist and be the caller's, the name free. */
	public static FileRecord create(CreateFileCommand command, MdsTx tx) {
		NamespaceTree tree = new NamespaceTree(tx);
		NamespacePath path = NamespacePath.parse(command.getPath());
		if (path.isRoot()) {
			throw new CurveException(ErrorCode.FILE_EXISTS, "/ always exists");
		}
		FileRecord parent = tree.directory(path.parent());
		requireOwner(command.getCaller(), parent, path.parent());
		if (tree.child(parent.getId(), path.name()).isPresent()) {
			throw exists(command.getType(), path);
		}
		FileRecord.Builder file = FileRecord.newBuilder()
			.setParentId(parent.getId())
			.setName(path.name())
			.setType(command.getType())
			.setOwner(command.getOwner())
			.setLength(command.getLength())
			.setCtimeMs(command.getCtimeMs());
		if (command.getType() == FileType.VOLUME) {
			// the volume keeps the geometry of the pool its segments will come from
			Geometry geometry = Geometry.forNewVolumes(tx);
			geometry.checkSegmentAligned(command.getLength());
			// a volume's sequence numbers start at 1: a chunk's content_sn 0 means "never written"
			file.setChunkSize(geometry.chunkSize()).setSegmentSize(geometry.segmentSize()).setSeqNum(1);
		}
		FileRecord created = file.setId(tx.nextId("file")).build();
		put(created, tx);
		return created;
	}

	private FileRecord rename(NamespacePath from, NamespacePath to, String caller, NamespaceTree tree, MdsTx tx) {
		if (from.isRoot() || to.isRoot()) {
			throw new CurveException(ErrorCode.INVALID_PATH, "/ cannot be renamed or replaced");
		}
		FileRecord file = tree.file(from);
		requireOwner(caller, file, from);
		if (from.equals(to)) {
			return file;
		}
		if (file.getType() == FileType.DIRECTORY && to.isWithin(from)) {
			throw new CurveException(ErrorCode.INVALID_PATH, "cannot move directory " + from + " into itself (" + to + ")");
		}
		FileRecord newParent = tree.directory(to.parent());
		requireOwner(caller, newParent, to.parent());
		if (tree.child(newParent.getId(), to.name()).isPresent()) {
			throw exists(file.getType(), to);
		}
		tx.delete(MdsSchema.DENTRIES, new DentryKey(file.getParentId(), file.getName()));
		FileRecord renamed = file.toBuilder().setParentId(newParent.getId()).setName(to.name()).build();
		put(renamed, tx);
		return renamed;
	}

	private FileRecord extend(NamespacePath path, long newLength, String caller, NamespaceTree tree, MdsTx tx) {
		FileRecord volume = tree.volume(path);
		requireOwner(caller, volume, path);
		if (Long.compareUnsigned(newLength, volume.getLength()) <= 0) {
			throw new CurveException(ErrorCode.SIZE_NOT_LARGER,
					"an extend must grow the volume: " + path + " has " + volume.getLength() + " bytes, asked for "
							+ newLength);
		}
		Geometry.of(volume).checkSegmentAligned(newLength);
		FileRecord extended = volume.toBuilder().setLength(newLength).build();
		put(extended, tx);
		return extended;
	}

	private FileRecord setThrottle(SetVolumeThrottleCommand command, NamespaceTree tree, MdsTx tx) {
		FileRecord volume = tree.byId(command.getFileId())
			.filter(f -> f.getType() == FileType.VOLUME)
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no volume with id " + command.getFileId()));
		requireOwner(command.getCaller(), volume, tree.pathOf(volume));
		FileRecord.Builder updated = volume.toBuilder();
		if (command.hasThrottle()) {
			updated.setThrottle(command.getThrottle());
		}
		else {
			updated.clearThrottle();
		}
		tx.put(MdsSchema.FILES, volume.getId(), updated.build());
		return updated.build();
	}

	private FileRecord delete(DeleteFileCommand command, NamespaceTree tree, MdsTx tx) {
		NamespacePath path = NamespacePath.parse(command.getPath());
		if (path.isRoot()) {
			throw new CurveException(ErrorCode.INVALID_PATH, "/ cannot be deleted");
		}
		FileRecord file = switch (command.getType()) {
			case VOLUME -> tree.volume(path);
			case DIRECTORY -> tree.directory(path);
			default -> tree.file(path);
		};
		requireOwner(command.getCaller(), file, path);
		if (file.getType() == FileType.DIRECTORY && tree.hasChildren(file.getId())) {
			throw new CurveException(ErrorCode.DIRECTORY_NOT_EMPTY, "directory " + path + " is not empty");
		}
		if (file.getType() == FileType.VOLUME && CloneLinks.readVolume(tx, file.getId())) {
			// checked first: a clone's source snapshot cannot go before the clone, so VOLUME_HAS_SNAPSHOTS would hide why
			throw new CurveException(ErrorCode.VOLUME_HAS_CLONES, "volume " + path
					+ " is the source of clones that still read it; flatten or delete (and purge) them first");
		}
		if (file.getType() == FileType.VOLUME
				&& tx.list(MdsSchema.SNAPSHOTS).stream().anyMatch(s -> s.getVolumeId() == file.getId())) {
			// its snapshots read from its chunks while in the cluster and name it in the catalog
			throw new CurveException(ErrorCode.VOLUME_HAS_SNAPSHOTS,
					"volume " + path + " has snapshots; delete them first (GET /api/v1/snapshots?volume=" + path + ")");
		}
		tx.delete(MdsSchema.DENTRIES, new DentryKey(file.getParentId(), file.getName()));
		if (file.getType() == FileType.VOLUME && command.getToRecycleBin()) {
			// without its directory entry the volume is out of the namespace; its segments stay until the purge
			FileRecord recycled = file.toBuilder()
				.setRecycle(RecycleRecord.newBuilder()
					.setPath(path.toString())
					.setDeletedMs(command.getNowMs())
					.setExpiresMs(command.getNowMs() + command.getRetentionMs())
					.setPurging(command.getRetentionMs() == 0))
				.build();
			tx.put(MdsSchema.FILES, file.getId(), recycled);
			return recycled;
		}
		removeRecords(file, tx);
		return file;
	}

	private FileRecord restore(RestoreFileCommand command, NamespaceTree tree, MdsTx tx) {
		FileRecord file = tree.recycledById(command.getFileId())
			.orElseThrow(() -> new CurveException(ErrorCode.NOT_IN_RECYCLE_BIN,
					"no volume with id " + command.getFileId() + " in the recycle bin"));
		NamespacePath path = NamespacePath.parse(file.getRecycle().getPath());
		requireOwner(command.getCaller(), file, path);
		if (file.getRecycle().getPurging() || command.getNowMs() >= file.getRecycle().getExpiresMs()) {
			throw new CurveException(ErrorCode.VOLUME_PURGING,
					"volume " + path + " (id " + file.getId() + ") is past its retention and being purged");
		}
		FileRecord parent = tree.directory(path.parent());
		requireOwner(command.getCaller(), parent, path.parent());
		if (tree.child(parent.getId(), path.name()).isPresent()) {
			throw new CurveException(ErrorCode.VOLUME_EXISTS, path + " exists again since volume " + file.getId()
					+ " was deleted; rename or delete it before restoring");
		}
		FileRecord restored = file.toBuilder().clearRecycle().setParentId(parent.getId()).build();
		put(restored, tx);
		return restored;
	}

	/** Marks volumes of the recycle bin for purging; those gone or already marked are skipped (a retried purge). */
	private List<FileRecord> purge(PurgeFilesCommand command, NamespaceTree tree, MdsTx tx) {
		List<FileRecord> marked = new ArrayList<>();
		for (long id : command.getFileIdsList()) {
			Optional<FileRecord> file = tree.recycledById(id);
			if (file.isEmpty()) {
				continue;
			}
			requireOwner(command.getCaller(), file.get(), NamespacePath.parse(file.get().getRecycle().getPath()));
			FileRecord purging = file.get().toBuilder()
				.setRecycle(file.get().getRecycle().toBuilder().setPurging(true))
				.build();
			tx.put(MdsSchema.FILES, id, purging);
			marked.add(purging);
		}
		return marked;
	}

	/** Drops a purged volume's records; only after its chunks are gone, so only one marked for purging. */
	private FileRecord remove(long fileId, NamespaceTree tree, MdsTx tx) {
		FileRecord file = tree.recycledById(fileId)
			.filter(f -> f.getRecycle().getPurging())
			.orElseThrow(() -> new CurveException(ErrorCode.NOT_IN_RECYCLE_BIN,
					"no volume with id " + fileId + " being purged"));
		removeRecords(file, tx);
		return file;
	}

	/** Drops a file with its segments, giving the segments back to their pools; its directory entry is gone already. */
	private static void removeRecords(FileRecord file, MdsTx tx) {
		List<SegmentKey> segments = new ArrayList<>();
		Map<Integer, Long> freedByPool = new HashMap<>();
		tx.scan(MdsSchema.SEGMENTS, MdsSchema.segmentsOf(file.getId()), (k, v) -> {
			segments.add(k);
			freedByPool.merge(v.getLogicalPoolId(), 1L, Long::sum);
		});
		freedByPool.forEach((poolId, freed) -> tx.get(MdsSchema.LOGICAL_POOLS, poolId)
			.ifPresent(pool -> tx.put(MdsSchema.LOGICAL_POOLS, poolId, pool.toBuilder()
				.setAllocatedSegments(Math.max(0, PoolSegments.allocated(tx, pool) - freed))
				.build())));
		segments.forEach(k -> tx.delete(MdsSchema.SEGMENTS, k));
		tx.delete(MdsSchema.FILES, file.getId());
	}

	/**
	 * A command's caller must own what it touches; the root directory is everybody's. An
	 * empty caller (entries from before users existed) is not checked.
	 */
	private static void requireOwner(String caller, FileRecord file, NamespacePath path) {
		if (!caller.isEmpty() && file.getId() != NamespaceTree.ROOT_ID) {
			new Caller(caller).requireOwner(file.getOwner(), path.toString());
		}
	}

	private static void put(FileRecord file, MdsTx tx) {
		tx.put(MdsSchema.FILES, file.getId(), file);
		tx.put(MdsSchema.DENTRIES, new DentryKey(file.getParentId(), file.getName()), file.getId());
	}

	private static CurveException exists(FileType type, NamespacePath path) {
		return type == FileType.VOLUME ? new CurveException(ErrorCode.VOLUME_EXISTS, "volume " + path + " exists")
				: new CurveException(ErrorCode.FILE_EXISTS, path + " exists");
	}

}
