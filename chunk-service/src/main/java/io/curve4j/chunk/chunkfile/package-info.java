/**
 * Chunk files on disk: the 4 KiB header format, the pool of pre-allocated files, the
 * chunks' snapshot copies (copy-on-write for volume snapshots) and the per-copyset
 * {@code ChunkStore}. Knows nothing of Raft; the copyset applies its log here.
 */
package io.curve4j.chunk.chunkfile;
