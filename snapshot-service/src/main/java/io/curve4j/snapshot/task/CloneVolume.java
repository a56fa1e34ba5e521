package io.curve4j.snapshot.task;

/**
 * A linked clone open for its flatten (the SDK's {@code Volume}, opened as root).
 * Failures are {@code CurveException}s.
 */
public interface CloneVolume extends AutoCloseable {

	/** The id of the volume that was opened: another than the task's means the clone was deleted and its path reused. */
	long volumeId();

	/** Copies into chunk {@code chunkIndex} every page of the source that the clone never wrote. Idempotent. */
	void flattenChunk(long chunkIndex);

	@Override
	void close();

	/** Opens the volume at {@code volumePath}. */
	@FunctionalInterface
	interface Opener {

		CloneVolume open(String volumePath);

	}

}
