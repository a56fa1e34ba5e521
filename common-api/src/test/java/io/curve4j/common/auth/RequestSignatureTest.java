package io.curve4j.common.auth;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected values computed independently with Python's hashlib and hmac. */
class RequestSignatureTest {

	private static final byte[] BODY = "{\"size\":1}".getBytes(StandardCharsets.UTF_8);

	@Test
	void theSigningKeyIsPbkdf2OfThePasswordSaltedWithTheName() {
		// hashlib.pbkdf2_hmac('sha256', b'secret', b'curve4j:alice', 100000, 32).hex()
		assertThat(HexFormat.of().formatHex(RequestSignature.signingKey("alice", "secret")))
			.isEqualTo("af3de3e1d5e648cd06e8185c225d831d750b0fbb5485173a2152e825743b7f2c");
	}

	@Test
	void signsMethodPathQueryBodyDateNonceAndOwner() {
		byte[] key = RequestSignature.signingKey("alice", "secret");
		assertThat(RequestSignature.sign(key, signed("POST", "/api/v1/volumes", "x=1", BODY, 1700000000000L, "n1")))
			.isEqualTo("WA61Uj5Us0xpWxHup0jkp+wLwE43oj7MtsiEb4I94Xs=");
	}

	@Test
	void anyChangeOfTheRequestChangesTheSignature() {
		byte[] key = RequestSignature.signingKey("bob", "pw-pw-pw");
		String sig = RequestSignature.sign(key, signed("POST", "/a", "", BODY, 1, "n"));
		assertThat(RequestSignature.matches(sig, sig)).isTrue();
		assertThat(RequestSignature.matches(sig, null)).isFalse();
		assertThat(RequestSignature.sign(key, signed("DELETE", "/a", "", BODY, 1, "n"))).isNotEqualTo(sig);
		assertThat(RequestSignature.sign(key, signed("POST", "/b", "", BODY, 1, "n"))).isNotEqualTo(sig);
		assertThat(RequestSignature.sign(key, signed("POST", "/a", "q", BODY, 1, "n"))).isNotEqualTo(sig);
		assertThat(RequestSignature.sign(key, signed("POST", "/a", "", new byte[0], 1, "n"))).isNotEqualTo(sig);
		assertThat(RequestSignature.sign(key, signed("POST", "/a", "", BODY, 2, "n"))).isNotEqualTo(sig);
		assertThat(RequestSignature.sign(key, signed("POST", "/a", "", BODY, 1, "m"))).isNotEqualTo(sig);
	}

	@Test
	void everySigningHasItsOwnNonce() {
		SigningKey key = SigningKey.of("carol", "password");
		assertThat(key.sign("GET", "/x", null, new byte[0]).get(RequestSignature.NONCE_HEADER))
			.isNotEqualTo(key.sign("GET", "/x", null, new byte[0]).get(RequestSignature.NONCE_HEADER));
	}

	private static RequestSignature.Signed signed(String method, String path, String query, byte[] body, long date,
			String nonce) {
		String owner = "alice";
		return new RequestSignature.Signed(method, path, query, RequestSignature.sha256Hex(body), date, nonce, owner);
	}

}
