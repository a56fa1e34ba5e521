package io.curve4j.sdk.block;

import java.time.Instant;
import java.util.List;

import io.curve4j.proto.mds.v1.CloneInfo;
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
 * @param cloneLink the link to its source while the volume is a clone that reads it; null
 * otherwise (never a clone, or flattened)
 */
public record FileStat(String path, long id, long parentId, Type type, String owner, long length, int chunkSize,
		long segmentSize, long seqNum, Instant created, Throttle throttle, List<Long> snapshotSeqs, Clone cloneLink) {

	public FileStat {
		snapshotSeqs = List.copyOf(snapshotSeqs);
	}

	public enum Type {

		DIRECTORY, VOLUME

	}

	/** Where a clone's status stands on the way to reading nothing from its source. */
	public enum CloneStatus {

		/** Cloned from a volume: the snapshot taken for it is still being copied; it cannot be opened yet. */
		WAITING_FOR_SOURCE,
		/** Usable: its chunks read the source until written. */
		LAZY,
		/** Usable, and the snapshot service is copying the rest of the source into it. */
		FLATTENING

	}

	/**
	 * A clone's link to its source snapshot.
	 * @param sourcePath the source volume's path when the clone was made
	 * @param snapshotName the source snapshot's name ({@code clone-<id>} for a clone of a volume)
	 * @param nextChunk while FLATTENING: the chunks below it no longer need the source
	 * @param sourceChunks chunks of the source snapshot
	 */
	public record Clone(String sourcePath, long sourceVolumeId, String snapshotId, String snapshotName,
			CloneStatus status, long nextChunk, long sourceChunks) {

		/** Percent of the source's chunks flattened (0 unless FLATTENING). */
		public int progress() {
			return this.sourceChunks == 0 ? 100 : (int) (100 * this.nextChunk / this.sourceChunks);
		}

		static Clone of(CloneInfo info) {
			CloneStatus status = switch (info.getStatus()) {
				case WAITING_FOR_SOURCE -> CloneStatus.WAITING_FOR_SOURCE;
				case FLATTENING -> CloneStatus.FLATTENING;
				default -> CloneStatus.LAZY;
			};
			return new Clone(info.getSourcePath(), info.getSourceVolumeId(), info.getSnapshotId(),
					info.getSnapshotName(), status, info.getNextChunk(), info.getSourceChunks());
		}

	}

	public boolean isDirectory() {
		return this.type == Type.DIRECTORY;
	}

	static FileStat of(FileInfo info) {
		Type type = info.getType() == FileType.DIRECTORY ? Type.DIRECTORY : Type.VOLUME;
		return new FileStat(info.getPath(), info.getId(), info.getParentId(), type, info.getOwner(), info.getLength(),
				info.getChunkSize(), info.getSegmentSize(), info.getSeqNum(), Instant.ofEpochMilli(info.getCtime()),
				Throttle.of(info.getThrottle()), info.getSnapshotSeqsList(),
				info.hasClone() ? Clone.of(info.getClone()) : null);
	}

	/** {@code info} listed in directory {@code dir}, whose path the MDS may leave out of list entries. */
	static FileStat of(FileInfo info, String dir) {
		FileStat stat = of(info);
		if (!stat.path().isEmpty()) {
			return stat;
		}
		String path = dir.endsWith("/") ? dir + info.getName() : dir + "/" + info.getName();
		return new FileStat(path, stat.id(), stat.parentId(), stat.type(), stat.owner(), stat.length(),
				stat.chunkSize(), stat.segmentSize(), stat.seqNum(), stat.created(), stat.throttle(), stat.snapshotSeqs(),
				stat.cloneLink());
	}

	/** Last path element. */
	public String name() {
		int slash = this.path.lastIndexOf('/');
		return slash < 0 || this.path.equals("/") ? this.path : this.path.substring(slash + 1);
	}

}
