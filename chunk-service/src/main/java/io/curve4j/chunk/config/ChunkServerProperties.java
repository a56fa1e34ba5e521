package io.curve4j.chunk.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.curve4j.common.auth.Secret;
import io.curve4j.common.raft.RaftLogStore;
import io.curve4j.common.size.Sizes;
import io.curve4j.objectstore.ObjectStoreSettings;

/**
 * Configuration of one chunkserver process.
 */
@ConfigurationProperties("curve.chunkserver")
@Validated
public class ChunkServerProperties {

	/**
	 * Directory of this chunkserver: copysets (chunk files, Raft logs and snapshots), the
	 * chunk file pool and the registration (id and token) returned by the MDS.
	 */
	@NotNull
	private Path dataDir;

	/**
	 * Address peers and clients reach this chunkserver at; also the Raft bind address.
	 */
	@NotBlank
	private String host = "127.0.0.1";

	/**
	 * Port of the Raft RPC server all copysets share. Must stay the same across restarts:
	 * it is part of this replica's identity in every copyset.
	 */
	@Min(1)
	@Max(65535)
	private int raftPort = 8200;

	/**
	 * Name of the topology server this chunkserver runs on.
	 */
	private String serverName;

	/**
	 * Bytes of chunk requests served at once (data written, buffers read); a request past
	 * it is refused with OVERLOADED and retried by the client, so a flood fills no heap.
	 */
	@NotNull
	private DataSize maxBytesInFlight = DataSize.ofMegabytes(256);

	/**
	 * The cluster's join token ({@code join-token.file}), presented at the first
	 * registration: the MDS's {@code curve.mds.auth.join-token}.
	 */
	private final Secret joinToken = new Secret();

	/**
	 * The cluster's data key ({@code data-key.file}, the MDS's {@code curve.mds.auth.data-key}):
	 * chunk calls must carry a capability signed with it. Unset: the data path is open.
	 */
	private final Secret dataKey = new Secret();

	/**
	 * gRPC addresses (host:port) of the MDS members; the leader is found by following
	 * redirects and trying the next address on failure.
	 */
	private List<String> mdsAddresses = new ArrayList<>();

	/**
	 * Whether to register and heartbeat with the MDS. Off only in tests that run without
	 * an MDS and create copysets themselves.
	 */
	private boolean heartbeatEnabled = true;

	/**
	 * Time between heartbeats to the MDS (10s in production, 1s locally).
	 */
	@NotNull
	private Duration heartbeatInterval = Duration.ofSeconds(1);

	/**
	 * Deadline of one call to the MDS.
	 */
	@NotNull
	private Duration mdsTimeout = Duration.ofSeconds(3);

	/**
	 * Pre-allocated chunk files kept ready so that the first write of a chunk does not
	 * create one.
	 */
	@Min(0)
	private int chunkFilePoolSize = 8;

	/**
	 * Bytes per chunk file. It must match the chunk size of the logical pools of this
	 * chunkserver's physical pool: the MDS refuses a registration that does not.
	 */
	private DataSize chunkSize = DataSize.ofBytes(Sizes.DEFAULT_CHUNK_SIZE);

	/**
	 * Raft election timeout of every copyset.
	 */
	@NotNull
	private Duration electionTimeout = Duration.ofSeconds(1);

	/**
	 * Time between Raft snapshots of a copyset (chunk files hard-linked, so cheap); they
	 * bound the log kept on disk and let a new member catch up by copying files. Zero
	 * disables them and keeps the whole log. Under a steady 4 KiB write load a copyset's
	 * log grows by about 100 MiB a minute, so minutes, not hours.
	 */
	@NotNull
	private Duration snapshotInterval = Duration.ofMinutes(1);

	/**
	 * Snapshot bytes per second one chunkserver sends or receives per copyset when a new
	 * member copies a replica, so recovery leaves bandwidth and disk to client I/O. Zero
	 * removes the cap.
	 */
	@NotNull
	private DataSize snapshotThroughput = DataSize.ofMegabytes(64);

	/**
	 * Where the copysets keep their Raft logs: {@code rocksdb}, a RocksDB per copyset
	 * (jraft's own), or {@code journal}, one journal in {@code DATA_DIR/raftjournal} that
	 * every copyset shares, so that their appends share their syncs. Going from rocksdb to
	 * journal copies each copyset's log into the journal at its start; going back fails
	 * the start of the copysets whose logs are in the journal.
	 */
	@NotNull
	private RaftLogStore raftLog = RaftLogStore.JOURNAL;

	@Valid
	private final Scrub scrub = new Scrub();

	/**
	 * Chunk files open at once, across copysets; the least recently used closes when
	 * another opens. Each takes a file descriptor and 4 bytes of checksums per page.
	 */
	@Min(16)
	private int maxOpenChunkFiles = 4096;

	/**
	 * The object store (S3) lazy clones read their sources from
	 * ({@code curve.chunkserver.object-store.endpoint, bucket, access-key, secret-key,
	 * region}); null when none of them is set, and then reads of a linked clone fail.
	 */
	@Valid
	private ObjectStoreSettings objectStore;

	public ObjectStoreSettings getObjectStore() {
		return this.objectStore;
	}

	public void setObjectStore(ObjectStoreSettings objectStore) {
		this.objectStore = objectStore;
	}

	public Path getDataDir() {
		return this.dataDir;
	}

	public void setDataDir(Path dataDir) {
		this.dataDir = dataDir;
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getRaftPort() {
		return this.raftPort;
	}

	public void setRaftPort(int raftPort) {
		this.raftPort = raftPort;
	}

	public DataSize getMaxBytesInFlight() {
		return this.maxBytesInFlight;
	}

	public void setMaxBytesInFlight(DataSize maxBytesInFlight) {
		this.maxBytesInFlight = maxBytesInFlight;
	}

	public String getServerName() {
		return this.serverName;
	}

	public void setServerName(String serverName) {
		this.serverName = serverName;
	}

	/** The data key; null when none is given. */
	public String resolveDataKey() {
		return this.dataKey.resolve("curve.chunkserver.data-key");
	}

	/** The join token; empty when none is given. */
	public String resolveJoinToken() {
		String token = this.joinToken.resolve("curve.chunkserver.join-token");
		return token == null ? "" : token;
	}

	public Secret getJoinToken() {
		return this.joinToken;
	}

	public Secret getDataKey() {
		return this.dataKey;
	}

	public List<String> getMdsAddresses() {
		return this.mdsAddresses;
	}

	public void setMdsAddresses(List<String> mdsAddresses) {
		this.mdsAddresses = mdsAddresses;
	}

	public boolean isHeartbeatEnabled() {
		return this.heartbeatEnabled;
	}

	public void setHeartbeatEnabled(boolean heartbeatEnabled) {
		this.heartbeatEnabled = heartbeatEnabled;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getMdsTimeout() {
		return this.mdsTimeout;
	}

	public void setMdsTimeout(Duration mdsTimeout) {
		this.mdsTimeout = mdsTimeout;
	}

	public int getChunkFilePoolSize() {
		return this.chunkFilePoolSize;
	}

	public void setChunkFilePoolSize(int chunkFilePoolSize) {
		this.chunkFilePoolSize = chunkFilePoolSize;
	}

	public DataSize getChunkSize() {
		return this.chunkSize;
	}

	/** Checked at start; the same bounds as a logical pool's chunk size. */
	@AssertTrue(message = "chunk-size must be a power of two from 64KB to 1GB")
	public boolean isChunkSizeValid() {
		return Sizes.isChunkSize(this.chunkSize.toBytes());
	}

	public void setChunkSize(DataSize chunkSize) {
		this.chunkSize = chunkSize;
	}

	public Duration getElectionTimeout() {
		return this.electionTimeout;
	}

	public void setElectionTimeout(Duration electionTimeout) {
		this.electionTimeout = electionTimeout;
	}

	public Duration getSnapshotInterval() {
		return this.snapshotInterval;
	}

	public void setSnapshotInterval(Duration snapshotInterval) {
		this.snapshotInterval = snapshotInterval;
	}

	public int getMaxOpenChunkFiles() {
		return this.maxOpenChunkFiles;
	}

	public void setMaxOpenChunkFiles(int maxOpenChunkFiles) {
		this.maxOpenChunkFiles = maxOpenChunkFiles;
	}

	public Scrub getScrub() {
		return this.scrub;
	}

	public DataSize getSnapshotThroughput() {
		return this.snapshotThroughput;
	}

	public void setSnapshotThroughput(DataSize snapshotThroughput) {
		this.snapshotThroughput = snapshotThroughput;
	}

	public RaftLogStore getRaftLog() {
		return this.raftLog;
	}

	public void setRaftLog(RaftLogStore raftLog) {
		this.raftLog = raftLog;
	}

	/** Raft address ({@code host:raftPort}) of this chunkserver in every copyset. */
	public String raftAddress() {
		return this.host + ":" + this.raftPort;
	}

	/** The background check of every page against its checksum, and the repairs it asks for. */
	public static class Scrub {

		/** Whether the scrub runs. */
		private boolean enabled = true;

		/** Bytes of chunk data checked per second, so that the scrub never crowds out clients. */
		@NotNull
		private DataSize bytesPerSecond = DataSize.ofMegabytes(8);

		/** Pause between the end of one pass over every chunk and the start of the next. */
		@NotNull
		private Duration interval = Duration.ofHours(1);

		/** How long a call to another replica for a good copy of pages may take. */
		@NotNull
		private Duration peerTimeout = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getBytesPerSecond() {
			return this.bytesPerSecond;
		}

		public void setBytesPerSecond(DataSize bytesPerSecond) {
			this.bytesPerSecond = bytesPerSecond;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getPeerTimeout() {
			return this.peerTimeout;
		}

		public void setPeerTimeout(Duration peerTimeout) {
			this.peerTimeout = peerTimeout;
		}

	}

}
