package io.curve4j.metaserver.copyset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.common.raft.RaftGroupOptions;
import io.curve4j.common.raft.RaftHost;
import io.curve4j.membership.CopysetDirectories;
import io.curve4j.membership.CopysetHost;
import io.curve4j.metaserver.partition.PartitionStateMachine;
import io.curve4j.metaserver.partition.PartitionStore;
import io.curve4j.proto.common.v1.CopysetKey;

/**
 * Every copyset of this metaserver, each in {@code <dir>/<pool>-<copyset>/} with its
 * initial members in {@code copyset.properties} (written before the group starts, so a
 * restart brings it back without the MDS), its database in {@code db/} and its Raft log,
 * meta and snapshots in {@code raft/}.
 */
public final class MetaCopysets implements CopysetHost, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MetaCopysets.class);

	private final Path dir;

	private final RaftHost host;

	private final Duration electionTimeout;

	private final Duration snapshotInterval;

	private final Map<CopysetKey, MetaCopyset> copysets = new ConcurrentHashMap<>();

	public MetaCopysets(Path dir, RaftHost host, Duration electionTimeout, Duration snapshotInterval) {
		this.dir = dir;
		this.host = host;
		this.electionTimeout = electionTimeout;
		this.snapshotInterval = snapshotInterval;
	}

	/** Starts every copyset found under the directory. */
	public synchronized void load() throws IOException {
		List<CopysetDirectories.Found> found = CopysetDirectories.load(this.dir);
		for (CopysetDirectories.Found copyset : found) {
			this.copysets.put(copyset.key(), start(copyset.key(), copyset.initialPeers(), copyset.dir()));
		}
		log.info("loaded {} copysets from {}", found.size(), this.dir);
	}

	@Override
	public void create(CopysetKey key, List<String> initialPeers) {
		start(key, initialPeers);
	}

	/** As {@link #create}, returning the replica. */
	public synchronized MetaCopyset start(CopysetKey key, List<String> initialPeers) {
		MetaCopyset existing = this.copysets.get(key);
		if (existing != null) {
			return existing;
		}
		if (!initialPeers.contains(this.host.address())) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "copyset " + name(key) + " members " + initialPeers
					+ " do not include this metaserver " + this.host.address());
		}
		Path copysetDir = this.dir.resolve(name(key));
		try {
			CopysetDirectories.writeMeta(copysetDir, key, initialPeers);
			MetaCopyset copyset = start(key, initialPeers, copysetDir);
			this.copysets.put(key, copyset);
			log.info("created copyset {} with members {}", name(key), initialPeers);
			return copyset;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create copyset " + name(key) + " in " + copysetDir, ex);
		}
	}

	/** Stops a replica this metaserver is no longer a member of and deletes its directory. */
	@Override
	public synchronized void remove(CopysetKey key) {
		MetaCopyset copyset = this.copysets.remove(key);
		if (copyset == null) {
			return;
		}
		copyset.close();
		this.host.dropLog(groupId(key));
		Path copysetDir = this.dir.resolve(name(key));
		try {
			CopysetDirectories.delete(copysetDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot delete " + copysetDir, ex);
		}
		log.info("removed copyset {}: this metaserver is no longer a member", name(key));
	}

	/** The running copyset, or COPYSET_NOT_FOUND. */
	public MetaCopyset get(CopysetKey key) {
		MetaCopyset copyset = this.copysets.get(key);
		if (copyset == null) {
			throw new CurveException(ErrorCode.COPYSET_NOT_FOUND, "copyset " + name(key) + " is not on this metaserver");
		}
		return copyset;
	}

	public Collection<MetaCopyset> copysets() {
		return List.copyOf(this.copysets.values());
	}

	@Override
	public Collection<MetaCopyset> hosted() {
		return copysets();
	}

	@Override
	public MetaCopyset hosted(CopysetKey key) {
		return get(key);
	}

	/** Raft group id, the same scheme as the chunkservers' copysets. */
	public static String groupId(CopysetKey key) {
		return "copyset-" + Integer.toUnsignedString(key.getLogicalPoolId()) + "-"
				+ Integer.toUnsignedString(key.getCopysetId());
	}

	private static String name(CopysetKey key) {
		return CopysetDirectories.name(key);
	}

	private MetaCopyset start(CopysetKey key, List<String> peers, Path copysetDir) {
		PartitionStore store = new PartitionStore(copysetDir.resolve("db"));
		PartitionStateMachine stateMachine = new PartitionStateMachine(groupId(key), store, peers);
		RaftGroupOptions options = new RaftGroupOptions(groupId(key), copysetDir.resolve("raft"), peers,
				this.electionTimeout, this.snapshotInterval, true, 0);
		RaftGroup group;
		try {
			group = this.host.startGroup(options, stateMachine);
		}
		catch (RuntimeException ex) {
			store.close();
			throw ex;
		}
		return new MetaCopyset(key, store, stateMachine, group);
	}

	@Override
	public synchronized void close() {
		List<MetaCopyset> all = new ArrayList<>(this.copysets.values());
		this.copysets.clear();
		all.parallelStream().forEach(MetaCopyset::close);
	}

}
