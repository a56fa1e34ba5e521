package io.curve4j.common.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestSignatureTest {

	@Test
	void signsDateAndOwnerLikeOpensslDoes() {
		// printf '1700000000000:alice' | openssl dgst -sha256 -hmac secret -binary | base64
		assertThat(RequestSignature.sign("secret", 1700000000000L, "alice"))
			.isEqualTo("29tbbvevF81oOXV0VYFyDQ753FAMmjz7I281wVPnwA8=");
	}

	@Test
	void matchesOnlyTheSameSignature() {
		String sig = RequestSignature.sign("pw", 1, "bob");
		assertThat(RequestSignature.matches(sig, sig)).isTrue();
		assertThat(RequestSignature.matches(sig, RequestSignature.sign("pw", 2, "bob"))).isFalse();
		assertThat(RequestSignature.matches(sig, null)).isFalse();
	}

}
