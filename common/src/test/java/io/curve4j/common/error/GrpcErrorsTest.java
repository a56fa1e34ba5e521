package io.curve4j.common.error;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a client classifies a failed call, which decides whether it is retried. */
class GrpcErrorsTest {

	@Test
	void transportBreakMidCallHasAnUnknownOutcome() {
		CurveException error = GrpcErrors.fromStatus(Status.INTERNAL.withDescription("channel closed").asRuntimeException());
		assertThat(error.code()).isEqualTo(ErrorCode.TIMEOUT);
		assertThat(error.code().retryable()).isTrue();
	}

	@Test
	void serverSideInternalErrorStaysFatal() {
		CurveException error = GrpcErrors.fromStatus(GrpcErrors.toStatus(new IllegalStateException("bug")));
		assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
		assertThat(error.code().retryable()).isFalse();
	}

}
