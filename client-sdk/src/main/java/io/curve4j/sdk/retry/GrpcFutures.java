package io.curve4j.sdk.retry;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.grpc.stub.StreamObserver;

/** Unary gRPC calls on async stubs as {@link CompletableFuture}s. */
public final class GrpcFutures {

	private GrpcFutures() {
	}

	/**
	 * Starts a unary call, e.g. {@code unary(o -> stub.readChunk(request, o))}. The future
	 * completes on a gRPC thread; a call that throws while starting fails the future.
	 */
	public static <T> CompletableFuture<T> unary(Consumer<StreamObserver<T>> call) {
		CompletableFuture<T> future = new CompletableFuture<>();
		try {
			call.accept(new StreamObserver<>() {

				@Override
				public void onNext(T value) {
					future.complete(value);
				}

				@Override
				public void onError(Throwable failure) {
					future.completeExceptionally(failure);
				}

				@Override
				public void onCompleted() {
					// a unary call has already delivered its value in onNext
				}

			});
		}
		catch (RuntimeException ex) {
			future.completeExceptionally(ex);
		}
		return future;
	}

}
