package io.curve4j.common.grpc;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;

/**
 * Answers a unary call exactly once: with its result, or with its failure as it is, for
 * {@link CurveGrpcExceptionHandler} to turn into a status.
 */
public final class GrpcAnswers {

	private GrpcAnswers() {
	}

	/** A call whose answer is ready when the body returns. */
	public static <T> void unary(StreamObserver<T> responses, Supplier<T> call) {
		T response;
		try {
			response = call.get();
		}
		catch (RuntimeException ex) {
			responses.onError(ex);
			return;
		}
		responses.onNext(response);
		responses.onCompleted();
	}

	/** A call answered when its future completes (a Raft commit, a lease check). */
	public static <T> void async(StreamObserver<T> responses, Supplier<CompletableFuture<T>> call) {
		CompletableFuture<T> future;
		try {
			future = call.get();
		}
		catch (RuntimeException ex) {
			future = CompletableFuture.failedFuture(ex);
		}
		future.whenComplete((response, failure) -> {
			if (failure == null) {
				responses.onNext(response);
				responses.onCompleted();
			}
			else {
				responses.onError(failure);
			}
		});
	}

}
