package io.curve4j.common.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.commons.io.FileUtils;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * A RocksDB database with named column families. The only class that imports
 * {@code org.rocksdb}: everything else speaks bytes through it.
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

	private final Path dir;

	private final List<String> columnFamilies;

	private DBOptions dbOptions;

	private ColumnFamilyOptions cfOptions;

	private RocksDB db;

	private final Map<String, ColumnFamilyHandle> handles = new LinkedHashMap<>();

	private final WriteOptions writeOptions = new WriteOptions();

	public RocksStore(Path dir, List<String> columnFamilies) {
		this.dir = dir;
		this.columnFamilies = List.copyOf(columnFamilies);
		open();
	}

	private void open() {
		try {
			Files.createDirectories(this.dir);
			this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
			this.cfOptions = new ColumnFamilyOptions()
				.setTableFormatConfig(new BlockBasedTableConfig().setFormatVersion(TABLE_FORMAT_VERSION));
			List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
			descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, this.cfOptions));
			for (String cf : this.columnFamilies) {
				descriptors.add(new ColumnFamilyDescriptor(cf.getBytes(), this.cfOptions));
			}
			List<ColumnFamilyHandle> opened = new ArrayList<>();
			this.db = RocksDB.open(this.dbOptions, this.dir.toString(), descriptors, opened);
			this.handles.clear();
			for (int i = 0; i < this.columnFamilies.size(); i++) {
				this.handles.put(this.columnFamilies.get(i), opened.get(i + 1));
			}
			opened.get(0).close();
		}
		catch (RocksDBException | IOException ex) {
			throw new IllegalStateException("cannot open RocksDB at " + this.dir, ex);
		}
	}

	public Path dir() {
		return this.dir;
	}

	public byte[] get(String cf, byte[] key) {
		try {
			return this.db.get(handle(cf), key);
		}
		catch (RocksDBException ex) {
			throw failure("get", ex);
		}
	}

	/** Visits every entry of a column family whose key starts with prefix, in key order. */
	public void scan(String cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
		try (ReadOptions ro = new ReadOptions(); RocksIterator it = this.db.newIterator(handle(cf), ro)) {
			for (it.seek(prefix); it.isValid(); it.next()) {
				byte[] key = it.key();
				if (!startsWith(key, prefix)) {
					break;
				}
				visitor.accept(key, it.value());
			}
		}
	}

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
		this.dbOptions.close();
	}

	private ColumnFamilyHandle handle(String cf) {
		ColumnFamilyHandle h = this.handles.get(cf);
		if (h == null) {
			throw new IllegalArgumentException("unknown column family " + cf + " (known: " + this.handles.keySet() + ")");
		}
		return h;
	}

	private CurveException failure(String op, Exception ex) {
		return new CurveException(ErrorCode.INTERNAL, "RocksDB " + op + " failed at " + this.dir + ": " + ex.getMessage(),
				ex);
	}

	private static boolean startsWith(byte[] key, byte[] prefix) {
		return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
	}

	/** Changes applied atomically by {@link #commit()}. */
	public final class Batch implements AutoCloseable {

		private final WriteBatch batch = new WriteBatch();

		public Batch put(String cf, byte[] key, byte[] value) {
			try {
				this.batch.put(handle(cf), key, value);
				return this;
			}
			catch (RocksDBException ex) {
				throw failure("put", ex);
			}
		}

		public Batch delete(String cf, byte[] key) {
			try {
				this.batch.delete(handle(cf), key);
				return this;
			}
			catch (RocksDBException ex) {
				throw failure("delete", ex);
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

}
