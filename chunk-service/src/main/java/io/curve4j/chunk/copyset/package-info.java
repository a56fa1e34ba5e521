/**
 * Copysets: each a Raft group ({@code copyset-<pool>-<id>}) whose log of
 * {@code curve.raft.v1.ChunkCommand}s is applied to one {@code ChunkStore}, and the
 * registry that creates them (for the heartbeat) and reloads them from disk on start.
 */
package io.curve4j.chunk.copyset;
