package io.curve4j.membership;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import io.curve4j.common.error.CurveException;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.common.v1.ChunkServerLocation;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.CopysetMembers;
import io.curve4j.proto.heartbeat.v1.CopysetReport;
import io.curve4j.proto.heartbeat.v1.HeartbeatRequest;
import io.curve4j.proto.heartbeat.v1.HeartbeatResponse;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerRequest;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerResponse;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.metacache.MdsClient;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.RetrySettings;

/**
 * Registers this server (a chunkserver or a metaserver: the MDS places copysets on both
 * alike) with the MDS and then heartbeats every interval, on one thread, from
 * {@link #start} (once the gRPC server is bound: its port is what the MDS hands to
 * clients). Each heartbeat reports disk use, every copyset (committed members and epoch)
 * and the scheduler steps in progress; the answer lists the copysets this server must host
 * (the missing ones are created through {@link CopysetHost#create}), the replicas it must
 * delete (no longer members) and steps to run as a leader ({@link OperatorRunner}). An
 * unreachable MDS changes nothing here: the copysets keep serving and the next tick tries
 * again.
 */
public final class HeartbeatTask implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(HeartbeatTask.class);

	/** A heartbeat's answer lists copysets to create: far below this even for thousands. */
	private static final int MAX_MDS_MESSAGE = 16 * (int) Sizes.MIB;

	private final MembershipSettings settings;

	private final CopysetHost copysets;

	/** What a server adds to each heartbeat (the chunkserver: its integrity counters). */
	private final Consumer<HeartbeatRequest.Builder> extra;

	private final MdsClient mds;

	private final ChannelPool channels;

	/** Backoff timers of the MDS calls: not the heartbeat thread, which waits for them. */
	private final ScheduledExecutorService retryTimer;

	private final OperatorRunner operators;

	private final ScheduledExecutorService scheduler;

	private volatile int grpcPort;

	private volatile ServerIdentity identity;

	private volatile Instant lastHeartbeat;

	private volatile String lastError = "";

	public HeartbeatTask(MembershipSettings settings, CopysetHost copysets, Consumer<HeartbeatRequest.Builder> extra)
			throws IOException {
		this.settings = settings;
		this.copysets = copysets;
		this.extra = extra;
		this.channels = new ChannelPool(ChannelPool.plaintext(MAX_MDS_MESSAGE));
		this.retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, settings.role() + "-mds-retry");
			t.setDaemon(true);
			return t;
		});
		// each member tried about twice per tick, as a member that is down costs one timeout
		Duration timeout = settings.mdsTimeout();
		RetrySettings retry = RetrySettings.DEFAULTS.withRpcTimeout(timeout)
			.withOperationTimeout(timeout.multipliedBy(2L * memberCount(settings.mdsMembers())));
		this.mds = new MdsClient(settings.mdsMembers(), this.channels,
				new BoundedRetry(settings.role() + "-mds", retry, this.retryTimer), null);
		this.operators = new OperatorRunner(copysets);
		this.identity = ServerIdentity.load(settings.identityFile()).orElse(null);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, settings.role() + "-heartbeat");
			t.setDaemon(true);
			return t;
		});
	}

	/** Starts heartbeating, announcing the port of this server's (now bound) gRPC server. */
	public void start(int grpcPort) {
		this.grpcPort = grpcPort;
		long interval = this.settings.heartbeatInterval().toMillis();
		this.scheduler.scheduleWithFixedDelay(this::tick, 0, interval, TimeUnit.MILLISECONDS);
	}

	/** Registered in this run with the MDS (a persisted identity alone does not count). */
	public boolean registered() {
		return this.lastHeartbeat != null;
	}

	/** The id the MDS gave this server (its chunkserver id in the topology), once registered. */
	public Optional<Integer> serverId() {
		return Optional.ofNullable(this.identity).filter(ServerIdentity::registered).map(ServerIdentity::id);
	}

	public Optional<Instant> lastHeartbeat() {
		return Optional.ofNullable(this.lastHeartbeat);
	}

	/** Why the last registration or heartbeat failed; empty after a success. */
	public String lastError() {
		return this.lastError;
	}

	public String mdsAddress() {
		return this.mds.leader();
	}

	private void tick() {
		try {
			if (this.lastHeartbeat == null) {
				register();
			}
			HeartbeatRequest request = heartbeatRequest();
			HeartbeatResponse response = BoundedRetry.join(this.mds.call("heartbeat", true,
					HeartbeatServiceGrpc::newStub, (stub, observer) -> stub.heartbeat(request, observer)));
			if (this.lastHeartbeat == null) {
				log.info("registered with the MDS as {} {}", this.settings.role(), this.identity.id());
			}
			this.lastHeartbeat = Instant.now();
			this.lastError = "";
			createAssigned(response.getAssignedCopysetsList());
			for (CopysetKey removed : response.getRemovedCopysetsList()) {
				this.copysets.remove(removed);
			}
			this.operators.submit(response.getOperatorsList());
		}
		catch (CurveException ex) {
			if (!ex.getMessage().equals(this.lastError)) {
				log.warn("MDS heartbeat failed, retrying every {} ms: {}", this.settings.heartbeatInterval().toMillis(),
						ex.toString());
			}
			this.lastError = ex.getMessage();
		}
		catch (IOException | RuntimeException ex) {
			log.error("heartbeat failed", ex);
			this.lastError = String.valueOf(ex);
		}
	}

	private void register() throws IOException {
		Path dataDir = this.settings.dataDir();
		RegisterChunkServerRequest.Builder request = RegisterChunkServerRequest.newBuilder()
			.setServerName(nullToEmpty(this.settings.serverName()))
			.setHost(this.settings.host())
			.setPort(this.grpcPort)
			.setRaftPort(this.settings.raftPort())
			.setDiskPath(dataDir.toAbsolutePath().toString())
			.setDiskCapacity(fileStore().getTotalSpace())
			.setChunkSize(this.settings.chunkSize());
		ServerIdentity known = this.identity;
		if (known == null) {
			// the token is drawn here and saved before the MDS hears of it: a retry after a lost
			// answer presents it again, and the MDS never has to send a token back to anyone
			known = ServerIdentity.unregistered();
			known.save(this.settings.identityFile());
			this.identity = known;
		}
		request.setToken(known.token());
		if (known.registered()) {
			request.setChunkServerId(known.id());
		}
		else {
			request.setJoinToken(this.settings.joinToken().get());
		}
		// not repeated after an unknown outcome: the next tick registers again, with the same token
		RegisterChunkServerResponse response = BoundedRetry.join(this.mds.call("register", false,
				HeartbeatServiceGrpc::newStub, (stub, observer) -> stub.registerChunkServer(request.build(), observer)));
		ServerIdentity assigned = new ServerIdentity(response.getChunkServerId(), response.getToken());
		if (!assigned.equals(known)) {
			assigned.save(this.settings.identityFile());
		}
		this.identity = assigned;
	}

	private HeartbeatRequest heartbeatRequest() throws IOException {
		FileStore store = fileStore();
		long capacity = store.getTotalSpace();
		HeartbeatRequest.Builder request = HeartbeatRequest.newBuilder()
			.setChunkServerId(this.identity.id())
			.setToken(this.identity.token())
			.setHost(this.settings.host())
			.setPort(this.grpcPort)
			.setDiskCapacity(capacity)
			.setDiskUsed(capacity - store.getUsableSpace());
		for (HostedCopyset copyset : this.copysets.hosted()) {
			// The epoch before the members: a change committing in between then shows new
			// members with the old epoch, which the MDS ignores, never the reverse.
			long epoch = copyset.epoch();
			request.addCopysets(CopysetReport.newBuilder()
				.setKey(copyset.key())
				.setLeader(copyset.leader())
				.addAllPeers(copyset.committedPeers())
				.setEpoch(epoch)
				.setTerm(copyset.term())
				.setAppliedIndex(copyset.appliedIndex())
				.setIsLeader(copyset.isLeader()));
		}
		request.addAllOperators(this.operators.reports());
		this.extra.accept(request);
		return request.build();
	}

	private void createAssigned(List<CopysetMembers> assigned) {
		String self = this.settings.host() + ":" + this.settings.raftPort();
		for (CopysetMembers members : assigned) {
			List<String> peers = members.getPeersList().stream().map(ChunkServerLocation::getRaftAddress).toList();
			if (!peers.contains(self)) {
				log.warn("MDS assigned copyset ({}, {}) with members {} that do not include {}; ignored",
						members.getKey().getLogicalPoolId(), members.getKey().getCopysetId(), peers, self);
				continue;
			}
			this.copysets.create(members.getKey(), peers);
		}
	}

	private FileStore fileStore() throws IOException {
		return Files.getFileStore(this.settings.dataDir());
	}

	private static String nullToEmpty(String s) {
		return s == null ? "" : s;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		try {
			this.scheduler.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.retryTimer.shutdownNow();
		this.channels.close();
	}

	/** How many MDS members there are now; a registry that lists none yet: a Raft group's usual three. */
	private static int memberCount(Supplier<List<String>> members) {
		try {
			return Math.max(1, members.get().size());
		}
		catch (CurveException ex) {
			return 3;
		}
	}

}
