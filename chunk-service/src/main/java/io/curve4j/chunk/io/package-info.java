/**
 * The client data path ({@code curve.chunk.v1.ChunkService}): writes and deletes through
 * the copyset leader's log, reads on the leader under its lease.
 */
package io.curve4j.chunk.io;
