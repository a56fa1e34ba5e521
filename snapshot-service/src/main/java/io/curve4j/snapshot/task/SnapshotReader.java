package io.curve4j.snapshot.task;

/**
 * A volume's chunks as they were at a snapshot, read from the cluster (the SDK's
 * {@code VolumeSnapshot}). Failures are {@code CurveException}s.
 */
public interface SnapshotReader extends AutoCloseable {

	long chunkCount();

	int chunkSize();

	/** The sequence number of the chunk's last write before the snapshot; 0 when the chunk did not exist (zeros). */
	long contentSn(long chunkIndex);

	/** The chunk's bytes at the snapshot, {@link #chunkSize()} of them. */
	byte[] readChunk(long chunkIndex);

	/** Ends the in-cluster snapshot on every chunk: the chunkservers drop their snapshot copies. */
	void deleteChunkCopies();

	@Override
	void close();

	/** Opens the snapshot {@code seq} of the volume at {@code volumePath}. */
	@FunctionalInterface
	interface Opener {

		SnapshotReader open(String volumePath, long seq);

	}

}
