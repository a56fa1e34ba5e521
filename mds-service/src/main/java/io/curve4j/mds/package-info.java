/**
 * The metadata server (MDS) application: topology, namespace, segments, sessions,
 * heartbeats and scheduling, each in its own package, over one Raft group whose state is
 * a RocksDB database ({@code io.curve4j.mds.raft}).
 */
package io.curve4j.mds;
