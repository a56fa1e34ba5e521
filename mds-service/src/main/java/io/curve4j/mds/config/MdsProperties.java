package io.curve4j.mds.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import io.curve4j.common.net.HostPort;

/**
 * Settings of one MDS process ({@code curve.mds.*}).
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
