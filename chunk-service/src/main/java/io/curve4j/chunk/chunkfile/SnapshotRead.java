package io.curve4j.chunk.chunkfile;

/**
 * What a read of a chunk at a volume snapshot found.
 *
 * @param read the bytes, checked page by page (zeros when the chunk did not exist then)
 * @param contentSn the sequence number of the last write to the chunk before the
 * snapshot; 0 when the chunk did not exist then
 */
public record SnapshotRead(CheckedRead read, long contentSn) {
}
