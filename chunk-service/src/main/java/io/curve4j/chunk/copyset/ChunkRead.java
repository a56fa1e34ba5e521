package io.curve4j.chunk.copyset;

/**
 * One range of one chunk to read.
 *
 * @param chunkId the chunk
 * @param offset byte offset inside the chunk, a multiple of 512
 * @param length bytes, a positive multiple of 512
 */
public record ChunkRead(long chunkId, long offset, int length) {
}
