package io.curve4j.common.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {

	@Test
	void parsesAndPrintsTheSameAddress() {
		assertThat(HostPort.of("127.0.0.1:6720")).isEqualTo(new HostPort("127.0.0.1", 6720));
		assertThat(HostPort.of(" mds-1.local:6720 ").toString()).isEqualTo("mds-1.local:6720");
		assertThat(HostPort.of("[::1]:6720").host()).isEqualTo("::1");
		assertThat(HostPort.of("[::1]:6720").toString()).isEqualTo("[::1]:6720");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000", ":6720", "::1:6720" })
	void aBadAddressIsAClearError(String text) {
		assertThatThrownBy(() -> HostPort.of(text)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
	}

}
