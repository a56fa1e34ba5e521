package io.curve4j.membership;

import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a copyset's membership changes: the epoch the chunkserver reports to the MDS,
 * which records each change by it. jraft reports the joint entry of each change and the
 * configuration of every snapshot it loads; only a member set different from the last one
 * (the initial members before any) raises the epoch. Counting from the initial members
 * matters: a replica that never loaded a snapshot would otherwise miss the first change,
 * and the MDS would wait forever for the epoch that records it. Part of the state machine:
 * saved in snapshots.
 */
public final class MembershipEpoch {

	private static final Logger log = LoggerFactory.getLogger(MembershipEpoch.class);

	private final String groupId;

	private volatile long value;

	/** Members the epoch counted last; the initial ones until a configuration commits. */
	private volatile Set<String> lastPeers;

	public MembershipEpoch(String groupId, List<String> initialPeers) {
		this.groupId = groupId;
		this.lastPeers = Set.copyOf(initialPeers);
	}

	/** A configuration committed, its members as endpoints. */
	public void committed(List<String> members) {
		Set<String> peers = Set.copyOf(members);
		if (!this.lastPeers.isEmpty() && !peers.equals(this.lastPeers)) {
			this.value++;
			log.info("{}: members {} at epoch {}", this.groupId, peers, this.value);
		}
		this.lastPeers = peers;
	}

	/** Takes the epoch of a snapshot; the snapshot's configuration, reported next, is not a change. */
	public void restore(long epoch) {
		this.value = epoch;
		this.lastPeers = Set.of();
	}

	public long value() {
		return this.value;
	}

}
