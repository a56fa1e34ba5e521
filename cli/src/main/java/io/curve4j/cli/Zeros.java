package io.curve4j.cli;

import java.util.Arrays;

/** Finds blocks of zeros, the holes that import and export skip. */
final class Zeros {

	private static final byte[] ZEROS = new byte[ImportCommand.BLOCK];

	private Zeros() {
	}

	/** Whether {@code data[from, from + length)} holds only zeros; {@code length} at most one import block. */
	static boolean isZero(byte[] data, int from, int length) {
		return Arrays.mismatch(data, from, from + length, ZEROS, 0, length) < 0;
	}

}
