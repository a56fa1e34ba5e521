package io.curve4j.snapshot.task;

import java.io.IOException;
import java.io.UncheckedIOException;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import io.curve4j.common.error.CurveException;

/**
 * Which failures of a task are worth another try. Cluster errors say so themselves
 * ({@code ErrorCode.retryable()}: not leader, unavailable, timeout); S3 errors are
 * transient when the store could not be reached or answered 5xx (or 429, slow down).
 */
final class TaskFailures {

	private TaskFailures() {
	}

	static boolean isTransient(Throwable failure) {
		if (failure instanceof CurveException curve) {
			return curve.code().retryable();
		}
		if (failure instanceof SdkServiceException service) {
			return service.statusCode() >= 500 || service.isThrottlingException();
		}
		return failure instanceof SdkClientException || failure instanceof UncheckedIOException
				|| failure instanceof IOException;
	}

	/** The volume cannot be read at the snapshot, for good (it was deleted): the copy fails. */
	static final class VolumeUnreadableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		VolumeUnreadableException(CurveException cause) {
			super(cause.getMessage(), cause);
		}

	}

	/** The task may not go on: the lease was lost, or the service stops. */
	static final class TaskStoppedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		TaskStoppedException(String why) {
			super(why);
		}

	}

}
