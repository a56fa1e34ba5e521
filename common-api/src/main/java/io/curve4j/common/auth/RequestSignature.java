package io.curve4j.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Curve's request signature: {@code base64(HMAC-SHA256(password, date + ":" + owner))},
 * with {@code date} the caller's clock in milliseconds since the epoch. The password never
 * travels; the server recomputes the signature from its stored copy and rejects a date
 * too far from its own clock, so a captured signature is only good for that window.
 *
 * <p>
 * The same three values travel as HTTP headers ({@link #OWNER_HEADER} ...) and as gRPC
 * metadata under the same names in lower case.
 */
public final class RequestSignature {

	public static final String OWNER_HEADER = "Curve-Owner";

	public static final String DATE_HEADER = "Curve-Date";

	public static final String SIGNATURE_HEADER = "Curve-Signature";

	/** The superuser: sees and changes everything, creates users. */
	public static final String ROOT = "root";

	private static final String ALGORITHM = "HmacSHA256";

	private RequestSignature() {
	}

	/** The signature of {@code owner} at {@code dateMillis}. */
	public static String sign(String password, long dateMillis, String owner) {
		return hmac(password, dateMillis + ":" + owner);
	}

	/** {@code base64(HMAC-SHA256(key, message))}, for other strings signed with a password (tokens). */
	public static String hmac(String key, String message) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM));
			return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			// every JRE ships HmacSHA256 and accepts any non-empty key
			throw new IllegalStateException(ex);
		}
	}

	/** Compares in constant time, so the comparison does not leak how much of a guess was right. */
	public static boolean matches(String expected, String actual) {
		return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				actual.getBytes(StandardCharsets.UTF_8));
	}

}
