package io.curve4j.common.store;

import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;

/**
 * The RocksDB tuning of jraft's Raft log storage: the one class that speaks to both
 * libraries, because jraft takes the options of its RocksDB log from a process-wide
 * registry ({@link StorageOptionsFactory}) keyed by the storage class.
 *
 * <p>
 * Every group keeps its Raft log in a RocksDB of its own. jraft's defaults size that
 * database for one group per process (optimizeLevelStyleCompaction: 128 MiB memtables, up
 * to 6 of them, compressed), which put a chunkserver with a handful of copysets at 2.6 GiB
 * RSS and spent CPU compressing chunk data that does not compress. Here every log
 * database of the process shares one memory budget: memtables (flushed early when the
 * budget is used up) and the block cache are charged to one cache of
 * {@value #LOG_MEMORY_MIB} MiB, so the Raft logs of many groups cost what one would.
 * Entries live in the log only until the next snapshot, so no compression. jraft also
 * lets the write-ahead log grow to 1 GiB per group before it forces a flush of the rarely
 * written configuration column family, so WAL files pile up next to the tables; 32 MiB
 * recycles them.
 */
public final class RaftLogRocksOptions {

	private static final long MIB = 1024 * 1024;

	/** Memory for the Raft log databases of one process: memtables and block cache together. */
	private static final long LOG_MEMORY_MIB = 128;

	private static boolean registered;

	private RaftLogRocksOptions() {
	}

	/** Registers the options once per process, before the first group opens its log. */
	public static synchronized void register() {
		if (registered) {
			return;
		}
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
		registered = true;
	}

}
