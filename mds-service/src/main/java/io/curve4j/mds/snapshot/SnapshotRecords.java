package io.curve4j.mds.snapshot;

import java.util.Comparator;
import java.util.List;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsReader;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.proto.mds.v1.SnapshotInfo;

/**
 * Lookups in the snapshot records ({@link MdsSchema#SNAPSHOTS}), for the leader's reads and
 * the commands' applies alike. The catalog is small (at most
 * {@code curve.mds.snapshot.max-per-volume} per volume), so a volume's snapshots are found
 * by scanning all of them.
 */
public final class SnapshotRecords {

	/** Oldest first; the id breaks ties of one millisecond. */
	static final Comparator<SnapshotInfo> OLDEST_FIRST = Comparator.comparingLong(SnapshotInfo::getCreatedMs)
		.thenComparing(SnapshotInfo::getId);

	private SnapshotRecords() {
	}

	/** The snapshots of one volume, oldest first. */
	static List<SnapshotInfo> ofVolume(MdsReader db, long fileId) {
		return db.list(MdsSchema.SNAPSHOTS).stream().filter(s -> s.getVolumeId() == fileId).sorted(OLDEST_FIRST).toList();
	}

	static SnapshotInfo require(MdsReader db, String id) {
		return db.get(MdsSchema.SNAPSHOTS, id)
			.orElseThrow(() -> new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND, "no snapshot with id " + id));
	}

	/** Chunks the snapshot covers: its length in whole chunks. */
	static long chunkCount(SnapshotInfo snapshot) {
		long chunkSize = snapshot.getChunkSize();
		return chunkSize == 0 ? 0 : (snapshot.getLength() + chunkSize - 1) / chunkSize;
	}

}
