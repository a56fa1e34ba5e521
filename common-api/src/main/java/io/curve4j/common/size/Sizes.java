package io.curve4j.common.size;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Binary sizes as users write them ({@code 10GiB}, {@code 4k}, {@code 512}) and the fixed
 * geometry of a volume.
 */
public final class Sizes {

	public static final long KIB = 1024L;

	public static final long MIB = 1024L * KIB;

	public static final long GIB = 1024L * MIB;

	public static final long TIB = 1024L * GIB;

	/** Smallest I/O alignment of the SDK and NBD. */
	public static final int SECTOR_SIZE = 512;

	/** Smallest aligned write inside a chunk; also the chunk file header size. */
	public static final int PAGE_SIZE = 4096;

	/**
	 * Chunk size of a logical pool that does not set one. Each volume records the chunk and
	 * segment size of the pool it was created in; code that handles a volume uses those.
	 */
	public static final int DEFAULT_CHUNK_SIZE = (int) (16 * MIB);

	/** Smallest chunk: 16 pages; smaller chunks only multiply files and Raft entries. */
	public static final long MIN_CHUNK_SIZE = 64 * KIB;

	/** Largest chunk: chunk offsets travel as unsigned 32-bit integers, snapshots copy whole chunk files. */
	public static final long MAX_CHUNK_SIZE = GIB;

	/** Segment size (the unit of allocation in the namespace) of a logical pool that does not set one. */
	public static final long DEFAULT_SEGMENT_SIZE = GIB;

	private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgtp]?)(i?b?)");

	private Sizes() {
	}

	/** Whether a chunk file may have this size: a power of two from {@link #MIN_CHUNK_SIZE} to {@link #MAX_CHUNK_SIZE}. */
	public static boolean isChunkSize(long bytes) {
		return Long.bitCount(bytes) == 1 && bytes >= MIN_CHUNK_SIZE && bytes <= MAX_CHUNK_SIZE;
	}

	/**
	 * Parses {@code 10GiB}, {@code 10G}, {@code 4KiB}, {@code 4k}, {@code 512B} or
	 * {@code 512}. Suffixes are binary (k = KiB).
	 */
	public static long parse(String text) {
		if (text == null) {
			throw new CurveException(ErrorCode.INVALID_SIZE, "size is missing");
		}
		Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
		if (!m.matches()) {
			throw new CurveException(ErrorCode.INVALID_SIZE,
					"'" + text + "' is not a size; write a whole number with B, KiB, MiB, GiB or TiB (e.g. 10GiB)");
		}
		long unit = switch (m.group(2)) {
			case "k" -> KIB;
			case "m" -> MIB;
			case "g" -> GIB;
			case "t" -> TIB;
			case "p" -> 1024L * TIB;
			default -> 1L;
		};
		try {
			return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
		}
		catch (ArithmeticException | NumberFormatException ex) {
			throw new CurveException(ErrorCode.INVALID_SIZE, "'" + text + "' is too large");
		}
	}

	/** Shortest exact human form: {@code 10GiB}, {@code 1536MiB}, {@code 7B}. */
	public static String format(long bytes) {
		String[] units = { "TiB", "GiB", "MiB", "KiB" };
		long[] factors = { TIB, GIB, MIB, KIB };
		for (int i = 0; i < units.length; i++) {
			if (bytes >= factors[i] && bytes % factors[i] == 0) {
				return (bytes / factors[i]) + units[i];
			}
		}
		return bytes + "B";
	}

}
