package io.curve4j.mds.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import com.google.protobuf.Message;

import io.curve4j.mds.raft.MdsSchema.Table;

/**
 * Reads of the MDS database: the committed state ({@link MdsStore}) or the state as a
 * command being applied sees it ({@link MdsTx}), so lookups are written once for both.
 */
public interface MdsReader {

	byte[] raw(String cf, byte[] key);

	/** Visits every entry whose key starts with prefix, in key order. */
	void scan(String cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor);

	default <V extends Message> Optional<V> get(Table<V> table, byte[] key) {
		return Optional.ofNullable(raw(table.name(), key)).map(bytes -> MdsStore.parse(table, bytes));
	}

	/** Values whose key starts with prefix, in key order. */
	default <V extends Message> List<V> list(Table<V> table, byte[] prefix) {
		List<V> values = new ArrayList<>();
		scan(table.name(), prefix, (k, v) -> values.add(MdsStore.parse(table, v)));
		return values;
	}

	default <V extends Message> List<V> list(Table<V> table) {
		return list(table, new byte[0]);
	}

}
