package io.curve4j.mds.raft;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import com.google.protobuf.Message;

import io.curve4j.common.store.RocksStore;
import io.curve4j.mds.raft.MdsSchema.Table;

/**
 * The changes of one applied command. Reads see the command's own pending writes, so a
 * handler can create a record and find it again; nothing reaches the database until
 * {@link #commit(long)} writes everything together with the applied index. A handler
 * that throws leaves the database untouched.
 */
public final class MdsTx implements MdsReader {

	private static final byte[] DELETED = new byte[0];

	private final MdsStore store;

	/** Column family -> key -> pending value ({@link #DELETED} for a delete). */
	private final Map<String, TreeMap<byte[], byte[]>> pending = new HashMap<>();

	MdsTx(MdsStore store) {
		this.store = store;
	}

	public <V extends Message> void put(Table<V> table, byte[] key, V value) {
		putRaw(table.name(), key, value.toByteArray());
	}

	public void delete(String cf, byte[] key) {
		cf(cf).put(key, DELETED);
	}

	@Override
	public byte[] raw(String cf, byte[] key) {
		TreeMap<byte[], byte[]> changes = this.pending.get(cf);
		if (changes != null && changes.containsKey(key)) {
			byte[] v = changes.get(key);
			return v == DELETED ? null : v;
		}
		return this.store.raw(cf, key);
	}

	/** Pending writes included. */
	@Override
	public void scan(String cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
		merged(cf, prefix).forEach(visitor);
	}

	private TreeMap<byte[], byte[]> merged(String cf, byte[] prefix) {
		TreeMap<byte[], byte[]> result = new TreeMap<>(Arrays::compareUnsigned);
		this.store.scan(cf, prefix, result::put);
		TreeMap<byte[], byte[]> changes = this.pending.get(cf);
		if (changes != null) {
			changes.forEach((k, v) -> {
				if (startsWith(k, prefix)) {
					if (v == DELETED) {
						result.remove(k);
					}
					else {
						result.put(k, v);
					}
				}
			});
		}
		return result;
	}

	public void putRaw(String cf, byte[] key, byte[] value) {
		cf(cf).put(key, value);
	}

	/** Advances a counter and returns its new value; counters start at 1. */
	public long nextId(String counter) {
		byte[] key = MdsSchema.counterKey(counter);
		byte[] current = raw(MdsSchema.META, key);
		long next = (current == null ? 0 : MdsSchema.readU64(current)) + 1;
		putRaw(MdsSchema.META, key, MdsSchema.u64(next));
		return next;
	}

	void commit(long index) {
		try (RocksStore.Batch batch = this.store.batch()) {
			this.pending.forEach((cf, changes) -> changes.forEach((k, v) -> {
				if (v == DELETED) {
					batch.delete(cf, k);
				}
				else {
					batch.put(cf, k, v);
				}
			}));
			this.store.write(batch, index);
		}
	}

	private TreeMap<byte[], byte[]> cf(String cf) {
		return this.pending.computeIfAbsent(cf, name -> new TreeMap<>(Arrays::compareUnsigned));
	}

	private static boolean startsWith(byte[] key, byte[] prefix) {
		return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
	}

}
