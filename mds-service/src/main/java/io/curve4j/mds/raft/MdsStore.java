package io.curve4j.mds.raft;

import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import io.curve4j.common.raft.CheckpointSnapshots;
import io.curve4j.common.store.RocksStore;
import io.curve4j.mds.raft.MdsSchema.Table;

/**
 * Typed access to the MDS RocksDB. Only the state machine writes (through
 * {@link MdsTx}); anybody reads. A read-write lock keeps readers off the database while
 * a Raft snapshot replaces it.
 */
public final class MdsStore implements MdsReader, CheckpointSnapshots.Checkpointable, AutoCloseable {

	private final RocksStore rocks;

	private final ReadWriteLock lock = new ReentrantReadWriteLock();

	private volatile long appliedIndex;

	public MdsStore(Path dir) {
		this.rocks = new RocksStore(dir, MdsSchema.COLUMN_FAMILIES);
		this.appliedIndex = readLong(MdsSchema.APPLIED_INDEX);
	}

	/** Index of the last Raft entry whose changes are in the database. */
	@Override
	public long appliedIndex() {
		return this.appliedIndex;
	}

	@Override
	public byte[] raw(String cf, byte[] key) {
		return locked(() -> this.rocks.get(cf, key));
	}

	@Override
	public void scan(String cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
		locked(() -> {
			this.rocks.scan(cf, prefix, visitor);
			return null;
		});
	}

	long readLong(byte[] key) {
		byte[] v = raw(MdsSchema.META, key);
		return v == null ? 0 : MdsSchema.readU64(v);
	}

	/** Writes a batch; the batch carries the new applied index. */
	void write(RocksStore.Batch batch, long index) {
		locked(() -> {
			batch.put(MdsSchema.META, MdsSchema.APPLIED_INDEX, MdsSchema.u64(index));
			batch.commit();
			return null;
		});
		this.appliedIndex = index;
	}

	RocksStore.Batch batch() {
		return this.rocks.batch();
	}

	@Override
	public void checkpoint(Path target) {
		locked(() -> {
			this.rocks.checkpoint(target);
			return null;
		});
	}

	@Override
	public void restore(Path checkpoint) {
		this.lock.writeLock().lock();
		try {
			this.rocks.restore(checkpoint);
			this.appliedIndex = readLong(MdsSchema.APPLIED_INDEX);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	@Override
	public void close() {
		this.lock.writeLock().lock();
		try {
			this.rocks.close();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	private <T> T locked(Supplier<T> action) {
		this.lock.readLock().lock();
		try {
			return action.get();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	static <V extends Message> V parse(Table<V> table, byte[] bytes) {
		try {
			return table.parser().parseFrom(bytes);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("corrupt record in " + table.name(), ex);
		}
	}

}
