package io.curve4j.common.raft;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.InvokeTimeoutException;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.InvokeContext;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcUtils;
import com.alipay.sofa.jraft.rpc.impl.MarshallerRegistry;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import io.curve4j.common.auth.ClusterCredential;

/**
 * jraft's client side over gRPC (replication, votes, snapshot copies between the members
 * of a group), each call signed with the cluster credential of the node that makes it, so
 * that a Raft port answers its group's members only. jraft's own gRPC client cannot add
 * call metadata; this one keeps its contract: one channel per peer, kept while it
 * recovers, dropped after repeated failures so that the next use dials afresh, and a
 * ready connection reported to the replicators so that a stalled one resumes at once.
 */
final class RaftPeerClient implements RpcClient {

	private static final Logger log = LoggerFactory.getLogger(RaftPeerClient.class);

	/** Checks of a failed channel before it is dropped (the first resets its reconnect backoff). */
	private static final int FAILURES_BEFORE_DROP = 2;

	/** jraft's gRPC transport names each call {@code <request class>/_call}. */
	private static final String METHOD_NAME = "_call";

	private final Map<String, Message> requestTypes;

	private final MarshallerRegistry responseTypes;

	private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();

	private final Map<Endpoint, AtomicInteger> failures = new ConcurrentHashMap<>();

	private volatile ClientInterceptor credential;

	private volatile ReplicatorGroup replicators;

	RaftPeerClient(Map<String, Message> requestTypes, MarshallerRegistry responseTypes) {
		this.requestTypes = requestTypes;
		this.responseTypes = responseTypes;
	}

	/** A node's client signs with the credential of its {@link RaftNodeOptions}; other clients send none. */
	@Override
	public boolean init(RpcOptions options) {
		ClusterCredential signer = options instanceof RaftNodeOptions node ? node.credential() : null;
		this.credential = signer == null ? null : signer.interceptor();
		return true;
	}

	@Override
	public void shutdown() {
		this.channels.values().forEach(ManagedChannel::shutdownNow);
		this.channels.clear();
	}

	@Override
	public boolean checkConnection(Endpoint endpoint) {
		return checkConnection(endpoint, false);
	}

	@Override
	public boolean checkConnection(Endpoint endpoint, boolean createIfAbsent) {
		ManagedChannel channel = createIfAbsent ? channel(endpoint) : this.channels.get(endpoint);
		return channel != null && usable(endpoint, channel);
	}

	@Override
	public void closeConnection(Endpoint endpoint) {
		ManagedChannel channel = this.channels.remove(endpoint);
		if (channel != null) {
			channel.shutdownNow();
		}
	}

	@Override
	public void registerConnectEventListener(ReplicatorGroup replicatorGroup) {
		this.replicators = replicatorGroup;
	}

	@Override
	public Object invokeSync(Endpoint endpoint, Object request, InvokeContext context, long timeoutMs)
			throws InterruptedException, RemotingException {
		CompletableFuture<Object> answer = new CompletableFuture<>();
		invokeAsync(endpoint, request, context, (result, error) -> {
			if (error == null) {
				answer.complete(result);
			}
			else {
				answer.completeExceptionally(error);
			}
		}, timeoutMs);
		try {
			return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			answer.cancel(true);
			throw new InvokeTimeoutException(ex);
		}
		catch (ExecutionException ex) {
			throw new RemotingException(ex.getCause());
		}
	}

	@Override
	public void invokeAsync(Endpoint endpoint, Object request, InvokeContext context, InvokeCallback callback,
			long timeoutMs) {
		Executor executor = callback.executor() != null ? callback.executor() : Runnable::run;
		ManagedChannel channel = channel(endpoint);
		if (!usable(endpoint, channel)) {
			executor.execute(() -> callback.complete(null, new RemotingException("cannot connect to " + endpoint)));
			return;
		}
		ClientInterceptor signer = this.credential;
		Channel calls = signer == null ? channel : ClientInterceptors.intercept(channel, signer);
		CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
		ClientCalls.asyncUnaryCall(calls.newCall(method((Message) request), options), (Message) request,
				new StreamObserver<Message>() {

					@Override
					public void onNext(Message response) {
						executor.execute(() -> callback.complete(response, null));
					}

					@Override
					public void onError(Throwable error) {
						Throwable reported = Status.fromThrowable(error).getCode() == Status.Code.DEADLINE_EXCEEDED
								? new InvokeTimeoutException(error.getMessage(), error) : error;
						executor.execute(() -> callback.complete(null, reported));
					}

					@Override
					public void onCompleted() {
						// the answer came with onNext
					}

				});
	}

	private MethodDescriptor<Message, Message> method(Message request) {
		String type = request.getClass().getName();
		Message requestType = this.requestTypes.get(type);
		if (requestType == null) {
			throw new IllegalArgumentException("not a registered Raft request: " + type);
		}
		return MethodDescriptor.<Message, Message>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(type, METHOD_NAME))
			.setRequestMarshaller(ProtoUtils.marshaller(requestType))
			.setResponseMarshaller(ProtoUtils.marshaller(this.responseTypes.findResponseInstanceByRequest(type)))
			.build();
	}

	private ManagedChannel channel(Endpoint endpoint) {
		return this.channels.computeIfAbsent(endpoint, this::open);
	}

	private ManagedChannel open(Endpoint endpoint) {
		ManagedChannel channel = NettyChannelBuilder.forAddress(endpoint.getIp(), endpoint.getPort())
			.usePlaintext()
			.directExecutor()
			.maxInboundMessageSize(RaftHost.maxMessageBytes())
			.build();
		watch(endpoint, channel, ConnectivityState.IDLE);
		return channel;
	}

	/** Tells the replicators when a connection to their peer becomes ready, for as long as the channel lives. */
	private void watch(Endpoint endpoint, ManagedChannel channel, ConnectivityState from) {
		channel.notifyWhenStateChanged(from, () -> {
			ConnectivityState now = channel.getState(false);
			if (now == ConnectivityState.SHUTDOWN) {
				return;
			}
			if (now == ConnectivityState.READY) {
				this.failures.remove(endpoint);
				ReplicatorGroup group = this.replicators;
				PeerId peer = new PeerId(endpoint, 0);
				if (group != null) {
					// off the channel's thread: checking a replicator may block on its lock
					RpcUtils.runInThread(() -> group.checkReplicator(peer, true));
				}
			}
			watch(endpoint, channel, now);
		});
	}

	/**
	 * A channel that is connecting or connected is usable. One that failed is given a
	 * second chance with its reconnect backoff cut short, then dropped, so that the next
	 * call dials a new one.
	 */
	private boolean usable(Endpoint endpoint, ManagedChannel channel) {
		ConnectivityState state = channel.getState(false);
		if (state != ConnectivityState.TRANSIENT_FAILURE && state != ConnectivityState.SHUTDOWN) {
			return true;
		}
		int failed = this.failures.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
		if (failed < FAILURES_BEFORE_DROP) {
			channel.resetConnectBackoff();
			return true;
		}
		this.failures.remove(endpoint);
		if (this.channels.remove(endpoint, channel)) {
			log.debug("dropping the channel to {} after {} failed checks", endpoint, failed);
			channel.shutdownNow();
		}
		return false;
	}

}
