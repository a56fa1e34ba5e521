package io.curve4j.sdk.metacache;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.grpc.Channel;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.GrpcFutures;

/**
 * Calls to the MDS leader, of any of its gRPC services: the SDK's namespace and segment
 * calls and a chunkserver's registration and heartbeats. The client remembers which member led last; a follower's
 * NOT_LEADER hint (the leader's gRPC address) moves it there, and an unreachable member
 * or one without a hint moves it to the next configured address.
 */
public final class MdsClient {

	private final List<String> addresses;

	private final ChannelPool channels;

	private final BoundedRetry retry;

	private final RequestSigner signer;

	private volatile String leader;

	/** @param signer signs each call as the client's owner; null sends unsigned calls (an MDS without authentication) */
	public MdsClient(List<String> addresses, ChannelPool channels, BoundedRetry retry, RequestSigner signer) {
		if (addresses == null || addresses.isEmpty()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "no MDS address given");
		}
		this.addresses = List.copyOf(addresses);
		this.channels = channels;
		this.retry = retry;
		this.signer = signer;
		this.leader = this.addresses.get(0);
	}

	/**
	 * A call of any MDS service, retried on the leader until it succeeds or the operation
	 * times out. Calls that change state pass {@code idempotent=false}: they are repeated
	 * only after an error that proves they did not run.
	 */
	public <S extends AbstractStub<S>, T> CompletableFuture<T> call(String what, boolean idempotent,
			Function<Channel, S> stubs, BiConsumer<S, StreamObserver<T>> call) {
		return this.retry.call(what, idempotent, (attempt) -> once(stubs, attempt.rpcTimeoutNanos(), call));
	}

	/** One try of a call on the leader, for callers that retry themselves. */
	public <S extends AbstractStub<S>, T> CompletableFuture<T> once(Function<Channel, S> stubs, long timeoutNanos,
			BiConsumer<S, StreamObserver<T>> call) {
		String target = this.leader;
		S unsigned = stubs.apply(this.channels.channel(target)).withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
		S stub = this.signer == null ? unsigned : unsigned.withInterceptors(this.signer);
		CompletableFuture<T> result = GrpcFutures.unary((observer) -> call.accept(stub, observer));
		return result.whenComplete((value, failure) -> {
			if (failure != null) {
				redirect(target, GrpcErrors.fromStatus(failure));
			}
		});
	}

	/** The member calls go to now: the last known leader. */
	public String leader() {
		return this.leader;
	}

	private void redirect(String failed, CurveException error) {
		if (error instanceof NotLeaderException nle && !nle.leaderHint().isEmpty()) {
			this.leader = nle.leaderHint();
		}
		else if (error.code() == ErrorCode.NOT_LEADER || error.code() == ErrorCode.UNAVAILABLE
				|| error.code() == ErrorCode.TIMEOUT) {
			int index = this.addresses.indexOf(failed);
			String next = this.addresses.get((index + 1) % this.addresses.size());
			synchronized (this) {
				if (this.leader.equals(failed)) {
					this.leader = next;
				}
			}
		}
	}

}
