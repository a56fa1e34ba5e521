package io.curve4j.mds.namespace;

import java.util.List;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.session.SessionRegistry;
import io.curve4j.proto.mds.v1.CreateFileCommand;
import io.curve4j.proto.mds.v1.DeleteFileCommand;
import io.curve4j.proto.mds.v1.ExtendVolumeCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.RenameFileCommand;

/**
 * Directories and volumes, for the REST and gRPC edges alike. Input that needs no
 * stored state (paths, sizes) is checked here before anything is proposed; reads are
 * linearizable through the Raft group.
 */
@Service
public class Namespace {

	/** Owner recorded when a request names none. */
	public static final String DEFAULT_OWNER = "root";

	/** An open volume: the file and the session that holds it. */
	public record Opened(FileEntry file, SessionRegistry.Session session) {
	}

	private final MdsRaft raft;

	private final MdsStore store;

	private final SessionRegistry sessions;

	private final Counter volumesCreated;

	private final Counter volumesDeleted;

	public Namespace(MdsRaft raft, MdsStore store, SessionRegistry sessions, MeterRegistry meters) {
		this.raft = raft;
		this.store = store;
		this.sessions = sessions;
		this.volumesCreated = Counter.builder("curve.mds.volumes.added").register(meters);
		this.volumesDeleted = Counter.builder("curve.mds.volumes.removed").register(meters);
	}

	public FileEntry createDirectory(String path, String owner) {
		return create(NamespacePath.parse(path), FileType.DIRECTORY, 0, owner);
	}

	public FileEntry createVolume(String path, long length, String owner) {
		NamespacePath p = NamespacePath.parse(path);
		checkSize(length);
		FileEntry created = create(p, FileType.VOLUME, length, owner);
		this.volumesCreated.increment();
		return created;
	}

	public FileEntry stat(String path) {
		NamespacePath p = NamespacePath.parse(path);
		return new FileEntry(p.toString(), read(tree -> tree.file(p)));
	}

	/** Entries of a directory in name order. */
	public List<FileEntry> list(String path) {
		NamespacePath p = NamespacePath.parse(path);
		return read(tree -> tree.children(tree.directory(p).getId())).stream()
			.map(f -> new FileEntry(p.child(f.getName()).toString(), f))
			.toList();
	}

	public FileEntry rename(String path, String newPath) {
		NamespacePath from = NamespacePath.parse(path);
		NamespacePath to = NamespacePath.parse(newPath);
		FileRecord renamed = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setRenameFile(RenameFileCommand.newBuilder().setPath(from.toString()).setNewPath(to.toString()))
			.build());
		return new FileEntry(to.toString(), renamed);
	}

	public FileEntry extend(String path, long newLength) {
		NamespacePath p = NamespacePath.parse(path);
		checkSize(newLength);
		FileRecord extended = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setExtendVolume(ExtendVolumeCommand.newBuilder().setPath(p.toString()).setNewLength(newLength))
			.build());
		return new FileEntry(p.toString(), extended);
	}

	/**
	 * Deletes a volume (with its segment mappings) or an empty directory.
	 * @param expected the kind the caller means, or FILE_TYPE_UNSPECIFIED for either
	 */
	public void delete(String path, FileType expected) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord file = read(tree -> tree.file(p));
		if (file.getType() == FileType.VOLUME && this.sessions.inUse(file.getId())) {
			throw new CurveException(ErrorCode.VOLUME_IN_USE,
					"volume " + p + " is open by a client; close it (or let its session lease expire) first");
		}
		FileRecord deleted = (FileRecord) this.raft.propose(MdsCommand.newBuilder()
			.setDeleteFile(DeleteFileCommand.newBuilder().setPath(p.toString()).setType(expected))
			.build());
		if (deleted.getType() == FileType.VOLUME) {
			this.volumesDeleted.increment();
		}
	}

	public Opened open(String path, String clientId) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord volume = read(tree -> tree.volume(p));
		return new Opened(new FileEntry(p.toString(), volume), this.sessions.open(volume.getId(), clientId));
	}

	/** Extends the session's lease and returns the volume as it is now (size, sequence). */
	public FileEntry refresh(String path, String sessionId) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord volume = read(tree -> tree.volume(p));
		this.sessions.refresh(volume.getId(), sessionId);
		return new FileEntry(p.toString(), volume);
	}

	public void close(String path, String sessionId) {
		NamespacePath p = NamespacePath.parse(path);
		FileRecord volume = read(tree -> tree.volume(p));
		this.sessions.close(volume.getId(), sessionId);
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

	/** A volume size: positive and a whole number of segments. */
	static void checkSize(long length) {
		if (length <= 0) {
			throw new CurveException(ErrorCode.INVALID_SIZE,
					"size must be positive, a whole number of " + Sizes.format(Sizes.SEGMENT_SIZE) + " segments");
		}
		if (length % Sizes.SEGMENT_SIZE != 0) {
			throw new CurveException(ErrorCode.SIZE_NOT_SEGMENT_ALIGNED, "size " + length + " bytes ("
					+ Sizes.format(length) + ") is not a whole number of " + Sizes.format(Sizes.SEGMENT_SIZE)
					+ " segments; round up to " + Sizes.format((length / Sizes.SEGMENT_SIZE + 1) * Sizes.SEGMENT_SIZE));
		}
	}

	private FileEntry create(NamespacePath path, FileType type, long length, String owner) {
		CreateFileCommand command = CreateFileCommand.newBuilder()
			.setPath(path.toString())
			.setType(type)
			.setLength(length)
			.setOwner(owner == null || owner.isBlank() ? DEFAULT_OWNER : owner.trim())
			.setCtimeMs(System.currentTimeMillis())
			.build();
		FileRecord created = (FileRecord) this.raft.propose(MdsCommand.newBuilder().setCreateFile(command).build());
		return new FileEntry(path.toString(), created);
	}

	private <T> T read(Function<NamespaceTree, T> lookup) {
		return this.raft.read(() -> lookup.apply(new NamespaceTree(this.store)));
	}

}
