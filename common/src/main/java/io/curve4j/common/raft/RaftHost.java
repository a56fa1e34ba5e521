package io.curve4j.common.raft;

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
import io.grpc.ServerServiceDefinition;

import io.curve4j.common.store.RaftLogRocksOptions;

/**
 * The Raft side of one process, an ordinary object a service creates once (a Spring bean)
 * and closes: the jraft RPC server (gRPC transport) on the raft port that all the
 * process's groups share, the threads they share (reads that follow a read-index or lease
 * check), and the table of running groups. Each {@link RaftGroup} owns its own life and
 * leaves the table when it closes; {@link #close()} stops what is left in order: groups
 * first, then the shared threads, then the RPC server.
 */
public final class RaftHost implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RaftHost.class);

	/**
	 * jraft's gRPC transport reads this once per JVM, when its factory loads, and defaults
	 * to 4 MiB: an entry carrying a whole 16 MiB chunk write would never replicate. Set
	 * before the first RPC server of the process exists.
	 */
	private static final String MAX_MESSAGE_PROPERTY = "jraft.grpc.max_inbound_message_size.bytes";

	private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

	private final Endpoint endpoint;

	private final RpcServer rpcServer;

	private final ExecutorService readExecutor;

	private final Map<String, RaftGroup> groups = new ConcurrentHashMap<>();

	/** Starts the RPC server on host:port; fails if it cannot. */
	public RaftHost(String host, int port) {
		configureProcess();
		this.endpoint = new Endpoint(host, port);
		this.rpcServer = RaftRpcServerFactory.createRaftRpcServer(this.endpoint);
		if (!this.rpcServer.init(null)) {
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
	 * replicas make to each other. Its handlers run on the transport's threads and must
	 * not block.
	 */
	public void serve(ServerServiceDefinition service) {
		((GrpcServer) this.rpcServer).getHandlerRegistry().addService(service);
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

	RpcServer rpcServer() {
		return this.rpcServer;
	}

	ExecutorService readExecutor() {
		return this.readExecutor;
	}

	/** Called by a group that stopped. */
	void forget(RaftGroup group) {
		this.groups.remove(group.groupId(), group);
	}

	@Override
	public void close() {
		// in parallel: each waits for its node to stop
		new ArrayList<>(this.groups.values()).parallelStream().forEach(RaftGroup::close);
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
