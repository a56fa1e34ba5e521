package io.curve4j.sdk.nbd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * The pre-shared keys of NBD's TLS clients, by identity, which is a Curve user name. Read
 * from a file in the format of QEMU's {@code tls-creds-psk} ({@code keys.psk}: one
 * {@code name:hexkey} a line), so one file serves the server and QEMU alike.
 */
public final class NbdPskKeys {

	/** The file name QEMU's {@code tls-creds-psk} reads in its {@code dir}. */
	public static final String FILE_NAME = "keys.psk";

	/** Shorter keys are refused: a pre-shared key is the whole secret of a connection. */
	static final int MIN_KEY_BYTES = 16;

	/** The most BoringSSL takes. */
	static final int MAX_KEY_BYTES = 256;

	/** New keys have 256 bits, as QEMU's documentation has {@code psktool} make them. */
	private static final int NEW_KEY_BYTES = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Map<String, byte[]> keys;

	private NbdPskKeys(Map<String, byte[]> keys) {
		this.keys = keys;
	}

	/**
	 * Reads {@code file}: {@code name:hexkey} lines (QEMU's {@code keys.psk}); blank lines
	 * are skipped. A malformed line, a key shorter than 16 bytes (or longer than 256), a name given twice or a
	 * file without keys is refused, naming the line.
	 */
	public static NbdPskKeys read(Path file) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "cannot read the PSK file " + file + ": " + ex, ex);
		}
		Map<String, byte[]> keys = new HashMap<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).strip();
			if (line.isEmpty()) {
				continue;
			}
			String where = file + " line " + (i + 1);
			int colon = line.indexOf(':');
			if (colon <= 0) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, where + ": expected name:hexkey");
			}
			byte[] key = parseKey(line.substring(colon + 1), where);
			if (keys.put(line.substring(0, colon), key) != null) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT,
						where + ": '" + line.substring(0, colon) + "' has a key already");
			}
		}
		if (keys.isEmpty()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "the PSK file " + file + " has no keys");
		}
		return new NbdPskKeys(Map.copyOf(keys));
	}

	/** A line of a keys file giving {@code identity} a new random key. */
	public static String newKeyLine(String identity) {
		byte[] key = new byte[NEW_KEY_BYTES];
		RANDOM.nextBytes(key);
		return identity + ":" + HexFormat.of().formatHex(key);
	}

	/** The key of {@code identity}, if it has one. */
	Optional<byte[]> key(String identity) {
		return Optional.ofNullable(this.keys.get(identity)).map(byte[]::clone);
	}

	/** Every identity with a key. */
	public Set<String> identities() {
		return this.keys.keySet();
	}

	private static byte[] parseKey(String hex, String where) {
		byte[] key;
		try {
			key = HexFormat.of().parseHex(hex);
		}
		catch (IllegalArgumentException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, where + ": the key is not hexadecimal");
		}
		if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, where + ": the key has " + key.length
					+ " bytes; from " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " are taken");
		}
		return key;
	}

}
