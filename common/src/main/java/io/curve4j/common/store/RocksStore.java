package io.curve4j.common.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

import org.apache.commons.io.FileUtils;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * A RocksDB database opened from a {@link StoreDefinition}, read and written through its
 * typed {@link ColumnFamily column families}. With {@link RaftLogRocksOptions}, the only
 * code that imports {@code org.rocksdb}.
 *
 * <p>
 * Writes keep RocksDB's WAL but do not fsync it: state machines write only entries
 * that are already durable in the Raft log, with their applied index in the same batch,
 * so a lost tail is replayed from the log.
 */
public final class RocksStore implements AutoCloseable {

	static {
		RocksDB.loadLibrary();
	}

	/** Pinned so that a later RocksDB can still be rolled back to this one. */
	private static final int TABLE_FORMAT_VERSION = 5;

	/**
	 * Bloom filter bits per key (about 1 % false positives). Most reads of a metadata change
	 * look for a key that is not there yet (a new name, request id or inode id): the
	 * filter answers those without searching each table's index and blocks.
	 */
	private static final double FILTER_BITS_PER_KEY = 10;

	private final Path dir;

	private final StoreDefinition definition;

	private DBOptions dbOptions;

	private ColumnFamilyOptions cfOptions;

	private BloomFilter filter;

	private RocksDB db;

	private final Map<String, ColumnFamilyHandle> handles = new LinkedHashMap<>();

	private final WriteOptions writeOptions = new WriteOptions();

	private final ReadOptions readOptions = new ReadOptions();

	public RocksStore(Path dir, StoreDefinition definition) {
		this.dir = dir;
		this.definition = definition;
		open();
	}

	private void open() {
		try {
			Files.createDirectories(this.dir);
			this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
			this.filter = new BloomFilter(FILTER_BITS_PER_KEY);
			this.cfOptions = new ColumnFamilyOptions().setTableFormatConfig(
					new BlockBasedTableConfig().setFormatVersion(TABLE_FORMAT_VERSION).setFilterPolicy(this.filter));
			List<String> names = new ArrayList<>(this.definition.columnFamilyNames());
			List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
			descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, this.cfOptions));
			for (String cf : names) {
				descriptors.add(new ColumnFamilyDescriptor(cf.getBytes(StandardCharsets.UTF_8), this.cfOptions));
			}
			List<ColumnFamilyHandle> opened = new ArrayList<>();
			this.db = RocksDB.open(this.dbOptions, this.dir.toString(), descriptors, opened);
			this.handles.clear();
			for (int i = 0; i < names.size(); i++) {
				this.handles.put(names.get(i), opened.get(i + 1));
			}
			opened.get(0).close();
		}
		catch (RocksDBException | IOException ex) {
			throw new IllegalStateException("cannot open the " + this.definition.name() + " database at " + this.dir, ex);
		}
	}

	public Path dir() {
		return this.dir;
	}

	public <K, V> Optional<V> get(ColumnFamily<K, V> cf, K key) {
		try {
			return decode(cf, this.db.get(handle(cf), cf.keyCodec().toBytes(key)));
		}
		catch (RocksDBException ex) {
			throw failure("get", ex);
		}
	}

	/** Visits every entry of cf whose key starts with prefix, in key order. */
	public <K, V> void scan(ColumnFamily<K, V> cf, KeyPrefix prefix, BiConsumer<K, V> visitor) {
		try (RocksIterator it = this.db.newIterator(handle(cf), this.readOptions)) {
			visit(cf, prefix, it, visitor);
		}
	}

	/**
	 * Visits, in key order, the entries of cf whose key starts with prefix and sorts after
	 * {@code after} (from the first when null), while the visitor returns true: one page
	 * of a long listing.
	 */
	public <K, V> void scanAfter(ColumnFamily<K, V> cf, KeyPrefix prefix, K after, BiPredicate<K, V> visitor) {
		try (RocksIterator it = this.db.newIterator(handle(cf), this.readOptions)) {
			byte[] start = after == null ? prefix.bytes() : cf.keyCodec().toBytes(after);
			it.seek(start);
			if (after != null && it.isValid() && Arrays.equals(it.key(), start)) {
				it.next();
			}
			for (; it.isValid() && prefix.matches(it.key()); it.next()) {
				if (!visitor.test(cf.keyCodec().fromBytes(it.key()), cf.valueCodec().fromBytes(it.value()))) {
					return;
				}
			}
		}
	}

	/** A batch of changes that reads its own writes; nothing is visible to others until committed. */
	public Batch batch() {
		return new Batch();
	}

	/** Writes a consistent copy of the database into target (which must not exist). */
	public void checkpoint(Path target) {
		try (Checkpoint checkpoint = Checkpoint.create(this.db)) {
			Files.createDirectories(target.getParent());
			checkpoint.createCheckpoint(target.toString());
		}
		catch (RocksDBException | IOException ex) {
			throw failure("checkpoint", ex);
		}
	}

	/** Replaces the whole database with a checkpoint made by {@link #checkpoint(Path)}. */
	public synchronized void restore(Path checkpointDir) {
		closeDb();
		try {
			Path staging = this.dir.resolveSibling(this.dir.getFileName() + ".restore");
			FileUtils.deleteDirectory(staging.toFile());
			FileUtils.copyDirectory(checkpointDir.toFile(), staging.toFile());
			FileUtils.deleteDirectory(this.dir.toFile());
			Files.move(staging, this.dir, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot restore RocksDB from " + checkpointDir, ex);
		}
		open();
	}

	@Override
	public synchronized void close() {
		closeDb();
		this.writeOptions.close();
		this.readOptions.close();
	}

	private void closeDb() {
		if (this.db == null) {
			return;
		}
		this.handles.values().forEach(ColumnFamilyHandle::close);
		this.handles.clear();
		this.db.close();
		this.db = null;
		this.cfOptions.close();
		this.filter.close();
		this.dbOptions.close();
	}

	private ColumnFamilyHandle handle(ColumnFamily<?, ?> cf) {
		ColumnFamilyHandle h = this.handles.get(cf.name());
		if (h == null) {
			throw new IllegalArgumentException("column family " + cf.name() + " is not in the "
					+ this.definition.name() + " definition (known: " + this.handles.keySet() + ")");
		}
		return h;
	}

	private static <K, V> Optional<V> decode(ColumnFamily<K, V> cf, byte[] value) {
		return value == null ? Optional.empty() : Optional.of(cf.valueCodec().fromBytes(value));
	}

	private static <K, V> void visit(ColumnFamily<K, V> cf, KeyPrefix prefix, RocksIterator it,
			BiConsumer<K, V> visitor) {
		for (it.seek(prefix.bytes()); it.isValid(); it.next()) {
			byte[] key = it.key();
			if (!prefix.matches(key)) {
				break;
			}
			visitor.accept(cf.keyCodec().fromBytes(key), cf.valueCodec().fromBytes(it.value()));
		}
	}

	private CurveException failure(String op, Exception ex) {
		return new CurveException(ErrorCode.INTERNAL, "RocksDB " + op + " failed at " + this.dir + ": " + ex.getMessage(),
				ex);
	}

	/**
	 * Changes applied atomically by {@link #commit()}. Reads through the batch see its own
	 * pending writes over the committed state (RocksDB's indexed write batch), so a command
	 * can create a record and find it again before anything is written.
	 */
	public final class Batch implements AutoCloseable {

		private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);

		/**
		 * The records this batch read or wrote, decoded: a command reads the same ones again
		 * and again (a partition's record, the parent of each new file), and each read through
		 * the batch costs a native call. Values are immutable; the batch is one writer's.
		 */
		private final Map<Record, Seen> seen = new HashMap<>();

		public <K, V> Batch put(ColumnFamily<K, V> cf, K key, V value) {
			byte[] bytes = cf.keyCodec().toBytes(key);
			try {
				this.batch.put(handle(cf), bytes, cf.valueCodec().toBytes(value));
			}
			catch (RocksDBException ex) {
				throw failure("put", ex);
			}
			this.seen.put(Record.of(cf, bytes), new Seen(cf, Optional.of(value)));
			return this;
		}

		public <K, V> Batch delete(ColumnFamily<K, V> cf, K key) {
			byte[] bytes = cf.keyCodec().toBytes(key);
			try {
				this.batch.delete(handle(cf), bytes);
			}
			catch (RocksDBException ex) {
				throw failure("delete", ex);
			}
			this.seen.put(Record.of(cf, bytes), new Seen(cf, Optional.empty()));
			return this;
		}

		@SuppressWarnings("unchecked")
		public <K, V> Optional<V> get(ColumnFamily<K, V> cf, K key) {
			byte[] bytes = cf.keyCodec().toBytes(key);
			Record record = Record.of(cf, bytes);
			Seen known = this.seen.get(record);
			// another typed view of the same column family decodes the bytes itself
			if (known != null && known.view().equals(cf)) {
				return (Optional<V>) known.value();
			}
			try {
				Optional<V> value = decode(cf, this.batch.getFromBatchAndDB(RocksStore.this.db, handle(cf),
						RocksStore.this.readOptions, bytes));
				this.seen.put(record, new Seen(cf, value));
				return value;
			}
			catch (RocksDBException ex) {
				throw failure("get", ex);
			}
		}

		/** As {@link RocksStore#scan}, with this batch's pending writes. */
		public <K, V> void scan(ColumnFamily<K, V> cf, KeyPrefix prefix, BiConsumer<K, V> visitor) {
			ColumnFamilyHandle h = handle(cf);
			// the merged iterator owns the base iterator and closes it
			try (RocksIterator it = this.batch.newIteratorWithBase(h,
					RocksStore.this.db.newIterator(h, RocksStore.this.readOptions))) {
				visit(cf, prefix, it, visitor);
			}
		}

		public void commit() {
			try {
				RocksStore.this.db.write(RocksStore.this.writeOptions, this.batch);
			}
			catch (RocksDBException ex) {
				throw failure("write", ex);
			}
		}

		@Override
		public void close() {
			this.batch.close();
		}

	}

	/** A key of one column family, by its bytes. */
	private record Record(String columnFamily, ByteBuffer key) {

		static Record of(ColumnFamily<?, ?> cf, byte[] key) {
			return new Record(cf.name(), ByteBuffer.wrap(key));
		}

	}

	/** A record's value as the typed view that read or wrote it last decodes it. */
	private record Seen(ColumnFamily<?, ?> view, Optional<?> value) {
	}

}
