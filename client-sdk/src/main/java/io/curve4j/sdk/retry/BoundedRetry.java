package io.curve4j.sdk.retry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;

/**
 * Resilience4j retries bounded by an overall deadline instead of an attempt count: an
 * operation is retried with exponential backoff while its errors are retryable and time
 * remains, then fails with {@link ErrorCode#TIMEOUT} naming the last error. Each attempt
 * learns its RPC deadline (the RPC timeout, or less when the operation is nearly out of
 * time) so no single RPC outlives the operation.
 * <p>
 * Attempts correct their routing (leader, members) themselves before failing, so a retry
 * simply runs the attempt again. A redirect to a known leader is retried at once for the
 * first few attempts; two replicas pointing at each other still back off after that.
 */
public final class BoundedRetry {

	private static final int IMMEDIATE_REDIRECTS = 3;

	private final RetrySettings settings;

	private final ScheduledExecutorService scheduler;

	private final Retry idempotent;

	private final Retry nonIdempotent;

	public BoundedRetry(String name, RetrySettings settings, ScheduledExecutorService scheduler) {
		this.settings = settings;
		this.scheduler = scheduler;
		this.idempotent = Retry.of(name, config(settings, BoundedRetry::retryableIdempotent));
		this.nonIdempotent = Retry.of(name + "-mutation", config(settings, BoundedRetry::retryableMutation));
	}

	/**
	 * Runs {@code attempt} until it succeeds, fails with a non-retryable error, or the
	 * operation timeout passes.
	 * @param what the operation in words, for the timeout message
	 * @param idempotent whether an attempt may be repeated after an outcome that is not
	 * known (timeout); otherwise only errors that prove nothing happened (not leader,
	 * unreachable) are retried
	 * @param attempt one try; failures may be gRPC errors or {@link CurveException}s
	 */
	public <T> CompletableFuture<T> call(String what, boolean idempotent,
			Function<Attempt, CompletionStage<T>> attempt) {
		long deadline = System.nanoTime() + this.settings.operationTimeout().toNanos();
		long rpcTimeout = this.settings.rpcTimeout().toNanos();
		AtomicInteger attempts = new AtomicInteger();
		AtomicReference<CurveException> lastError = new AtomicReference<>();
		Supplier<CompletionStage<T>> once = () -> {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return CompletableFuture.failedFuture(
						new DeadlineExceededException(what, this.settings.operationTimeout(), lastError.get()));
			}
			CompletableFuture<T> result = new CompletableFuture<>();
			CompletionStage<T> stage;
			try {
				stage = attempt.apply(new Attempt(attempts.incrementAndGet(), Math.min(remaining, rpcTimeout)));
			}
			catch (RuntimeException ex) {
				stage = CompletableFuture.failedFuture(ex);
			}
			stage.whenComplete((value, failure) -> {
				if (failure == null) {
					result.complete(value);
					return;
				}
				CurveException error = GrpcErrors.fromStatus(failure);
				lastError.set(error);
				result.completeExceptionally(error);
			});
			return result;
		};
		Retry retry = idempotent ? this.idempotent : this.nonIdempotent;
		CompletableFuture<T> outcome = new CompletableFuture<>();
		// The first try runs on its own: nearly every operation succeeds at once, and the
		// Resilience4j machinery took about a seventh of the client's CPU per I/O. A failed
		// first try goes to Resilience4j as its own first try (replayed, not sent again),
		// so backoff and attempt counting are what they would have been.
		CompletionStage<T> first = once.get();
		AtomicBoolean replayed = new AtomicBoolean();
		Supplier<CompletionStage<T>> replayFirst = () -> replayed.compareAndSet(false, true) ? first : once.get();
		first.whenComplete((value, failure) -> {
			if (failure == null) {
				outcome.complete(value);
				return;
			}
			retry.executeCompletionStage(this.scheduler, replayFirst).whenComplete((retried, lastFailure) -> {
				if (lastFailure == null) {
					outcome.complete(retried);
				}
				else {
					outcome.completeExceptionally(GrpcErrors.fromStatus(unwrap(lastFailure)));
				}
			});
		});
		return outcome;
	}

	/** Waits for a future of this SDK and rethrows its failure as the CurveException it is. */
	public static <T> T join(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException | java.util.concurrent.CancellationException ex) {
			throw GrpcErrors.fromStatus(unwrap(ex));
		}
	}

	private static RetryConfig config(RetrySettings settings, Predicate<CurveException> retryable) {
		IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0, 0.2,
				settings.maxBackoff());
		IntervalBiFunction<Object> interval = (attempt, outcome) -> {
			if (attempt <= IMMEDIATE_REDIRECTS && outcome.isLeft()
					&& unwrap(outcome.getLeft()) instanceof NotLeaderException nle && !nle.leaderHint().isEmpty()) {
				return 0L;
			}
			return backoff.apply(attempt);
		};
		return RetryConfig.custom()
			.maxAttempts(Integer.MAX_VALUE)
			.intervalBiFunction(interval)
			.retryOnException(failure -> unwrap(failure) instanceof CurveException ce
					&& !(ce instanceof DeadlineExceededException) && retryable.test(ce))
			.build();
	}

	private static boolean retryableIdempotent(CurveException error) {
		return error.code().retryable();
	}

	private static boolean retryableMutation(CurveException error) {
		return error.code() == ErrorCode.NOT_LEADER || error.code() == ErrorCode.UNAVAILABLE;
	}

	static Throwable unwrap(Throwable failure) {
		Throwable t = failure;
		while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
			t = t.getCause();
		}
		return t;
	}

	/**
	 * One try of an operation.
	 * @param number 1 for the first try
	 * @param rpcTimeoutNanos deadline for the RPC this try sends
	 */
	public record Attempt(int number, long rpcTimeoutNanos) {
	}

	/** The operation ran out of time; never retried. */
	private static final class DeadlineExceededException extends CurveException {

		private static final long serialVersionUID = 1L;


		DeadlineExceededException(String what, Duration timeout, CurveException last) {
			super(ErrorCode.TIMEOUT, what + " did not complete within " + timeout.toMillis() + " ms"
					+ (last == null ? "" : "; last error: " + last), last);
		}

	}

}
