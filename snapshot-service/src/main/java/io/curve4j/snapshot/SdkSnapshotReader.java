package io.curve4j.snapshot;

import io.curve4j.sdk.block.VolumeSnapshot;
import io.curve4j.snapshot.task.SnapshotReader;

/** A snapshot read from the chunkservers through the SDK. */
final class SdkSnapshotReader implements SnapshotReader {

	private final VolumeSnapshot snapshot;

	SdkSnapshotReader(VolumeSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	@Override
	public long chunkCount() {
		return this.snapshot.chunkCount();
	}

	@Override
	public int chunkSize() {
		return this.snapshot.chunkSize();
	}

	@Override
	public long contentSn(long chunkIndex) {
		return this.snapshot.contentSn(chunkIndex);
	}

	@Override
	public byte[] readChunk(long chunkIndex) {
		return this.snapshot.readChunk(chunkIndex).data();
	}

	@Override
	public void deleteChunkCopies() {
		this.snapshot.deleteChunkCopies();
	}

	@Override
	public void close() {
		this.snapshot.close();
	}

}
