package io.curve4j.mds.namespace;

import java.util.stream.Stream;

import io.curve4j.mds.raft.MdsReader;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.proto.mds.v1.FileRecord;

/**
 * Which volumes are clones linked to a source ({@code FileRecord.clone}), for the
 * refusals that keep a source while a clone reads it. A linked clone in the recycle bin
 * still counts: it may be restored, and holds its source until it is purged. Found by
 * scanning the files, as the snapshot catalog scans its records: no index to keep right.
 */
public final class CloneLinks {

	private CloneLinks() {
	}

	/** Every linked clone, in the namespace or the recycle bin, in id order. */
	public static Stream<FileRecord> linked(MdsReader db) {
		return db.list(MdsSchema.FILES).stream().filter(FileRecord::hasClone);
	}

	/** Whether a linked clone reads a snapshot of this volume. */
	public static boolean readVolume(MdsReader db, long volumeId) {
		return linked(db).anyMatch(f -> f.getClone().getInfo().getSourceVolumeId() == volumeId);
	}

	/** Whether a linked clone other than {@code exceptFileId} reads this snapshot. */
	public static boolean readSnapshot(MdsReader db, String snapshotId, long exceptFileId) {
		return linked(db)
			.anyMatch(f -> f.getId() != exceptFileId && f.getClone().getInfo().getSnapshotId().equals(snapshotId));
	}

}
