package io.curve4j.common.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one Raft group needs to start: its id, its data directory, its initial members
 * (raft addresses "host:port"; the local one among them) and timing.
 *
 * @param groupId unique per process, e.g. {@code mds} or {@code copyset-1-7}
 * @param dataDir holds {@code log/}, {@code meta/} and {@code snapshot/}
 * @param initialPeers members used only when the group has no stored configuration
 * @param electionTimeout Raft election timeout (1 s in Curve)
 * @param snapshotInterval zero disables periodic snapshots
 * @param leaseReads serve reads under the leader's lease instead of a read-index round
 * @param snapshotBytesPerSecond cap on snapshot bytes this member sends or receives per
 * second (a new member copying a whole replica); zero for no cap
 */
public record RaftGroupOptions(String groupId, Path dataDir, List<String> initialPeers, Duration electionTimeout,
		Duration snapshotInterval, boolean leaseReads, long snapshotBytesPerSecond) {

	public RaftGroupOptions {
		initialPeers = List.copyOf(initialPeers);
	}

	/** Without a snapshot throughput cap. */
	public RaftGroupOptions(String groupId, Path dataDir, List<String> initialPeers, Duration electionTimeout,
			Duration snapshotInterval, boolean leaseReads) {
		this(groupId, dataDir, initialPeers, electionTimeout, snapshotInterval, leaseReads, 0);
	}

}
