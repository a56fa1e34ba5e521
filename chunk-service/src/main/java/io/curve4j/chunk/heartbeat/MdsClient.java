package io.curve4j.chunk.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc.HeartbeatServiceBlockingStub;

/**
 * Calls the MDS leader. Starts with the member that answered last; on NOT_LEADER it goes
 * to the member named by the {@code curve-leader} trailer when that is one of the
 * configured gRPC addresses, otherwise (no hint, a raft address, UNAVAILABLE, a timeout)
 * to the next address. One call tries each member at most twice.
 */
final class MdsClient implements AutoCloseable {

	private final List<String> addresses;

	private final Duration timeout;

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	private volatile int current;

	MdsClient(List<String> addresses, Duration timeout) {
		if (addresses.isEmpty()) {
			throw new IllegalArgumentException(
					"curve.chunkserver.mds-addresses is empty: list the MDS gRPC addresses (host:port)");
		}
		this.addresses = List.copyOf(addresses);
		this.timeout = timeout;
	}

	/** The address the last successful call went to (or the next to try). */
	String currentAddress() {
		return this.addresses.get(this.current);
	}

	<T> T call(BiFunction<HeartbeatServiceBlockingStub, String, T> rpc) {
		CurveException last = null;
		for (int attempt = 0; attempt < 2 * this.addresses.size(); attempt++) {
			int index = this.current;
			String address = this.addresses.get(index);
			HeartbeatServiceBlockingStub stub = HeartbeatServiceGrpc.newBlockingStub(channel(address))
				.withDeadlineAfter(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			try {
				return rpc.apply(stub, address);
			}
			catch (StatusRuntimeException ex) {
				last = GrpcErrors.fromStatus(ex);
				if (!last.code().retryable()) {
					throw last;
				}
				int hinted = last instanceof NotLeaderException nle ? this.addresses.indexOf(nle.leaderHint()) : -1;
				this.current = hinted >= 0 && hinted != index ? hinted : (index + 1) % this.addresses.size();
			}
		}
		throw new CurveException(ErrorCode.UNAVAILABLE,
				"no MDS leader among " + this.addresses + (last == null ? "" : ": " + last.getMessage()));
	}

	private ManagedChannel channel(String address) {
		return this.channels.computeIfAbsent(address,
				a -> ManagedChannelBuilder.forTarget(a).usePlaintext().build());
	}

	@Override
	public void close() {
		this.channels.values().forEach(ManagedChannel::shutdownNow);
	}

}
