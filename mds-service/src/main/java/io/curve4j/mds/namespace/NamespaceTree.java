package io.curve4j.mds.namespace;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsReader;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.DentryKey;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;

/**
 * Path lookups over the stored tree: files by id, directory entries by (parent id,
 * name). The root is implicit (id 0) and always exists.
 */
final class NamespaceTree {

	static final long ROOT_ID = 0;

	static final FileRecord ROOT = FileRecord.newBuilder()
		.setId(ROOT_ID)
		.setParentId(ROOT_ID)
		.setType(FileType.DIRECTORY)
		.setOwner("root")
		.build();

	private final MdsReader db;

	NamespaceTree(MdsReader db) {
		this.db = db;
	}

	/** A file of the namespace by id; volumes in the recycle bin are not in the namespace. */
	Optional<FileRecord> byId(long id) {
		return id == ROOT_ID ? Optional.of(ROOT) : this.db.get(MdsSchema.FILES, id).filter(f -> !f.hasRecycle());
	}

	/** A volume in the recycle bin by id. */
	Optional<FileRecord> recycledById(long id) {
		return this.db.get(MdsSchema.FILES, id).filter(FileRecord::hasRecycle);
	}

	/** Every volume in the recycle bin, in id order. */
	List<FileRecord> recycled() {
		return this.db.list(MdsSchema.FILES).stream().filter(FileRecord::hasRecycle).toList();
	}

	/**
	 * The file at path, if any; fails when a directory on the way is missing or is a
	 * volume.
	 */
	Optional<FileRecord> find(NamespacePath path) {
		FileRecord current = ROOT;
		NamespacePath walked = NamespacePath.ROOT;
		for (int i = 0; i < path.names().size(); i++) {
			if (current.getType() != FileType.DIRECTORY) {
				throw new CurveException(ErrorCode.NOT_A_DIRECTORY, walked + " is a volume, not a directory");
			}
			String name = path.names().get(i);
			Optional<FileRecord> child = child(current.getId(), name);
			if (child.isEmpty()) {
				if (i < path.names().size() - 1) {
					throw new CurveException(ErrorCode.DIRECTORY_NOT_FOUND,
							"directory " + walked.child(name) + " does not exist");
				}
				return Optional.empty();
			}
			current = child.get();
			walked = walked.child(name);
		}
		return Optional.of(current);
	}

	FileRecord directory(NamespacePath path) {
		FileRecord f = find(path).orElseThrow(
				() -> new CurveException(ErrorCode.DIRECTORY_NOT_FOUND, "directory " + path + " does not exist"));
		if (f.getType() != FileType.DIRECTORY) {
			throw new CurveException(ErrorCode.NOT_A_DIRECTORY, path + " is a volume, not a directory");
		}
		return f;
	}

	FileRecord volume(NamespacePath path) {
		FileRecord f = file(path);
		if (f.getType() != FileType.VOLUME) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, path + " is a directory, not a volume");
		}
		return f;
	}

	/** A file or directory that must exist. */
	FileRecord file(NamespacePath path) {
		return find(path)
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no volume or directory " + path));
	}

	Optional<FileRecord> child(long parentId, String name) {
		return this.db.get(MdsSchema.DENTRIES, new DentryKey(parentId, name)).flatMap(this::byId);
	}

	/** Children of a directory, in name order (UTF-8 byte order). */
	List<FileRecord> children(long directoryId) {
		List<FileRecord> children = new ArrayList<>();
		this.db.scan(MdsSchema.DENTRIES, MdsSchema.childrenOf(directoryId), (k, id) -> byId(id).ifPresent(children::add));
		return children;
	}

	/** Every volume, in id order. */
	List<FileRecord> volumes() {
		return this.db.list(MdsSchema.FILES)
			.stream()
			.filter(f -> f.getType() == FileType.VOLUME && !f.hasRecycle())
			.toList();
	}

	/** The path a stored file is reached by, walking up its parents. */
	NamespacePath pathOf(FileRecord file) {
		LinkedList<String> names = new LinkedList<>();
		FileRecord current = file;
		while (current.getId() != ROOT_ID) {
			names.addFirst(current.getName());
			long parentId = current.getParentId();
			current = byId(parentId).orElseThrow(() -> new IllegalStateException("file " + file.getId()
					+ " has a missing ancestor " + parentId));
		}
		return new NamespacePath(names);
	}

	boolean hasChildren(long directoryId) {
		boolean[] any = { false };
		this.db.scan(MdsSchema.DENTRIES, MdsSchema.childrenOf(directoryId), (k, v) -> any[0] = true);
		return any[0];
	}

}
