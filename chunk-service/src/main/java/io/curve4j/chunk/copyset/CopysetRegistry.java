package io.curve4j.chunk.copyset;

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

import io.curve4j.chunk.chunkfile.ChunkFilePool;
import io.curve4j.chunk.chunkfile.ChunkStore;
import io.curve4j.chunk.chunkfile.OpenChunkFiles;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.common.raft.RaftGroupOptions;
import io.curve4j.common.raft.RaftHost;
import io.curve4j.membership.CopysetDirectories;
import io.curve4j.membership.CopysetHost;
import io.curve4j.proto.common.v1.CopysetKey;

/**
 * Every copyset of this chunkserver. {@link #create} is what the heartbeat calls for each
 * copyset the MDS assigns; it persists the copyset's id and initial members in
 * {@code <copysets-dir>/<pool>-<copyset>/copyset.properties} before starting it, so that
 * {@link #load} brings every copyset back after a restart without asking the MDS. A
 * copyset directory also holds {@code chunks/} (chunk files) and {@code raft/} (log, meta,
 * snapshots).
 */
public final class CopysetRegistry implements CopysetHost, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(CopysetRegistry.class);

	private final Path dir;

	private final RaftHost host;

	private final ChunkFilePool pool;

	private final OpenChunkFiles openFiles;

	private final Duration electionTimeout;

	private final Duration snapshotInterval;

	private final long snapshotBytesPerSecond;

	private final Map<CopysetId, Copyset> copysets = new ConcurrentHashMap<>();

	private volatile boolean loaded;

	/**
	 * @param dir directory holding one subdirectory per copyset
	 * @param host the process's shared Raft server
	 * @param pool where new chunk files come from
	 * @param electionTimeout Raft election timeout of every copyset
	 * @param snapshotInterval time between Raft snapshots; zero disables them
	 * @param snapshotBytesPerSecond cap on snapshot copying per copyset; zero for none
	 */
	public CopysetRegistry(Path dir, RaftHost host, ChunkFilePool pool, OpenChunkFiles openFiles,
			Duration electionTimeout, Duration snapshotInterval, long snapshotBytesPerSecond) {
		this.dir = dir;
		this.host = host;
		this.pool = pool;
		this.openFiles = openFiles;
		this.electionTimeout = electionTimeout;
		this.snapshotInterval = snapshotInterval;
		this.snapshotBytesPerSecond = snapshotBytesPerSecond;
	}

	/** Starts every copyset persisted under the directory; fails if one cannot start. */
	public synchronized void load() throws IOException {
		List<CopysetDirectories.Found> found = CopysetDirectories.load(this.dir);
		for (CopysetDirectories.Found copyset : found) {
			CopysetId id = CopysetId.of(copyset.key());
			this.copysets.put(id, start(id, copyset.initialPeers(), copyset.dir()));
		}
		this.loaded = true;
		log.info("loaded {} copysets from {}", found.size(), this.dir);
	}

	/** True once {@link #load} has started every persisted copyset. */
	public boolean loaded() {
		return this.loaded;
	}

	/**
	 * Creates and starts a copyset replica here, or returns the running one. The initial
	 * members are raft addresses ({@code host:port}) and must include this chunkserver's;
	 * they count only until the group has a stored configuration.
	 */
	public synchronized Copyset create(CopysetId id, List<String> initialPeers) {
		Copyset existing = this.copysets.get(id);
		if (existing != null) {
			return existing;
		}
		if (!initialPeers.contains(this.host.address())) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"copyset " + id + " members " + initialPeers + " do not include this chunkserver " + this.host.address());
		}
		Path copysetDir = this.dir.resolve(id.dirName());
		try {
			CopysetDirectories.writeMeta(copysetDir, id.toProto(), initialPeers);
			Copyset copyset = start(id, initialPeers, copysetDir);
			this.copysets.put(id, copyset);
			log.info("created copyset {} with members {}", id, initialPeers);
			return copyset;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create copyset " + id + " in " + copysetDir, ex);
		}
	}

	/**
	 * Stops a replica and deletes its directory: the copyset's configuration no longer
	 * lists this chunkserver, so nothing will ask it for the data again. Nothing happens
	 * when the copyset is not here.
	 */
	public synchronized void remove(CopysetId id) {
		Copyset copyset = this.copysets.remove(id);
		if (copyset == null) {
			return;
		}
		copyset.close();
		// before the directory: a crash between the two leaves a copyset that is removed
		// again, rather than journal records nothing would ever drop
		this.host.dropLog(id.groupId());
		Path copysetDir = this.dir.resolve(id.dirName());
		try {
			CopysetDirectories.delete(copysetDir);
			log.info("removed copyset {}: this chunkserver is no longer a member", id);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot delete " + copysetDir, ex);
		}
	}

	/** The running copyset, or COPYSET_NOT_FOUND. */
	public Copyset get(CopysetId id) {
		Copyset copyset = this.copysets.get(id);
		if (copyset == null) {
			throw new CurveException(ErrorCode.COPYSET_NOT_FOUND, "copyset " + id + " is not on this chunkserver");
		}
		return copyset;
	}

	public Collection<Copyset> copysets() {
		return List.copyOf(this.copysets.values());
	}

	@Override
	public Collection<Copyset> hosted() {
		return copysets();
	}

	@Override
	public Copyset hosted(CopysetKey key) {
		return get(CopysetId.of(key));
	}

	@Override
	public void create(CopysetKey key, List<String> initialPeers) {
		create(CopysetId.of(key), initialPeers);
	}

	@Override
	public void remove(CopysetKey key) {
		remove(CopysetId.of(key));
	}

	private Copyset start(CopysetId id, List<String> peers, Path copysetDir) throws IOException {
		ChunkStore store = new ChunkStore(copysetDir.resolve("chunks"), this.pool, this.openFiles);
		CopysetStateMachine stateMachine = new CopysetStateMachine(id.groupId(), store, peers);
		RaftGroupOptions options = new RaftGroupOptions(id.groupId(), copysetDir.resolve("raft"), peers,
				this.electionTimeout, this.snapshotInterval, true, this.snapshotBytesPerSecond);
		RaftGroup group;
		try {
			group = this.host.startGroup(options, stateMachine);
		}
		catch (RuntimeException ex) {
			store.close();
			throw ex;
		}
		return new Copyset(id, store, stateMachine, group);
	}

	/** Stops every copyset (in parallel: each waits for its Raft node to stop). */
	@Override
	public synchronized void close() {
		List<Copyset> all = new ArrayList<>(this.copysets.values());
		this.copysets.clear();
		all.parallelStream().forEach(Copyset::close);
	}

}
