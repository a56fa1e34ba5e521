package io.curve4j.common.raft;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;

/**
 * The Raft side of one process: a single jraft RPC server (gRPC transport) on the raft
 * port that every group of the process shares, and the table of running groups. Stops
 * in order: groups first, then the RPC server.
 */
public final class RaftHost implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RaftHost.class);

	/**
	 * jraft's gRPC transport reads this once per JVM, when its factory loads, and defaults
	 * to 4 MiB: an entry carrying a whole 16 MiB chunk write would never replicate. Set
	 * here, before any Raft server exists, so every service of a JVM gets it.
	 */
	private static final String MAX_MESSAGE_PROPERTY = "jraft.grpc.max_inbound_message_size.bytes";

	private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

	private static final long MIB = 1024 * 1024;

	/** Memory for the Raft log databases of one process: memtables and block cache together. */
	private static final long LOG_MEMORY_MIB = 128;

	static {
		if (System.getProperty(MAX_MESSAGE_PROPERTY) == null) {
			System.setProperty(MAX_MESSAGE_PROPERTY, Integer.toString(MAX_MESSAGE_BYTES));
		}
		registerLogStorageOptions();
	}

	/**
	 * Every group keeps its Raft log in a RocksDB of its own. jraft's defaults size that
	 * database for one group per process (optimizeLevelStyleCompaction: 128 MiB memtables,
	 * up to 6 of them, compressed), which put a chunkserver with a handful of copysets at
	 * 2.6 GiB RSS and spent CPU compressing chunk data that does not compress. Here every
	 * log database of the process shares one memory budget: memtables (flushed early when
	 * the budget is used up) and the block cache are charged to one cache of
	 * {@value #LOG_MEMORY_MIB} MiB, so the Raft logs of many groups cost what one would.
	 * Entries live in the log only until the next snapshot, so no compression. jraft also
	 * lets the write-ahead log grow to 1 GiB per group before it forces a flush of the
	 * rarely written configuration column family, so WAL files pile up next to the tables;
	 * 32 MiB recycles them.
	 */
	private static void registerLogStorageOptions() {
		RocksDB.loadLibrary();
		Cache cache = new LRUCache(LOG_MEMORY_MIB * MIB);
		WriteBufferManager memtables = new WriteBufferManager(LOG_MEMORY_MIB * MIB * 3 / 4, cache);
		StorageOptionsFactory.registerRocksDBOptions(RocksDBLogStorage.class,
				StorageOptionsFactory.getDefaultRocksDBOptions()
					.setMaxTotalWalSize(32 * MIB)
					.setWriteBufferManager(memtables));
		ColumnFamilyOptions options = new ColumnFamilyOptions().setWriteBufferSize(8 * MIB)
			.setMaxWriteBufferNumber(2)
			.setMinWriteBufferNumberToMerge(1)
			.setCompressionType(CompressionType.NO_COMPRESSION)
			.setLevel0FileNumCompactionTrigger(4)
			.setTableFormatConfig(StorageOptionsFactory.getDefaultRocksDBTableConfig().setBlockCache(cache));
		StorageOptionsFactory.registerRocksDBColumnFamilyOptions(RocksDBLogStorage.class, options);
	}

	private final Endpoint endpoint;

	private final RpcServer rpcServer;

	private final Map<String, RaftGroup> groups = new ConcurrentHashMap<>();

	public RaftHost(String host, int port) {
		this.endpoint = new Endpoint(host, port);
		this.rpcServer = RaftRpcServerFactory.createRaftRpcServer(this.endpoint);
		if (!this.rpcServer.init(null)) {
			throw new IllegalStateException("cannot start the Raft RPC server on " + this.endpoint);
		}
		log.info("Raft RPC server listening on {}", this.endpoint);
	}

	/** "host:port" of this process in every group it belongs to. */
	public String address() {
		return this.endpoint.toString();
	}

	/** Starts a group on the shared server; fails if it cannot start. */
	public RaftGroup startGroup(RaftGroupOptions options, RaftStateMachine stateMachine) {
		RaftGroup group = new RaftGroup(options, this.endpoint, this.rpcServer, stateMachine);
		RaftGroup previous = this.groups.putIfAbsent(options.groupId(), group);
		if (previous != null) {
			group.close();
			throw new IllegalStateException("group " + options.groupId() + " already runs here");
		}
		return group;
	}

	public RaftGroup group(String groupId) {
		return this.groups.get(groupId);
	}

	public Map<String, RaftGroup> groups() {
		return Map.copyOf(this.groups);
	}

	/** Stops one group and forgets it. */
	public void stopGroup(String groupId) {
		RaftGroup group = this.groups.remove(groupId);
		if (group != null) {
			group.close();
		}
	}

	@Override
	public void close() {
		this.groups.values().parallelStream().forEach(RaftGroup::close);
		this.groups.clear();
		this.rpcServer.shutdown();
	}

}
