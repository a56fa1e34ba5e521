package io.curve4j.common.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * How the keys or values of a column family become bytes and back. Integers are
 * big-endian, so that RocksDB's byte order is numeric order and a prefix scan over a
 * leading integer lists one parent's children.
 *
 * @param <T> the type stored
 */
public interface Codec<T> {

	byte[] toBytes(T value);

	/** Fails with {@link CurveException} (INTERNAL) when bytes are not a T: a corrupt database. */
	T fromBytes(byte[] bytes);

	/** Unsigned 32-bit integer, 4 bytes big-endian. */
	static Codec<Integer> u32() {
		return new Codec<>() {
			@Override
			public byte[] toBytes(Integer value) {
				return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
			}

			@Override
			public Integer fromBytes(byte[] bytes) {
				return exactly(bytes, Integer.BYTES, "u32").getInt();
			}
		};
	}

	/** Unsigned 64-bit integer, 8 bytes big-endian. */
	static Codec<Long> u64() {
		return new Codec<>() {
			@Override
			public byte[] toBytes(Long value) {
				return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
			}

			@Override
			public Long fromBytes(byte[] bytes) {
				return exactly(bytes, Long.BYTES, "u64").getLong();
			}
		};
	}

	/** A string as UTF-8, no length or terminator (so it must be the last part of a key). */
	static Codec<String> utf8() {
		return new Codec<>() {
			@Override
			public byte[] toBytes(String value) {
				return value.getBytes(StandardCharsets.UTF_8);
			}

			@Override
			public String fromBytes(byte[] bytes) {
				return new String(bytes, StandardCharsets.UTF_8);
			}
		};
	}

	/** A flag as one byte, 1 or 0. */
	static Codec<Boolean> flag() {
		return new Codec<>() {
			@Override
			public byte[] toBytes(Boolean value) {
				return new byte[] { (byte) (value ? 1 : 0) };
			}

			@Override
			public Boolean fromBytes(byte[] bytes) {
				return exactly(bytes, 1, "flag").get() == 1;
			}
		};
	}

	/** A protobuf message of one type. */
	static <M extends Message> Codec<M> proto(Parser<M> parser) {
		return new Codec<>() {
			@Override
			public byte[] toBytes(M value) {
				return value.toByteArray();
			}

			@Override
			public M fromBytes(byte[] bytes) {
				try {
					return parser.parseFrom(bytes);
				}
				catch (InvalidProtocolBufferException ex) {
					throw new CurveException(ErrorCode.INTERNAL, "corrupt record: " + ex.getMessage(), ex);
				}
			}
		};
	}

	/**
	 * A key of two parts, a fixed-width one first (so that it can be a scan prefix) and
	 * the rest after it, e.g. (parent id, name) or (file id, segment index).
	 */
	static <K, A, B> Codec<K> pair(Codec<A> first, int firstWidth, Function<K, A> firstOf, Codec<B> rest,
			Function<K, B> restOf, BiFunction<A, B, K> join) {
		return new Codec<>() {
			@Override
			public byte[] toBytes(K value) {
				byte[] a = first.toBytes(firstOf.apply(value));
				byte[] b = rest.toBytes(restOf.apply(value));
				return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
			}

			@Override
			public K fromBytes(byte[] bytes) {
				if (bytes.length < firstWidth) {
					throw new CurveException(ErrorCode.INTERNAL,
							"corrupt key: " + bytes.length + " bytes, shorter than its first part (" + firstWidth + ")");
				}
				return join.apply(first.fromBytes(Arrays.copyOfRange(bytes, 0, firstWidth)),
						rest.fromBytes(Arrays.copyOfRange(bytes, firstWidth, bytes.length)));
			}
		};
	}

	private static ByteBuffer exactly(byte[] bytes, int length, String type) {
		if (bytes.length != length) {
			throw new CurveException(ErrorCode.INTERNAL,
					"corrupt " + type + ": " + bytes.length + " bytes where " + length + " belong");
		}
		return ByteBuffer.wrap(bytes);
	}

}
