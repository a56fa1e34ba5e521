package io.curve4j.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.grpc.StatusRuntimeException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;

/**
 * Keeps up to {@code depth} asynchronous operations running; the first failure stops new
 * submissions and is rethrown (as its CurveException) once the running ones finished.
 */
final class InFlight {

	private final int depth;

	private final Semaphore permits;

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	InFlight(int depth) {
		this.depth = depth;
		this.permits = new Semaphore(depth);
	}

	/** Waits for a free slot, then starts {@code operation}. */
	void submit(Supplier<CompletableFuture<?>> operation) throws InterruptedException {
		this.permits.acquire();
		if (this.failure.get() != null) {
			this.permits.release();
			await();
		}
		CompletableFuture<?> running;
		try {
			running = operation.get();
		}
		catch (RuntimeException ex) {
			this.permits.release();
			await();
			throw ex;
		}
		running.whenComplete((value, error) -> {
			if (error != null) {
				this.failure.compareAndSet(null, error);
			}
			this.permits.release();
		});
	}

	/** Waits for everything started; throws the first failure. */
	void await() throws InterruptedException {
		this.permits.acquire(this.depth);
		this.permits.release(this.depth);
		Throwable error = this.failure.get();
		while (error instanceof CompletionException && error.getCause() != null) {
			error = error.getCause();
		}
		if (error instanceof CurveException || error instanceof StatusRuntimeException) {
			throw GrpcErrors.fromStatus(error);
		}
		if (error instanceof RuntimeException local) {
			// a local failure (e.g. writing the output file) carries its own message
			throw local;
		}
		if (error != null) {
			throw new CurveException(ErrorCode.INTERNAL, String.valueOf(error));
		}
	}

}
