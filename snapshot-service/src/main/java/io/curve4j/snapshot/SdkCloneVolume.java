package io.curve4j.snapshot;

import io.curve4j.sdk.block.Volume;
import io.curve4j.snapshot.task.CloneVolume;

/** A clone flattened through the SDK: {@code RecoverChunk} on its chunkservers. */
final class SdkCloneVolume implements CloneVolume {

	private final Volume volume;

	SdkCloneVolume(Volume volume) {
		this.volume = volume;
	}

	@Override
	public long volumeId() {
		return this.volume.stat().id();
	}

	@Override
	public void flattenChunk(long chunkIndex) {
		this.volume.flattenChunk(chunkIndex);
	}

	@Override
	public void close() {
		this.volume.close();
	}

}
