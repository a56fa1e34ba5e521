package io.curve4j.common.raft;

/**
 * Where the groups of a {@link RaftHost} keep their Raft logs. A group's {@code log/}
 * directory tells which one it used: a RocksDB log found by a host with a journal is
 * copied into the journal at the group's start; a log in a journal found by a host without
 * one fails the start (no way back).
 */
public enum RaftLogStore {

	/** jraft's own: a RocksDB per group, under the group's {@code log/} directory. */
	ROCKSDB,

	/**
	 * One {@link io.curve4j.common.raft.journal.RaftJournal} shared by every group of the
	 * host, whose appends share their syncs.
	 */
	JOURNAL

}
