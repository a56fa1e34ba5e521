package io.curve4j.common.error;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import io.curve4j.proto.common.v1.ItemError;

/**
 * Maps {@link CurveException} to gRPC statuses and back. The error code and any leader
 * hint travel as trailers so that every service and client speaks one error language.
 */
public final class GrpcErrors {

	public static final Metadata.Key<String> ERROR_KEY = Metadata.Key.of("curve-error",
			Metadata.ASCII_STRING_MARSHALLER);

	public static final Metadata.Key<String> LEADER_KEY = Metadata.Key.of("curve-leader",
			Metadata.ASCII_STRING_MARSHALLER);

	/** The rename transaction holding a name, with TX_PENDING (see {@link TxPendingException}). */
	public static final Metadata.Key<String> TX_KEY = Metadata.Key.of("curve-tx-id", Metadata.ASCII_STRING_MARSHALLER);

	private GrpcErrors() {
	}

	/** The status a server answers with for any failure; unknown failures are INTERNAL. */
	public static StatusRuntimeException toStatus(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof StatusRuntimeException sre) {
			return sre;
		}
		if (cause instanceof CurveException ce) {
			Metadata trailers = new Metadata();
			trailers.put(ERROR_KEY, ce.code().name());
			if (ce instanceof NotLeaderException nle && !nle.leaderHint().isEmpty()) {
				trailers.put(LEADER_KEY, nle.leaderHint());
			}
			if (ce instanceof TxPendingException pending) {
				trailers.put(TX_KEY, Long.toUnsignedString(pending.txId()));
			}
			return Status.fromCode(ce.code().grpcCode()).withDescription(ce.getMessage()).asRuntimeException(trailers);
		}
		Metadata trailers = new Metadata();
		trailers.put(ERROR_KEY, ErrorCode.INTERNAL.name());
		return Status.INTERNAL.withDescription(String.valueOf(cause)).withCause(cause).asRuntimeException(trailers);
	}

	/** The exception a client raises for a failed call. */
	public static CurveException fromStatus(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof CurveException ce) {
			return ce;
		}
		Status status = Status.fromThrowable(cause);
		Metadata trailers = Status.trailersFromThrowable(cause);
		String detail = status.getDescription() != null ? status.getDescription() : status.getCode().name();
		String codeName = trailers == null ? null : trailers.get(ERROR_KEY);
		ErrorCode code = codeName != null ? parse(codeName) : fromGrpcCode(status.getCode());
		if (code == ErrorCode.NOT_LEADER) {
			return new NotLeaderException(detail, trailers == null ? null : trailers.get(LEADER_KEY));
		}
		String tx = trailers == null ? null : trailers.get(TX_KEY);
		if (code == ErrorCode.TX_PENDING && tx != null) {
			return new TxPendingException(Long.parseUnsignedLong(tx), detail, true);
		}
		return new CurveException(code, detail, cause);
	}

	/** The failure of one item of a batched call, carrying what {@link #toStatus} would. */
	public static ItemError toItemError(Throwable failure) {
		Throwable cause = unwrap(failure);
		CurveException error = cause instanceof CurveException ce ? ce : fromStatus(toStatus(cause));
		ItemError.Builder item = ItemError.newBuilder()
			.setCode(error.code().name())
			.setMessage(String.valueOf(error.getMessage()));
		if (error instanceof NotLeaderException nle) {
			item.setLeader(nle.leaderHint());
		}
		return item.build();
	}

	/** The exception a client raises for a failed item, as {@link #fromStatus} would for a call of it alone. */
	public static CurveException fromItemError(ItemError item) {
		ErrorCode code = parse(item.getCode());
		if (code == ErrorCode.NOT_LEADER) {
			return new NotLeaderException(item.getMessage(), item.getLeader().isEmpty() ? null : item.getLeader());
		}
		return new CurveException(code, item.getMessage());
	}

	private static ErrorCode parse(String name) {
		try {
			return ErrorCode.valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			return ErrorCode.INTERNAL;
		}
	}

	/**
	 * A status without our trailer comes from the transport: decide by its code. INTERNAL
	 * or UNKNOWN from the transport is a broken exchange (grpc-netty answers UNKNOWN
	 * "channel closed" when the server died mid-call): its outcome is unknown, like a
	 * deadline's, so idempotent calls retry it and mutations do not. Our servers always
	 * send the trailer, so this never hides one of their own failures.
	 */
	private static ErrorCode fromGrpcCode(Status.Code code) {
		return switch (code) {
			case UNAVAILABLE, CANCELLED, ABORTED, RESOURCE_EXHAUSTED -> ErrorCode.UNAVAILABLE;
			case DEADLINE_EXCEEDED, INTERNAL, UNKNOWN -> ErrorCode.TIMEOUT;
			case INVALID_ARGUMENT -> ErrorCode.INVALID_ARGUMENT;
			default -> ErrorCode.INTERNAL;
		};
	}

	/** The failure inside a future's or executor's wrapper. */
	public static Throwable unwrap(Throwable failure) {
		Throwable t = failure;
		while ((t instanceof java.util.concurrent.CompletionException
				|| t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
			t = t.getCause();
		}
		return t;
	}

}
