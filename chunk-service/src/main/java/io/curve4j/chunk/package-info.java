/**
 * The chunkserver application: hosts copysets (one sofa-jraft group each on one shared
 * Raft server), serves chunk I/O and copyset membership over gRPC and reports to the MDS.
 */
package io.curve4j.chunk;
