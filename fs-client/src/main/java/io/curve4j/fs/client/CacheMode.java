package io.curve4j.fs.client;

import java.util.Arrays;

/** What a mount's local disk cache does; the MDS lists it with the mount. */
public enum CacheMode {

	/** No disk cache: reads come from the store (and memory), writes are durable once in the store. */
	OFF("off"),

	/** Objects read are kept on disk; writes are durable once in the store. */
	READ_ONLY("read-only"),

	/**
	 * Also writes: durable once on the cache disk (fsync returns then) and recorded as
	 * pending upload; uploaded in the background.
	 */
	WRITE_BACK("write-back");

	private final String label;

	CacheMode(String label) {
		this.label = label;
	}

	/** The name users give and see: off, read-only, write-back. */
	public String label() {
		return this.label;
	}

	/**
	 * The mode a mount runs in: the one given, else read-only with a cache directory and off
	 * without one.
	 * @throws IllegalArgumentException when a cache mode lacks its directory, or off has one
	 */
	public static CacheMode of(CacheMode given, boolean hasDirectory) {
		CacheMode mode = given != null ? given : hasDirectory ? READ_ONLY : OFF;
		if ((mode == OFF) == hasDirectory) {
			throw new IllegalArgumentException("cache mode " + mode.label + (hasDirectory ? " takes no" : " needs a")
					+ " cache directory");
		}
		return mode;
	}

	/**
	 * Checks a mount's upload delay against its mode (both `fs mount` and the client ask).
	 * @throws IllegalArgumentException when the delay is negative, or set without write-back
	 */
	public void checkUploadDelay(long seconds) {
		if (seconds < 0 || (seconds > 0 && this != WRITE_BACK)) {
			throw new IllegalArgumentException("--upload-delay takes seconds, zero or more, with --cache-mode write-back");
		}
	}

	/** The mode a user named. */
	public static CacheMode of(String label) {
		return Arrays.stream(values())
			.filter(mode -> mode.label.equals(label))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"unknown cache mode '" + label + "': expected off, read-only or write-back"));
	}

}
