package io.curve4j.sdk.metacache;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.grpc.Channel;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.net.MdsMemberList;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.GrpcFutures;

/**
 * Calls to the MDS leader, of any of its gRPC services: the SDK's namespace and segment
 * calls and a chunkserver's registration and heartbeats. The client remembers which member led last; a follower's
 * NOT_LEADER hint (the leader's gRPC address) moves it there, and an unreachable member
 * or one without a hint moves it to the next member.
 *
 * <p>
 * The members come from a fixed list or from a source asked again at each such move (a
 * service registry: the Kubernetes discovery client), so members added or removed since
 * are seen at the next failover. A source that finds none fails the call with UNAVAILABLE,
 * which the retry repeats within the operation's time.
 */
public final class MdsClient {

	private final Supplier<List<String>> members;

	private final ChannelPool channels;

	private final BoundedRetry retry;

	private final RequestSigner signer;

	/** The member calls go to; null until the first call of a source that found none yet. */
	private volatile String leader;

	/** @param signer signs each call as the client's owner; null sends unsigned calls (an MDS without authentication) */
	public MdsClient(List<String> addresses, ChannelPool channels, BoundedRetry retry, RequestSigner signer) {
		this(MdsMemberList.fixed(addresses), channels, retry, signer);
		this.leader = addresses.get(0);
	}

	/**
	 * @param members the members' gRPC addresses, asked before the first call and at every
	 * move to another member; throws {@link CurveException} when it finds none
	 * @param signer signs each call as the client's owner; null sends unsigned calls
	 */
	public MdsClient(Supplier<List<String>> members, ChannelPool channels, BoundedRetry retry, RequestSigner signer) {
		this.members = members;
		this.channels = channels;
		this.retry = retry;
		this.signer = signer;
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
		String target;
		try {
			target = target();
		}
		catch (CurveException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		S unsigned = stubs.apply(this.channels.channel(target)).withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
		S stub = this.signer == null ? unsigned : unsigned.withInterceptors(this.signer);
		CompletableFuture<T> result = GrpcFutures.unary((observer) -> call.accept(stub, observer));
		return result.whenComplete((value, failure) -> {
			if (failure != null) {
				redirect(target, GrpcErrors.fromStatus(failure));
			}
		});
	}

	/** The member calls go to now: the last known leader (null before a source found one). */
	public String leader() {
		return this.leader;
	}

	private String target() {
		String current = this.leader;
		if (current != null) {
			return current;
		}
		List<String> found = MdsMemberList.current(this.members);
		synchronized (this) {
			if (this.leader == null) {
				this.leader = found.get(0);
			}
			return this.leader;
		}
	}

	private void redirect(String failed, CurveException error) {
		if (error instanceof NotLeaderException nle && !nle.leaderHint().isEmpty()) {
			this.leader = nle.leaderHint();
		}
		else if (error.code() == ErrorCode.NOT_LEADER || error.code() == ErrorCode.UNAVAILABLE
				|| error.code() == ErrorCode.TIMEOUT) {
			List<String> known;
			try {
				known = MdsMemberList.current(this.members);
			}
			catch (CurveException ex) {
				return; // the registry finds none now: the next attempt asks again
			}
			// a member no longer listed is followed by the first one
			String next = known.get((known.indexOf(failed) + 1) % known.size());
			synchronized (this) {
				if (this.leader.equals(failed)) {
					this.leader = next;
				}
			}
		}
	}

}
