package io.curve4j.common.raft;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a state machine puts its state into a Raft snapshot and takes it back: the one place
 * a group's snapshot format is decided. jraft copies the listed files to members that
 * need them, by name, so names are flat (no directories).
 */
public interface SnapshotStore {

	/**
	 * Writes the state as of the last applied entry into dir (which exists and is empty).
	 * Runs on the state machine's thread, so no entry is applied meanwhile.
	 * @return the names of the files in dir that make up the snapshot
	 */
	List<String> save(Path dir) throws IOException;

	/**
	 * Replaces the state with a snapshot saved by {@link #save}.
	 * @param dir where the snapshot's files are
	 * @param files the names {@link #save} listed
	 * @param lastIncludedIndex index of the last entry the snapshot holds
	 * @return index of the last entry the state now holds (at least lastIncludedIndex)
	 */
	long load(Path dir, List<String> files, long lastIncludedIndex) throws IOException;

	/**
	 * Whether a file {@link #save} listed may change after the save (one linked to live
	 * data rather than written for the snapshot). Every other file gets a checksum when
	 * saved that is verified before {@link #load}, on the member that saved it and on one
	 * that installed it from another; a file that may change must carry its own checks.
	 */
	default boolean mayChangeAfterSave(String name) {
		return false;
	}

	/**
	 * For groups whose state need not survive in snapshots (a load generator's): saving
	 * fails, so jraft keeps the whole log; with the snapshot interval at zero it never asks.
	 */
	static SnapshotStore none() {
		return new SnapshotStore() {
			@Override
			public List<String> save(Path dir) throws IOException {
				throw new IOException("this group takes no snapshots");
			}

			@Override
			public long load(Path dir, List<String> files, long lastIncludedIndex) throws IOException {
				throw new IOException("this group takes no snapshots");
			}
		};
	}

}
