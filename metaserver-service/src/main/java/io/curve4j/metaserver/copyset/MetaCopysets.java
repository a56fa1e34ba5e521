package io.curve4j.metaserver.copyset;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.common.raft.RaftGroupOptions;
import io.curve4j.common.raft.RaftHost;
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

	static final String META_FILE = "copyset.properties";

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
		Files.createDirectories(this.dir);
		List<Path> dirs;
		try (Stream<Path> entries = Files.list(this.dir)) {
			dirs = entries.filter(d -> Files.isRegularFile(d.resolve(META_FILE))).sorted().toList();
		}
		for (Path copysetDir : dirs) {
			Properties meta = new Properties();
			try (Reader in = Files.newBufferedReader(copysetDir.resolve(META_FILE), StandardCharsets.UTF_8)) {
				meta.load(in);
			}
			CopysetKey key = CopysetKey.newBuilder()
				.setLogicalPoolId(Integer.parseUnsignedInt(meta.getProperty("logicalPoolId")))
				.setCopysetId(Integer.parseUnsignedInt(meta.getProperty("copysetId")))
				.build();
			List<String> peers = Arrays.stream(meta.getProperty("peers").split(",")).map(String::trim).toList();
			this.copysets.put(key, start(key, peers, copysetDir));
		}
		log.info("loaded {} copysets from {}", dirs.size(), this.dir);
	}

	/** Creates and starts a replica with its initial members (Raft addresses, this one among them), or returns the running one. */
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
			writeMeta(copysetDir, key, initialPeers);
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
		try (Stream<Path> files = Files.walk(copysetDir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
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
		return Integer.toUnsignedString(key.getLogicalPoolId()) + "-" + Integer.toUnsignedString(key.getCopysetId());
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

	/** Written to a temporary file, forced and renamed: a crash leaves the old file or the new one. */
	private static void writeMeta(Path copysetDir, CopysetKey key, List<String> peers) throws IOException {
		Files.createDirectories(copysetDir);
		Properties meta = new Properties();
		meta.setProperty("logicalPoolId", Integer.toUnsignedString(key.getLogicalPoolId()));
		meta.setProperty("copysetId", Integer.toUnsignedString(key.getCopysetId()));
		meta.setProperty("peers", String.join(",", peers));
		Path tmp = copysetDir.resolve(META_FILE + ".tmp");
		try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
			meta.store(out, "copyset " + name(key) + ": initial members; the Raft log holds the current ones");
		}
		try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(tmp, copysetDir.resolve(META_FILE), StandardCopyOption.ATOMIC_MOVE);
	}

	@Override
	public synchronized void close() {
		List<MetaCopyset> all = new ArrayList<>(this.copysets.values());
		this.copysets.clear();
		all.parallelStream().forEach(MetaCopyset::close);
	}

}
