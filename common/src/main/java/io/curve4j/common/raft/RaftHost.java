package io.curve4j.common.raft;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.GrpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.raft.journal.RaftJournal;
import io.curve4j.common.store.RaftLogRocksOptions;

/**
 * The Raft side of one process, an ordinary object a service creates once (a Spring bean)
 * and closes: the jraft RPC server (gRPC transport) on the raft port that all the
 * process's groups share, the threads they share (reads that follow a read-index or lease
 * check), where their Raft logs go ({@link RaftLogStore}: with a journal, the journal all
 * of them share), and the table of running groups. Each {@link RaftGroup} owns its own
 * life and leaves the table when it closes; {@link #close()} stops what is left in order:
 * groups first, then the journal, the shared threads, the RPC server.
 */
public final class RaftHost implements AutoCloseable, MeterBinder {

	private static final Logger log = LoggerFactory.getLogger(RaftHost.class);

	/**
	 * jraft's gRPC transport reads this once per JVM, when its factory loads, and defaults
	 * to 4 MiB: an entry carrying a whole 16 MiB chunk write would never replicate. Set
	 * before the first RPC server of the process exists.
	 */
	private static final String MAX_MESSAGE_PROPERTY = "jraft.grpc.max_inbound_message_size.bytes";

	private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

	private final Endpoint endpoint;

	private final ClusterCredential credential;

	private final RpcServer rpcServer;

	private final ExecutorService readExecutor;

	private final Map<String, RaftGroup> groups = new ConcurrentHashMap<>();

	private final RaftMetrics metrics = new RaftMetrics(this.groups);

	private final RaftLogStore logStore;

	/** The groups' shared Raft log; null when each has its RocksDB. */
	private final RaftJournal journal;

	/** A host whose groups keep jraft's RocksDB log each; see the full constructor. */
	public RaftHost(String host, int port, ClusterCredential credential) {
		this(host, port, credential, RaftLogStore.ROCKSDB, null);
	}

	/**
	 * Starts the RPC server on host:port; fails if it cannot. With a credential, the groups
	 * here sign every call to their peers with it and the server answers only calls signed
	 * with it (jraft's calls and those of {@link #serve}d services alike); without one
	 * (a cluster with no data key), Raft traffic is open to whoever reaches the port.
	 * @param logStore where the groups keep their Raft logs
	 * @param journalDir the journal's directory (one per disk), for {@link RaftLogStore#JOURNAL}
	 */
	public RaftHost(String host, int port, ClusterCredential credential, RaftLogStore logStore, Path journalDir) {
		configureProcess();
		this.logStore = logStore;
		try {
			this.journal = logStore == RaftLogStore.JOURNAL ? RaftJournal.open(journalDir, this.metrics::journalSynced)
					: null;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot open the Raft journal in " + journalDir, ex);
		}
		this.endpoint = new Endpoint(host, port);
		this.credential = credential;
		this.rpcServer = RpcFactoryHelper.rpcFactory().createRpcServer(this.endpoint);
		if (credential != null) {
			// before the processors: each is registered with the interceptors present then
			((GrpcServer) this.rpcServer).addServerInterceptor(credential.guard((method) -> true));
		}
		else {
			log.warn("no cluster key: the Raft port {} answers anyone who reaches it", this.endpoint);
		}
		RaftRpcServerFactory.addRaftRequestProcessors(this.rpcServer);
		if (!this.rpcServer.init(null)) {
			if (this.journal != null) {
				this.journal.close();
			}
			throw new IllegalStateException("cannot start the Raft RPC server on " + this.endpoint);
		}
		AtomicInteger threads = new AtomicInteger();
		this.readExecutor = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
				r -> {
					Thread t = new Thread(r, "raft-read-" + threads.incrementAndGet());
					t.setDaemon(true);
					return t;
				});
		log.info("Raft RPC server listening on {}", this.endpoint);
	}

	/** What jraft keeps per process (its transport's message cap, its log's RocksDB options). */
	private static synchronized void configureProcess() {
		if (System.getProperty(MAX_MESSAGE_PROPERTY) == null) {
			System.setProperty(MAX_MESSAGE_PROPERTY, Integer.toString(MAX_MESSAGE_BYTES));
		}
		RaftLogRocksOptions.register();
	}

	/** The transport's cap on one message, as configured for this process. */
	static int maxMessageBytes() {
		return Integer.getInteger(MAX_MESSAGE_PROPERTY, MAX_MESSAGE_BYTES);
	}

	/**
	 * Serves a gRPC service on the Raft port beside jraft's own: the calls a group's
	 * replicas make to each other, answered only when signed with this host's credential
	 * (callers add {@link ClusterCredential#interceptor()}). Its handlers run on the
	 * transport's threads and must not block.
	 */
	public void serve(BindableService service) {
		ServerServiceDefinition definition = service.bindService();
		((GrpcServer) this.rpcServer).getHandlerRegistry()
			.addService(this.credential == null ? definition
					: ServerInterceptors.intercept(definition, this.credential.guard((method) -> true)));
	}

	/** "host:port" of this process in every group it belongs to. */
	public String address() {
		return this.endpoint.toString();
	}

	/** Starts a group on the shared server; fails if it cannot start or already runs here. */
	public RaftGroup startGroup(RaftGroupOptions options, CommandStateMachine<?> stateMachine) {
		if (this.groups.containsKey(options.groupId())) {
			throw new IllegalStateException("group " + options.groupId() + " already runs here");
		}
		RaftGroup group = new RaftGroup(options, this, stateMachine);
		if (this.groups.putIfAbsent(options.groupId(), group) != null) {
			group.close();
			throw new IllegalStateException("group " + options.groupId() + " already runs here");
		}
		return group;
	}

	/**
	 * Forgets the Raft log of a group removed from this process (stopped, its directory
	 * about to be deleted): with a journal, its records stop holding segments; a RocksDB
	 * log is in the group's directory and goes with it. Fails if the group runs here.
	 */
	public void dropLog(String groupId) {
		if (this.groups.containsKey(groupId)) {
			throw new IllegalStateException("group " + groupId + " runs here");
		}
		if (this.journal != null && !this.journal.dropGroup(groupId)) {
			throw new IllegalStateException("cannot drop the Raft log of " + groupId + " from the journal");
		}
	}

	/** The running group, or null. */
	public RaftGroup group(String groupId) {
		return this.groups.get(groupId);
	}

	public Map<String, RaftGroup> groups() {
		return Map.copyOf(this.groups);
	}

	Endpoint endpoint() {
		return this.endpoint;
	}

	/** What the groups here sign their calls with; null when the host is open. */
	ClusterCredential credential() {
		return this.credential;
	}

	RpcServer rpcServer() {
		return this.rpcServer;
	}

	ExecutorService readExecutor() {
		return this.readExecutor;
	}

	RaftLogStore logStore() {
		return this.logStore;
	}

	/** The shared Raft log, with {@link RaftLogStore#JOURNAL}. */
	RaftJournal journal() {
		return this.journal;
	}

	RaftMetrics metrics() {
		return this.metrics;
	}

	/** The groups' {@code curve4j_raft_*} meters; Spring binds a host bean to the service's registry. */
	@Override
	public void bindTo(MeterRegistry registry) {
		this.metrics.bindTo(registry);
	}

	/** Called by a group that stopped. */
	void forget(RaftGroup group) {
		this.groups.remove(group.groupId(), group);
	}

	@Override
	public void close() {
		// in parallel: each waits for its node to stop
		new ArrayList<>(this.groups.values()).parallelStream().forEach(RaftGroup::close);
		if (this.journal != null) {
			this.journal.close();
		}
		this.readExecutor.shutdownNow();
		try {
			this.readExecutor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.rpcServer.shutdown();
	}

}
