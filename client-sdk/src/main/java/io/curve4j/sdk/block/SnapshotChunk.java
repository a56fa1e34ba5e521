package io.curve4j.sdk.block;

/**
 * A whole chunk as it was at a volume snapshot ({@link VolumeSnapshot#readChunk}).
 *
 * @param contentSn the sequence number of the last write to the chunk before the
 * snapshot; 0 when the chunk did not exist then
 * @param data the chunk's bytes, all zeros when {@code contentSn} is 0
 */
public record SnapshotChunk(long contentSn, byte[] data) {
}
