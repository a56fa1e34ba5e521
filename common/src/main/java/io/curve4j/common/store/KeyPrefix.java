package io.curve4j.common.store;

import java.util.Arrays;

/**
 * The leading bytes of the keys a scan visits; {@link #ALL} visits a whole column family.
 * Made by {@link ColumnFamily#prefix}, so a prefix is always the encoding of a key's
 * leading part.
 */
public record KeyPrefix(byte[] bytes) {

	public static final KeyPrefix ALL = new KeyPrefix(new byte[0]);

	public KeyPrefix {
		bytes = bytes.clone();
	}

	@Override
	public byte[] bytes() {
		return this.bytes.clone();
	}

	boolean matches(byte[] key) {
		return key.length >= this.bytes.length && Arrays.equals(key, 0, this.bytes.length, this.bytes, 0, this.bytes.length);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof KeyPrefix p && Arrays.equals(this.bytes, p.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.bytes);
	}

	@Override
	public String toString() {
		return "KeyPrefix" + Arrays.toString(this.bytes);
	}

}
