/**
 * A Raft log of Curve4J's own for jraft: one journal per process (per disk) that every
 * group on it shares, made of preallocated segment files, with group commit: the appends
 * of all groups waiting while a sync runs go out in the next write and one
 * {@code fdatasync}. {@link io.curve4j.common.raft.journal.RaftJournal} is the journal,
 * {@link io.curve4j.common.raft.journal.JournalLogStorage} one group's view of it as a
 * jraft {@code LogStorage}, {@link io.curve4j.common.raft.journal.RocksDbLogImport} the
 * move of a group's log from jraft's RocksDB into it. The format and the recovery rules are in
 * {@code docs/formats.md}, "Raft log journal".
 */
package io.curve4j.common.raft.journal;
