/**
 * The one MDS Raft group: its lifecycle ({@code MdsRaft}), the state machine that applies
 * {@code MdsCommand}s to RocksDB ({@code MdsStateMachine}), the database schema
 * ({@code MdsSchema}) and the member address map. Every capability's persistent state
 * lives in the column families listed in {@code MdsSchema} and changes only through
 * this group.
 */
package io.curve4j.mds.raft;
