package io.curve4j.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Curve4J's request signature, in the manner of S3's: an HMAC-SHA256 over the whole
 * request (method, path, query, a SHA-256 of the body), the caller's clock in
 * milliseconds, a random nonce and the owner, keyed with the user's signing key.
 *
 * <p>
 * The signing key is derived from the password with PBKDF2 (salt: the user's name), so
 * the server keeps the key, never the password, and the password cannot be read back
 * from it. The password never travels. The server refuses a date too far from its own
 * clock and a signature it has already seen within that window, so a captured request
 * can be neither changed nor sent again.
 *
 * <p>
 * The values travel as HTTP headers ({@link #OWNER_HEADER} ...) and as gRPC metadata under
 * the same names in lower case; a gRPC call signs method {@code GRPC}, its full method
 * name as path, no query, and its serialized request message as body.
 */
public final class RequestSignature {

	public static final String OWNER_HEADER = "Curve-Owner";

	public static final String DATE_HEADER = "Curve-Date";

	public static final String NONCE_HEADER = "Curve-Nonce";

	public static final String SIGNATURE_HEADER = "Curve-Signature";

	/** The method a gRPC call signs. */
	public static final String GRPC_METHOD = "GRPC";

	/** The superuser: sees and changes everything, creates users. */
	public static final String ROOT = "root";

	/** Names the canonical form, so that a later one cannot be confused with it. */
	private static final String VERSION = "CURVE4J-HMAC-SHA256";

	private static final String ALGORITHM = "HmacSHA256";

	/** About 50 ms on one core here: once per client, and a guessed password costs as much. */
	private static final int KEY_ITERATIONS = 100_000;

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
		try {
			return Mac.getInstance(ALGORITHM);
		}
		catch (NoSuchAlgorithmException ex) {
			// every JRE ships HmacSHA256
			throw new IllegalStateException(ex);
		}
	});

	private RequestSignature() {
	}

	/**
	 * What a signature covers.
	 * @param method HTTP method, or {@link #GRPC_METHOD}
	 * @param path the request path as sent (not decoded), or the gRPC full method name
	 * @param query the raw query string without '?', empty when none
	 * @param bodySha256 hex SHA-256 of the body ({@link #sha256Hex})
	 */
	public record Signed(String method, String path, String query, String bodySha256, long dateMillis, String nonce,
			String owner) {

		String canonical() {
			return String.join("\n", VERSION, this.method, this.path, this.query, this.bodySha256,
					Long.toString(this.dateMillis), this.nonce, this.owner);
		}

	}

	/** The key {@code user} signs with: PBKDF2-HMAC-SHA256 of the password, salted with the name. */
	public static byte[] signingKey(String user, String password) {
		try {
			PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), ("curve4j:" + user).getBytes(StandardCharsets.UTF_8),
					KEY_ITERATIONS, 256);
			return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
		}
		catch (GeneralSecurityException ex) {
			// every JRE ships PBKDF2WithHmacSHA256
			throw new IllegalStateException(ex);
		}
	}

	/** The signature of {@code request} with the owner's signing key. */
	public static String sign(byte[] key, Signed request) {
		return hmac(key, request.canonical());
	}

	/** {@code base64(HMAC-SHA256(key, message))}, for other strings signed with a key (tokens). */
	public static String hmac(byte[] key, String message) {
		return Base64.getEncoder().encodeToString(hmacSha256(key, message.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * HMAC-SHA256, the one MAC of every credential here. A {@link Mac} per thread: chunk
	 * capabilities are checked on every chunk call, and looking the algorithm up each time
	 * costs more than the MAC of their 32 bytes.
	 */
	public static byte[] hmacSha256(byte[] key, byte[] message) {
		try {
			Mac mac = MACS.get();
			mac.init(new SecretKeySpec(key, ALGORITHM));
			return mac.doFinal(message);
		}
		catch (GeneralSecurityException ex) {
			// HmacSHA256 accepts any non-empty key
			throw new IllegalStateException(ex);
		}
	}

	public static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Hex SHA-256 of a body (of nothing for a request without one). */
	public static String sha256Hex(byte[] body) {
		return HexFormat.of().formatHex(sha256(body));
	}

	/** 128 random bits: two requests signed in the same millisecond still differ. */
	public static String newNonce() {
		byte[] nonce = new byte[16];
		RANDOM.nextBytes(nonce);
		return HexFormat.of().formatHex(nonce);
	}

	/** Compares in constant time, so the comparison does not leak how much of a guess was right. */
	public static boolean matches(String expected, String actual) {
		return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				actual.getBytes(StandardCharsets.UTF_8));
	}

}
