/**
 * Chunkserver configuration ({@code curve.chunkserver.*}) and the storage beans built from
 * it: the shared Raft server, the chunk file pool and the copyset registry.
 */
package io.curve4j.chunk.config;
