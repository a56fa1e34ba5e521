package io.curve4j.common.raft.journal;

import java.util.ArrayList;
import java.util.List;

/**
 * What the journal holds for one group: its first index and where each live entry is,
 * rebuilt at start from the records in journal order and kept up to date by the journal's
 * writer (the only thread that changes it, once records are durable); read by any thread.
 * The same rules serve both, so a restart replays exactly the decisions made before it.
 */
final class GroupLog {

	/** Where an entry's record is. */
	record Location(JournalSegment segment, int offset, long index, long term, int entryType, int payloadLength) {
	}

	private final long key;

	private String openAs;

	/** Whether any record of the group has been seen: until then it starts at the first one. */
	private boolean known;

	private long first = 1;

	/** Live entries first..first+size-1, in a ring. */
	private Location[] entries = new Location[16];

	private int head;

	private int size;

	/** The segment of the last marker: it pins its segment while the group has no entry. */
	private int markerSegment = Integer.MAX_VALUE;

	GroupLog(long key) {
		this.key = key;
	}

	long key() {
		return this.key;
	}

	/**
	 * Marks the group open under groupId; false when it is open already (under this id, or
	 * under another one with the same key).
	 */
	synchronized boolean open(String groupId) {
		if (this.openAs != null) {
			return false;
		}
		this.openAs = groupId;
		return true;
	}

	synchronized void close() {
		this.openAs = null;
	}

	synchronized boolean isOpen() {
		return this.openAs != null;
	}

	synchronized long first() {
		return this.first;
	}

	synchronized long last() {
		return this.first + this.size - 1;
	}

	/** The entry's location, or null when it is not in the log. */
	synchronized Location location(long index) {
		if (index < this.first || index >= this.first + this.size) {
			return null;
		}
		return get((int) (index - this.first));
	}

	/** The live entries of one jraft type (configuration entries, reloaded at start). */
	synchronized List<Location> entriesOfType(int entryType) {
		List<Location> found = new ArrayList<>();
		for (int i = 0; i < this.size; i++) {
			if (get(i).entryType() == entryType) {
				found.add(get(i));
			}
		}
		return found;
	}

	/** The oldest segment holding a record the group needs, or MAX_VALUE when none. */
	synchronized int pinnedSegment() {
		if (this.size > 0) {
			return get(0).segment().sequence();
		}
		return this.known ? this.markerSegment : Integer.MAX_VALUE;
	}

	/** Whether the group has no entry and only a marker in a segment before segment. */
	synchronized boolean onlyMarkerBefore(int segment) {
		return this.known && this.size == 0 && this.markerSegment < segment;
	}

	/** Whether entries starting at index can be appended (the next one, or replacing a suffix). */
	synchronized boolean canAppendAt(long index) {
		return index >= 1 && index <= this.first + this.size;
	}

	/** Applies an entry record that is durable at location. */
	synchronized void applyEntry(Location location) {
		long index = location.index();
		if (!this.known || this.size == 0 && index > this.first) {
			// replaying from a reused segment on, a group with no entry may have a marker
			// that a later prefix truncation superseded: the entries between went with
			// their segment, reused once that truncation dropped them
			clear(index);
		}
		else if (index > this.first + this.size) {
			throw new JournalCorruptedException("group key " + Long.toHexString(this.key) + ": entry " + index
					+ " follows entry " + (this.first + this.size - 1));
		}
		else if (index < this.first) {
			clear(index);
		}
		else {
			keep((int) (index - this.first));
		}
		this.known = true;
		push(location);
	}

	/** Applies a marker record that is durable in segment. */
	synchronized void applyMarker(JournalRecord.Kind kind, long index, int segment) {
		switch (kind) {
			case TRUNCATE_SUFFIX -> {
				if (!this.known || index < this.first) {
					clear(index + 1);
				}
				else {
					keep((int) Math.min(this.size, index - this.first + 1));
				}
			}
			case TRUNCATE_PREFIX -> {
				if (!this.known) {
					clear(index);
				}
				else if (index > this.first) {
					drop((int) Math.min(this.size, index - this.first));
					this.first = index;
				}
			}
			case RESET -> clear(index);
			case DROP -> {
				clear(1);
				this.known = false;
				this.markerSegment = Integer.MAX_VALUE;
				return;
			}
			case ENTRY -> throw new IllegalArgumentException("an entry is not a marker");
		}
		this.known = true;
		this.markerSegment = segment;
	}

	private Location get(int i) {
		return this.entries[(this.head + i) % this.entries.length];
	}

	private void push(Location location) {
		if (this.size == this.entries.length) {
			Location[] grown = new Location[this.entries.length * 2];
			for (int i = 0; i < this.size; i++) {
				grown[i] = get(i);
			}
			this.entries = grown;
			this.head = 0;
		}
		this.entries[(this.head + this.size) % this.entries.length] = location;
		this.size++;
	}

	/** Keeps the first count entries. */
	private void keep(int count) {
		for (int i = count; i < this.size; i++) {
			this.entries[(this.head + i) % this.entries.length] = null;
		}
		this.size = count;
	}

	/** Drops the first count entries. */
	private void drop(int count) {
		for (int i = 0; i < count; i++) {
			this.entries[(this.head + i) % this.entries.length] = null;
		}
		this.head = (this.head + count) % this.entries.length;
		this.size -= count;
	}

	private void clear(long nextIndex) {
		keep(0);
		this.head = 0;
		this.first = nextIndex;
	}

}
