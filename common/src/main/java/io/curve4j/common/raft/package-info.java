/**
 * The Raft layer every replicated state is built on, over sofa-jraft, which no other
 * package imports: one {@link io.curve4j.common.raft.RaftHost} per process (the shared
 * Raft RPC server and threads), a {@link io.curve4j.common.raft.RaftGroup} per group
 * (proposals, linearizable reads, membership), and the
 * {@link io.curve4j.common.raft.CommandStateMachine} base with its
 * {@link io.curve4j.common.raft.SnapshotStore} that services extend. The groups' Raft
 * logs are jraft's RocksDB per group or one journal per host
 * ({@link io.curve4j.common.raft.RaftLogStore}).
 */
package io.curve4j.common.raft;
