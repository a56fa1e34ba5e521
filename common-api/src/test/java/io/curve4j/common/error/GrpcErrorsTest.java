package io.curve4j.common.error;

import java.util.List;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a client classifies a failed call, which decides whether it is retried. */
class GrpcErrorsTest {

	@Test
	void transportBreakMidCallHasAnUnknownOutcome() {
		// grpc-netty's answers when the connection closes under a call
		for (Status broken : List.of(Status.INTERNAL.withDescription("channel closed"),
				Status.UNKNOWN.withDescription("channel closed"))) {
			CurveException error = GrpcErrors.fromStatus(broken.asRuntimeException());
			assertThat(error.code()).isEqualTo(ErrorCode.TIMEOUT);
			assertThat(error.code().retryable()).isTrue();
		}
	}

	@Test
	void aHeldNameCarriesItsTransactionToTheClient() {
		CurveException error = GrpcErrors.fromStatus(GrpcErrors.toStatus(new TxPendingException(-7L, "a")));
		assertThat(error).isInstanceOfSatisfying(TxPendingException.class, pending -> {
			assertThat(pending.txId()).isEqualTo(-7L);
			assertThat(pending.code()).isEqualTo(ErrorCode.TX_PENDING);
			assertThat(pending.getMessage()).contains("'a'");
		});
	}

	@Test
	void serverSideInternalErrorStaysFatal() {
		CurveException error = GrpcErrors.fromStatus(GrpcErrors.toStatus(new IllegalStateException("bug")));
		assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
		assertThat(error.code().retryable()).isFalse();
	}

	@Test
	void anItemOfABatchFailsAsItWouldAlone() {
		CurveException notLeader = GrpcErrors
			.fromItemError(GrpcErrors.toItemError(new NotLeaderException("not the leader", "127.0.0.1:8201")));
		assertThat(notLeader).isInstanceOfSatisfying(NotLeaderException.class,
				(e) -> assertThat(e.leaderHint()).isEqualTo("127.0.0.1:8201"));
		assertThat(notLeader.getMessage()).isEqualTo("not the leader");

		CurveException range = GrpcErrors.fromItemError(
				GrpcErrors.toItemError(new CurveException(ErrorCode.IO_OUT_OF_RANGE, "past the chunk")));
		assertThat(range.code()).isEqualTo(ErrorCode.IO_OUT_OF_RANGE);
		assertThat(range.getMessage()).isEqualTo("past the chunk");

		CurveException bug = GrpcErrors.fromItemError(GrpcErrors.toItemError(new IllegalStateException("bug")));
		assertThat(bug.code()).isEqualTo(ErrorCode.INTERNAL);
		assertThat(bug.getMessage()).contains("bug");
	}

}
