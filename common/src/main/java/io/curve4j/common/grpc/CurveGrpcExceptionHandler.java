package io.curve4j.common.grpc;

import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;

import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;

/**
 * The one mapping of failures to gRPC statuses for a service, applied by Spring gRPC to
 * every call: an exception thrown by a handler, or passed to {@code onError} (also later,
 * from a future), becomes the status {@link GrpcErrors#toStatus} gives. A failure that is
 * not a {@link CurveException} is a bug or an I/O fault: logged, and answered INTERNAL.
 */
public final class CurveGrpcExceptionHandler implements GrpcExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(CurveGrpcExceptionHandler.class);

	private final UnaryOperator<String> leaderAddress;

	/**
	 * @param leaderAddress turns a NOT_LEADER hint (the leader's Raft address) into the
	 * address a client of this service calls; the empty string when unknown
	 */
	public CurveGrpcExceptionHandler(UnaryOperator<String> leaderAddress) {
		this.leaderAddress = leaderAddress;
	}

	@Override
	public StatusException handleException(Throwable failure) {
		Throwable cause = GrpcErrors.unwrap(failure);
		if (cause instanceof NotLeaderException nle && !nle.leaderHint().isEmpty()) {
			cause = new NotLeaderException(nle.getMessage(), this.leaderAddress.apply(nle.leaderHint()));
		}
		else if (!(cause instanceof CurveException) && !(cause instanceof StatusRuntimeException)) {
			log.error("gRPC call failed", cause);
		}
		StatusRuntimeException status = GrpcErrors.toStatus(cause);
		return status.getStatus().asException(status.getTrailers());
	}

}
