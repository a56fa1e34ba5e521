package io.curve4j.common.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.fs.v1.FsCapability;

class FsCapabilitiesTest {

	private final FsCapabilities capabilities = FsCapabilities.fromSecret("0123456789abcdef-test-key");

	@Test
	void genuineCapabilityPasses() {
		FsCapability c = this.capabilities.issue(7, 3, FsCapabilities.READ | FsCapabilities.WRITE, 1_000);
		assertThatCode(() -> this.capabilities.check(c, 7, FsCapabilities.WRITE, 999)).doesNotThrowAnyException();
	}

	@Test
	void refusesMissingForgedOtherFsRightAndExpired() {
		FsCapability c = this.capabilities.issue(7, 3, FsCapabilities.READ, 1_000);
		assertCode(() -> this.capabilities.check(FsCapability.getDefaultInstance(), 7, FsCapabilities.READ, 0),
				ErrorCode.UNAUTHENTICATED);
		assertCode(() -> this.capabilities.check(c.toBuilder().setRights(7).build(), 7, FsCapabilities.ADMIN, 0),
				ErrorCode.UNAUTHENTICATED);
		assertCode(() -> this.capabilities.check(c.toBuilder().setMac(ByteString.copyFrom(new byte[32])).build(), 7,
				FsCapabilities.READ, 0), ErrorCode.UNAUTHENTICATED);
		assertCode(() -> this.capabilities.check(c, 8, FsCapabilities.READ, 0), ErrorCode.CAPABILITY_DENIED);
		assertCode(() -> this.capabilities.check(c, 7, FsCapabilities.WRITE, 0), ErrorCode.CAPABILITY_DENIED);
		assertCode(() -> this.capabilities.check(c, 7, FsCapabilities.READ, 1_001), ErrorCode.CAPABILITY_EXPIRED);
		FsCapabilities otherKey = FsCapabilities.fromSecret("another-key-0123456789");
		assertCode(() -> otherKey.check(c, 7, FsCapabilities.READ, 0), ErrorCode.UNAUTHENTICATED);
	}

	private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
		assertThatThrownBy(call).isInstanceOfSatisfying(CurveException.class,
				e -> org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(code));
	}

}
