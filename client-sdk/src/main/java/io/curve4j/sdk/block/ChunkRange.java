package io.curve4j.sdk.block;

/**
 * One sub-request of an I/O: a byte range inside a single chunk.
 *
 * @param segmentOffset volume offset of the segment holding the chunk
 * @param chunkInSegment index of the chunk inside its segment
 * @param offsetInChunk first byte inside the chunk
 * @param length bytes
 * @param bufferOffset where the range starts in the caller's buffer
 */
public record ChunkRange(long segmentOffset, int chunkInSegment, int offsetInChunk, int length, int bufferOffset) {
}
