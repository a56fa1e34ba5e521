package io.curve4j.mds.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import io.curve4j.common.store.ColumnFamily;
import io.curve4j.common.store.KeyPrefix;

/**
 * Reads of the MDS database: the committed state ({@link MdsStore}) or the state as a
 * command being applied sees it ({@link MdsTx}), so lookups are written once for both.
 */
public interface MdsReader {

	<K, V> Optional<V> get(ColumnFamily<K, V> cf, K key);

	/** Visits every entry whose key starts with prefix, in key order. */
	<K, V> void scan(ColumnFamily<K, V> cf, KeyPrefix prefix, BiConsumer<K, V> visitor);

	/** Values whose key starts with prefix, in key order. */
	default <K, V> List<V> list(ColumnFamily<K, V> cf, KeyPrefix prefix) {
		List<V> values = new ArrayList<>();
		scan(cf, prefix, (k, v) -> values.add(v));
		return values;
	}

	default <K, V> List<V> list(ColumnFamily<K, V> cf) {
		return list(cf, KeyPrefix.ALL);
	}

}
