package io.curve4j.common.raft;

/**
 * Where the groups of a {@link RaftHost} keep their Raft logs. A group's log stays where it
 * was written: a group refuses to start on the other store (its {@code log/} directory
 * tells which one it used).
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
