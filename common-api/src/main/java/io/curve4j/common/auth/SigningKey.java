package io.curve4j.common.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's signing key, derived once from the password ({@link RequestSignature#signingKey}),
 * and the headers that sign one request with it. What clients hold instead of signing
 * with the password on every request: the derivation is slow on purpose.
 */
public final class SigningKey {

	private final String user;

	private final byte[] key;

	private SigningKey(String user, byte[] key) {
		this.user = user;
		this.key = key;
	}

	public static SigningKey of(String user, String password) {
		return new SigningKey(user, RequestSignature.signingKey(user, password));
	}

	public String user() {
		return this.user;
	}

	/**
	 * The headers (owner, date, nonce, signature) that sign this request now.
	 * @param path as sent, not decoded
	 * @param query raw, without '?'; empty or null when none
	 */
	public Map<String, String> sign(String method, String path, String query, byte[] body) {
		long now = System.currentTimeMillis();
		String nonce = RequestSignature.newNonce();
		RequestSignature.Signed signed = new RequestSignature.Signed(method, path, query == null ? "" : query,
				RequestSignature.sha256Hex(body), now, nonce, this.user);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(RequestSignature.OWNER_HEADER, this.user);
		headers.put(RequestSignature.DATE_HEADER, Long.toString(now));
		headers.put(RequestSignature.NONCE_HEADER, nonce);
		headers.put(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(this.key, signed));
		return headers;
	}

	@Override
	public String toString() {
		return "SigningKey[" + this.user + "]";
	}

}
