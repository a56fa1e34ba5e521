package io.curve4j.common.store;

/**
 * One column family of a database: its name on disk and how its keys and values are
 * encoded. Two definitions may name the same column family when it holds several kinds
 * of small named values (each definition is a typed view of its own keys).
 *
 * @param <K> key type
 * @param <V> value type
 */
public record ColumnFamily<K, V>(String name, Codec<K> keyCodec, Codec<V> valueCodec) {

	/** The keys that start with the encoding of value in codec, e.g. all dentries of one parent. */
	public <P> KeyPrefix prefix(Codec<P> codec, P value) {
		return new KeyPrefix(codec.toBytes(value));
	}

}
