package io.curve4j.metaserver.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import io.curve4j.common.auth.Secret;
import io.curve4j.common.raft.RaftLogStore;
import io.curve4j.objectstore.ObjectStoreSettings;

/**
 * Configuration of one metaserver process ({@code curve.metaserver.*}).
 */
@ConfigurationProperties("curve.metaserver")
@Validated
public class MetaServerProperties {

	/** Directory of this metaserver: copysets (databases, Raft logs and snapshots) and its registration. */
	@NotNull
	private Path dataDir;

	/** Address peers and clients reach this metaserver at; also the Raft bind address. */
	@NotBlank
	private String host = "127.0.0.1";

	/** Port of the Raft server all copysets share; part of this replica's identity, so it never changes. */
	@Min(1)
	@Max(65535)
	private int raftPort = 8400;

	/** Name of the topology server this metaserver runs on (a server of a physical pool with an fs-metadata logical pool). */
	private String serverName;

	/** gRPC addresses (host:port) of the MDS members. */
	private List<String> mdsAddresses = new ArrayList<>();

	private Duration heartbeatInterval = Duration.ofSeconds(1);

	/** Per MDS call of the registration and heartbeats. */
	private Duration mdsTimeout = Duration.ofSeconds(3);

	/** The cluster's join token ({@code join-token.file}), presented at the first registration. */
	private final Secret joinToken = new Secret();

	/** The cluster's data key ({@code data-key.file}): calls must carry an FsCapability signed with it. Unset: nothing is checked. */
	private final Secret dataKey = new Secret();

	private Duration electionTimeout = Duration.ofSeconds(1);

	/** Time between Raft snapshots (RocksDB checkpoints) of each copyset. */
	private Duration snapshotInterval = Duration.ofMinutes(1);

	/** rocksdb (jraft's, one per copyset) or journal (one per metaserver that its copysets share). */
	private RaftLogStore raftLog = RaftLogStore.JOURNAL;

	/** How long an inode with no link is kept before it and its objects are deleted. */
	private Duration trashPeriod = Duration.ofHours(1);

	/** Compaction of file data and collection of objects nothing reads. */
	@Valid
	private final Compaction compaction = new Compaction();

	/** Where file data objects live (to delete those of purged inodes); null when not set. */
	@Valid
	private FsObjectStore objectStore;

	public String resolveDataKey() {
		return this.dataKey.resolve("curve.metaserver.data-key");
	}

	/** The join token; empty when none is given. */
	public String resolveJoinToken() {
		String token = this.joinToken.resolve("curve.metaserver.join-token");
		return token == null ? "" : token;
	}

	/** This replica's Raft address ("host:raftPort"). */
	public String raftAddress() {
		return this.host + ":" + this.raftPort;
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

	public String getServerName() {
		return this.serverName;
	}

	public void setServerName(String serverName) {
		this.serverName = serverName;
	}

	public List<String> getMdsAddresses() {
		return this.mdsAddresses;
	}

	public void setMdsAddresses(List<String> mdsAddresses) {
		this.mdsAddresses = mdsAddresses;
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

	public Secret getJoinToken() {
		return this.joinToken;
	}

	public Secret getDataKey() {
		return this.dataKey;
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

	public RaftLogStore getRaftLog() {
		return this.raftLog;
	}

	public void setRaftLog(RaftLogStore raftLog) {
		this.raftLog = raftLog;
	}

	public Compaction getCompaction() {
		return this.compaction;
	}

	public Duration getTrashPeriod() {
		return this.trashPeriod;
	}

	public void setTrashPeriod(Duration trashPeriod) {
		this.trashPeriod = trashPeriod;
	}

	public FsObjectStore getObjectStore() {
		return this.objectStore;
	}

	public void setObjectStore(FsObjectStore objectStore) {
		this.objectStore = objectStore;
	}

	/**
	 * The S3 bucket of the file systems' data ({@code curve.metaserver.object-store.*}, the
	 * same bucket and key prefix as the MDS's {@code curve.mds.fs.object-store.*}); the
	 * secret may come from the environment as {@code CURVE_METASERVER_OBJECTSTORE_SECRETKEY}.
	 */
	public static class FsObjectStore extends ObjectStoreSettings {

		/** Put before every object name, e.g. "curvefs/". */
		private String keyPrefix = "";

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

	/** {@code curve.metaserver.compaction.*}: see docs/architecture.md, "Compaction and garbage collection". */
	public static class Compaction {

		/** False pauses compaction (retired and orphaned objects are still collected). */
		private boolean enabled = true;

		/** A chunk with more pieces than this is compacted. */
		@Min(2)
		private int piecesThreshold = 32;

		/** Inodes compacted at once. */
		@Min(1)
		private int threads = 2;

		/** Inodes waiting for a thread at most; more wait for the next round. */
		@Min(1)
		private int queue = 1024;

		/** How long objects of replaced or cut-off pieces stay readable for clients holding the old piece list. */
		@NotNull
		private Duration gracePeriod = Duration.ofMinutes(5);

		/** Time between rounds over the inodes (compaction candidates, retired objects due). */
		@NotNull
		private Duration interval = Duration.ofSeconds(30);

		/** Time between sweeps of the object store for objects no inode references. */
		@NotNull
		private Duration sweepInterval = Duration.ofMinutes(30);

		/**
		 * How old an object no inode references must be before the sweep deletes it: longer
		 * than any upload takes from its first PUT to the piece being recorded.
		 */
		@NotNull
		private Duration orphanAge = Duration.ofHours(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getPiecesThreshold() {
			return this.piecesThreshold;
		}

		public void setPiecesThreshold(int piecesThreshold) {
			this.piecesThreshold = piecesThreshold;
		}

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public int getQueue() {
			return this.queue;
		}

		public void setQueue(int queue) {
			this.queue = queue;
		}

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getSweepInterval() {
			return this.sweepInterval;
		}

		public void setSweepInterval(Duration sweepInterval) {
			this.sweepInterval = sweepInterval;
		}

		public Duration getOrphanAge() {
			return this.orphanAge;
		}

		public void setOrphanAge(Duration orphanAge) {
			this.orphanAge = orphanAge;
		}

	}

}
