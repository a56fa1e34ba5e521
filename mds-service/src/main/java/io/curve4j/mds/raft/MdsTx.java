package io.curve4j.mds.raft;

import java.util.Optional;
import java.util.function.BiConsumer;

import io.curve4j.common.store.ColumnFamily;
import io.curve4j.common.store.KeyPrefix;
import io.curve4j.common.store.RocksStore;

/**
 * The changes of one applied command. Reads see the command's own pending writes, so a
 * handler can create a record and find it again; nothing reaches the database until
 * {@link #commit(long)} writes everything together with the applied index (in RocksDB's
 * indexed write batch). A handler that throws leaves the database untouched.
 */
public final class MdsTx implements MdsReader, AutoCloseable {

	private final MdsStore store;

	private final RocksStore.Batch batch;

	MdsTx(MdsStore store) {
		this.store = store;
		this.batch = store.batch();
	}

	public <K, V> void put(ColumnFamily<K, V> cf, K key, V value) {
		this.batch.put(cf, key, value);
	}

	public <K, V> void delete(ColumnFamily<K, V> cf, K key) {
		this.batch.delete(cf, key);
	}

	@Override
	public <K, V> Optional<V> get(ColumnFamily<K, V> cf, K key) {
		return this.batch.get(cf, key);
	}

	/** Pending writes included. */
	@Override
	public <K, V> void scan(ColumnFamily<K, V> cf, KeyPrefix prefix, BiConsumer<K, V> visitor) {
		this.batch.scan(cf, prefix, visitor);
	}

	/** Advances a counter and returns its new value; counters start at 1. */
	public long nextId(String counter) {
		String key = MdsSchema.counterKey(counter);
		long next = get(MdsSchema.COUNTERS, key).orElse(0L) + 1;
		put(MdsSchema.COUNTERS, key, next);
		return next;
	}

	/** Writes the changes and the applied index in one batch. */
	void commit(long index) {
		this.store.write(this.batch, index);
	}

	/** Frees the batch; changes not committed are dropped. */
	@Override
	public void close() {
		this.batch.close();
	}

}
