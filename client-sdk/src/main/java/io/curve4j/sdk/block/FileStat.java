package io.curve4j.sdk.block;

import java.time.Instant;
import java.util.List;

import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FileType;

/**
 * A directory or volume of the namespace as the MDS describes it.
 *
 * @param path absolute path
 * @param id file id (stable across renames)
 * @param parentId id of the parent directory
 * @param type directory or volume
 * @param owner owner name
 * @param length size in bytes (volumes; a whole number of segments)
 * @param chunkSize bytes per chunk
 * @param segmentSize bytes per segment (unit of allocation)
 * @param seqNum sequence number, raised by snapshots
 * @param created creation time
 * @param throttle the volume's QoS limits ({@link Throttle#NONE} when it has none)
 * @param snapshotSeqs sequence numbers of the volume's snapshots held in the cluster (at
 * most one; empty when none)
 */
public record FileStat(String path, long id, long parentId, Type type, String owner, long length, int chunkSize,
		long segmentSize, long seqNum, Instant created, Throttle throttle, List<Long> snapshotSeqs) {

	public FileStat {
		snapshotSeqs = List.copyOf(snapshotSeqs);
	}

	public enum Type {

		DIRECTORY, VOLUME

	}

	public boolean isDirectory() {
		return this.type == Type.DIRECTORY;
	}

	static FileStat of(FileInfo info) {
		Type type = info.getType() == FileType.DIRECTORY ? Type.DIRECTORY : Type.VOLUME;
		return new FileStat(info.getPath(), info.getId(), info.getParentId(), type, info.getOwner(), info.getLength(),
				info.getChunkSize(), info.getSegmentSize(), info.getSeqNum(), Instant.ofEpochMilli(info.getCtime()),
				Throttle.of(info.getThrottle()), info.getSnapshotSeqsList());
	}

	/** {@code info} listed in directory {@code dir}, whose path the MDS may leave out of list entries. */
	static FileStat of(FileInfo info, String dir) {
		FileStat stat = of(info);
		if (!stat.path().isEmpty()) {
			return stat;
		}
		String path = dir.endsWith("/") ? dir + info.getName() : dir + "/" + info.getName();
		return new FileStat(path, stat.id(), stat.parentId(), stat.type(), stat.owner(), stat.length(),
				stat.chunkSize(), stat.segmentSize(), stat.seqNum(), stat.created(), stat.throttle(), stat.snapshotSeqs());
	}

	/** Last path element. */
	public String name() {
		int slash = this.path.lastIndexOf('/');
		return slash < 0 || this.path.equals("/") ? this.path : this.path.substring(slash + 1);
	}

}
