package io.curve4j.mds.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.curve4j.common.auth.Secret;
import io.curve4j.common.auth.Secrets;
import io.curve4j.common.net.HostPort;

/**
 * Settings of one MDS process ({@code curve.mds.*}), with the groups for authentication
 * ({@code auth}), attachment ({@code attach}) and the scheduler ({@code schedule}).
 */
@ConfigurationProperties("curve.mds")
@Validated
public class MdsProperties {

	/**
	 * Directory holding the Raft log, meta and snapshots ({@code raft/}) and the RocksDB
	 * state ({@code db/}). Kept across restarts: a restart on the same directory loses
	 * nothing.
	 */
	@NotNull
	private Path dataDir = Path.of(".curve", "mds");

	/**
	 * Raft address ("host:port") of this member; one of {@link #members} when those are
	 * given.
	 */
	@NotNull
	private HostPort raftAddress = HostPort.of("127.0.0.1:6700");

	/**
	 * Every member of the MDS group with its Raft, gRPC and HTTP addresses. Followers use
	 * the map to send clients to the leader. Empty means a single member: this process
	 * on its configured ports.
	 */
	@Valid
	private List<Member> members = new ArrayList<>();

	/**
	 * Raft election timeout; a leader that goes silent this long is replaced.
	 */
	@NotNull
	private Duration electionTimeout = Duration.ofSeconds(1);

	/**
	 * How often the state machine is snapshotted (a RocksDB checkpoint) so that the Raft
	 * log can be truncated. Zero disables periodic snapshots.
	 */
	@NotNull
	private Duration snapshotInterval = Duration.ofMinutes(10);

	/**
	 * A chunkserver without a heartbeat for this long is offline. A new MDS leader also
	 * waits this long before it declares anybody offline.
	 */
	@NotNull
	private Duration chunkserverOfflineTimeout = Duration.ofSeconds(3);

	/**
	 * Lease of a client session on an open volume; clients refresh it well within.
	 */
	@NotNull
	private Duration sessionLease = Duration.ofSeconds(20);

	/**
	 * How long a REST or gRPC call waits for its Raft proposal or read to complete.
	 */
	@NotNull
	private Duration requestTimeout = Duration.ofSeconds(10);

	/**
	 * Largest REST request body accepted; a larger one is refused with 413 before it is
	 * read further. Control-plane requests are small JSON or YAML documents.
	 */
	@NotNull
	private DataSize maxBodySize = DataSize.ofMegabytes(1);

	@Valid
	private final Auth auth = new Auth();

	@Valid
	private final Attach attach = new Attach();

	@Valid
	private final Schedule schedule = new Schedule();

	@Valid
	private final Recycle recycle = new Recycle();

	@Valid
	private final Snapshot snapshot = new Snapshot();

	@Valid
	private final Fs fs = new Fs();

	public Path getDataDir() {
		return this.dataDir;
	}

	public void setDataDir(Path dataDir) {
		this.dataDir = dataDir;
	}

	public HostPort getRaftAddress() {
		return this.raftAddress;
	}

	public void setRaftAddress(HostPort raftAddress) {
		this.raftAddress = raftAddress;
	}

	public List<Member> getMembers() {
		return this.members;
	}

	public void setMembers(List<Member> members) {
		this.members = members;
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

	public Duration getChunkserverOfflineTimeout() {
		return this.chunkserverOfflineTimeout;
	}

	public void setChunkserverOfflineTimeout(Duration chunkserverOfflineTimeout) {
		this.chunkserverOfflineTimeout = chunkserverOfflineTimeout;
	}

	public Duration getSessionLease() {
		return this.sessionLease;
	}

	public void setSessionLease(Duration sessionLease) {
		this.sessionLease = sessionLease;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Attach getAttach() {
		return this.attach;
	}

	public Schedule getSchedule() {
		return this.schedule;
	}

	public Recycle getRecycle() {
		return this.recycle;
	}

	public Snapshot getSnapshot() {
		return this.snapshot;
	}

	public Fs getFs() {
		return this.fs;
	}

	/**
	 * Authentication of REST and SDK calls ({@code curve.mds.auth.*}). Without a root
	 * password every caller acts as root, as before users existed; a cluster that stores
	 * anybody's data should always set one.
	 */
	public static class Auth {

		/**
		 * Root's password. Every member of the group needs the same one. Prefer
		 * {@link #rootPasswordFile} so the secret stays off command lines.
		 */
		private String rootPassword;

		/**
		 * File whose first line is root's password (what {@code curve local up} writes to
		 * {@code $CURVE_HOME/root.secret}). Must exist when set.
		 */
		private Path rootPasswordFile;

		/**
		 * The secret a chunkserver presents at its first registration ({@code join-token.file},
		 * what {@code curve local up} writes to {@code $CURVE_HOME/join.token}). Unset: any
		 * chunkserver that can reach the MDS may join (only for a cluster on one host).
		 */
		private final Secret joinToken = new Secret();

		/**
		 * The cluster's data key ({@code data-key.file}, at least 16 characters), shared with
		 * the chunkservers: the MDS signs chunk capabilities with it and chunkservers check
		 * them. Unset: the data path is open to anyone who reaches a chunkserver.
		 */
		private final Secret dataKey = new Secret();

		/**
		 * How long a chunk capability is good for; clients map segments again before.
		 */
		@NotNull
		private Duration capabilityTtl = Duration.ofMinutes(30);

		/**
		 * How far a signed request's date may lie from this server's clock before it is
		 * rejected as stale (Curve uses 15 s). Signatures seen within twice this are
		 * remembered and refused a second time.
		 */
		@NotNull
		private Duration maxClockSkew = Duration.ofSeconds(15);

		/**
		 * Signatures remembered to refuse replays: more than the requests a member
		 * authenticates in twice the clock skew.
		 */
		@Min(1000)
		private long maxRememberedSignatures = 1_000_000;

		/**
		 * Lifetime of a bearer token from {@code POST /api/v1/tokens}.
		 */
		@NotNull
		private Duration tokenTtl = Duration.ofHours(1);

		/** The join token; null when registration is open. */
		public String resolveJoinToken() {
			return this.joinToken.resolve("curve.mds.auth.join-token");
		}

		/** The data key; null when the data path is open. */
		public String resolveDataKey() {
			return this.dataKey.resolve("curve.mds.auth.data-key");
		}

		public Secret getJoinToken() {
			return this.joinToken;
		}

		public Secret getDataKey() {
			return this.dataKey;
		}

		/** Root's password from the property or the file; null when authentication is off. */
		public String resolveRootPassword() {
			return Secrets.resolve(this.rootPassword, this.rootPasswordFile, "curve.mds.auth.root-password-file");
		}

		public Duration getCapabilityTtl() {
			return this.capabilityTtl;
		}

		public void setCapabilityTtl(Duration capabilityTtl) {
			this.capabilityTtl = capabilityTtl;
		}

		public String getRootPassword() {
			return this.rootPassword;
		}

		public void setRootPassword(String rootPassword) {
			this.rootPassword = rootPassword;
		}

		public Path getRootPasswordFile() {
			return this.rootPasswordFile;
		}

		public void setRootPasswordFile(Path rootPasswordFile) {
			this.rootPasswordFile = rootPasswordFile;
		}

		public Duration getMaxClockSkew() {
			return this.maxClockSkew;
		}

		public void setMaxClockSkew(Duration maxClockSkew) {
			this.maxClockSkew = maxClockSkew;
		}

		public long getMaxRememberedSignatures() {
			return this.maxRememberedSignatures;
		}

		public void setMaxRememberedSignatures(long maxRememberedSignatures) {
			this.maxRememberedSignatures = maxRememberedSignatures;
		}

		public Duration getTokenTtl() {
			return this.tokenTtl;
		}

		public void setTokenTtl(Duration tokenTtl) {
			this.tokenTtl = tokenTtl;
		}

	}

	/**
	 * What a host needs besides the MDS to attach a volume ({@code curve.mds.attach.*}),
	 * returned by the attachment endpoint.
	 */
	public static class Attach {

		/**
		 * "host:port" of the NBD server that exports volumes by path ({@code nbd://host:port/path});
		 * unset when the cluster runs none, and hosts then attach through the SDK.
		 */
		private String nbdAddress;

		public String getNbdAddress() {
			return this.nbdAddress;
		}

		public void setNbdAddress(String nbdAddress) {
			this.nbdAddress = nbdAddress;
		}

	}

	/**
	 * CurveFS file systems ({@code curve.mds.fs.*}).
	 */
	public static class Fs {

		/** A mount that does not refresh within this long is dropped (it refreshes every third of it). */
		@NotNull
		private Duration mountLease = Duration.ofSeconds(10);

		/**
		 * Time between the leader's rounds that create and delete partitions on the
		 * metaservers, drop expired mounts and abort rename transactions past their deadline.
		 */
		@NotNull
		private Duration interval = Duration.ofSeconds(1);

		/** How long a rename transaction may stay PENDING before anyone may abort it. */
		@NotNull
		private Duration txTimeout = Duration.ofSeconds(10);

		/** Inode ids per partition. */
		@Min(2)
		private long partitionInodes = 1_048_576;

		/**
		 * Where mounts put file data; handed to them at mount. The secret key is best given
		 * by the environment ({@code CURVE_MDS_FS_OBJECTSTORE_SECRETKEY}).
		 */
		private final ObjectStore objectStore = new ObjectStore();

		public Duration getMountLease() {
			return this.mountLease;
		}

		public void setMountLease(Duration mountLease) {
			this.mountLease = mountLease;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTxTimeout() {
			return this.txTimeout;
		}

		public void setTxTimeout(Duration txTimeout) {
			this.txTimeout = txTimeout;
		}

		public long getPartitionInodes() {
			return this.partitionInodes;
		}

		public void setPartitionInodes(long partitionInodes) {
			this.partitionInodes = partitionInodes;
		}

		public ObjectStore getObjectStore() {
			return this.objectStore;
		}

	}

	/**
	 * The S3 bucket of CurveFS data ({@code curve.mds.fs.object-store.*}).
	 */
	public static class ObjectStore {

		private String endpoint = "";

		private String bucket = "";

		private String region = "";

		private String accessKey = "";

		private String secretKey = "";

		/** Put before every object name, e.g. "curvefs/". */
		private String keyPrefix = "";

		public String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(String endpoint) {
			this.endpoint = endpoint;
		}

		public String getBucket() {
			return this.bucket;
		}

		public void setBucket(String bucket) {
			this.bucket = bucket;
		}

		public String getRegion() {
			return this.region;
		}

		public void setRegion(String region) {
			this.region = region;
		}

		public String getAccessKey() {
			return this.accessKey;
		}

		public void setAccessKey(String accessKey) {
			this.accessKey = accessKey;
		}

		public String getSecretKey() {
			return this.secretKey;
		}

		public void setSecretKey(String secretKey) {
			this.secretKey = secretKey;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

	/**
	 * The recycle bin deleted volumes wait in ({@code curve.mds.recycle.*}).
	 */
	public static class Recycle {

		/**
		 * How long a deleted volume can be restored before its chunks are deleted; 0
		 * deletes them at once.
		 */
		@NotNull
		private Duration retention = Duration.ofDays(1);

		/**
		 * Time between the leader's rounds that purge expired volumes and delete the chunks
		 * of those being purged.
		 */
		@NotNull
		private Duration interval = Duration.ofSeconds(5);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * The snapshot catalog ({@code curve.mds.snapshot.*}).
	 */
	public static class Snapshot {

		/** Most snapshots one volume may have (every status counts). */
		@Min(1)
		private int maxPerVolume = 64;

		/**
		 * Lease of the snapshot service that works the catalog; it renews well within. A
		 * new MDS leader grants it to nobody for this long (the last holder may still work).
		 */
		@NotNull
		private Duration workerLease = Duration.ofSeconds(20);

		/**
		 * Added to the session lease to bound how long a snapshot waits for the volume's
		 * sessions to report the new sequence number.
		 */
		@NotNull
		private Duration sessionWaitMargin = Duration.ofSeconds(2);

		public int getMaxPerVolume() {
			return this.maxPerVolume;
		}

		public void setMaxPerVolume(int maxPerVolume) {
			this.maxPerVolume = maxPerVolume;
		}

		public Duration getWorkerLease() {
			return this.workerLease;
		}

		public void setWorkerLease(Duration workerLease) {
			this.workerLease = workerLease;
		}

		public Duration getSessionWaitMargin() {
			return this.sessionWaitMargin;
		}

		public void setSessionWaitMargin(Duration sessionWaitMargin) {
			this.sessionWaitMargin = sessionWaitMargin;
		}

	}

	/**
	 * Settings of the scheduler ({@code curve.mds.schedule.*}).
	 */
	public static class Schedule {

		/**
		 * Time between planning rounds of the leader MDS.
		 */
		@NotNull
		private Duration interval = Duration.ofSeconds(1);

		/**
		 * Operators a chunkserver takes part in at once (as the peer added, removed or made
		 * leader); bounds the recovery and balance traffic one disk sees.
		 */
		@Min(1)
		private int maxOperatorsPerChunkServer = 4;

		/**
		 * An operator not finished after this long is dropped; the scheduler plans the
		 * copyset again in a later round. Covers copying a whole replica by snapshot.
		 */
		@NotNull
		private Duration operatorTimeout = Duration.ofMinutes(3);

		/**
		 * A chunkserver with less free disk than this takes no new replicas: recovery and
		 * balance choose another, since a replica that runs out of space halts. An absolute
		 * amount, not a share: a disk shared with other data may be mostly used and still
		 * have room.
		 */
		@NotNull
		private DataSize minFreeDisk = DataSize.ofGigabytes(1);

		/**
		 * Finished, failed and timed-out operators kept for the operators listing.
		 */
		@Min(0)
		private int history = 100;

		public DataSize getMinFreeDisk() {
			return this.minFreeDisk;
		}

		public void setMinFreeDisk(DataSize minFreeDisk) {
			this.minFreeDisk = minFreeDisk;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getMaxOperatorsPerChunkServer() {
			return this.maxOperatorsPerChunkServer;
		}

		public void setMaxOperatorsPerChunkServer(int maxOperatorsPerChunkServer) {
			this.maxOperatorsPerChunkServer = maxOperatorsPerChunkServer;
		}

		public Duration getOperatorTimeout() {
			return this.operatorTimeout;
		}

		public void setOperatorTimeout(Duration operatorTimeout) {
			this.operatorTimeout = operatorTimeout;
		}

		public int getHistory() {
			return this.history;
		}

		public void setHistory(int history) {
			this.history = history;
		}

	}

	/**
	 * One member of the MDS group.
	 */
	public static class Member {

		/**
		 * Raft address, "host:port".
		 */
		@NotBlank
		private String raft;

		/**
		 * gRPC address clients and chunkservers use, "host:port".
		 */
		@NotBlank
		private String grpc;

		/**
		 * HTTP (REST, Actuator) address, "host:port".
		 */
		@NotBlank
		private String http;

		public String getRaft() {
			return this.raft;
		}

		public void setRaft(String raft) {
			this.raft = raft;
		}

		public String getGrpc() {
			return this.grpc;
		}

		public void setGrpc(String grpc) {
			this.grpc = grpc;
		}

		public String getHttp() {
			return this.http;
		}

		public void setHttp(String http) {
			this.http = http;
		}

	}

}
