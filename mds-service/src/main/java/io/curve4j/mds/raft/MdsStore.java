package io.curve4j.mds.raft;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import io.curve4j.common.raft.CheckpointSnapshots;
import io.curve4j.common.store.ColumnFamily;
import io.curve4j.common.store.KeyPrefix;
import io.curve4j.common.store.RocksStore;

/**
 * The MDS database ({@link MdsSchema}). Only the state machine writes (through
 * {@link MdsTx}); anybody reads. A read-write lock keeps readers off the database while
 * a Raft snapshot replaces it.
 */
public final class MdsStore implements MdsReader, CheckpointSnapshots.Checkpointable, AutoCloseable {

	private final RocksStore rocks;

	private final ReadWriteLock lock = new ReentrantReadWriteLock();

	private volatile long appliedIndex;

	public MdsStore(Path dir) {
		this.rocks = new RocksStore(dir, MdsSchema.DEFINITION);
		this.appliedIndex = storedAppliedIndex();
	}

	/** Index of the last Raft entry whose changes are in the database. */
	@Override
	public long appliedIndex() {
		return this.appliedIndex;
	}

	@Override
	public <K, V> Optional<V> get(ColumnFamily<K, V> cf, K key) {
		return locked(() -> this.rocks.get(cf, key));
	}

	@Override
	public <K, V> void scan(ColumnFamily<K, V> cf, KeyPrefix prefix, BiConsumer<K, V> visitor) {
		locked(() -> {
			this.rocks.scan(cf, prefix, visitor);
			return null;
		});
	}

	/** Writes a batch; the batch carries the new applied index. */
	void write(RocksStore.Batch batch, long index) {
		locked(() -> {
			batch.put(MdsSchema.COUNTERS, MdsSchema.APPLIED_INDEX, index);
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
			this.appliedIndex = storedAppliedIndex();
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

	private long storedAppliedIndex() {
		return this.rocks.get(MdsSchema.COUNTERS, MdsSchema.APPLIED_INDEX).orElse(0L);
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

}
