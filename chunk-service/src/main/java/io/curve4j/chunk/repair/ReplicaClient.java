package io.curve4j.chunk.repair;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.chunk.config.DataKey;
import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.proto.chunk.v1.ReplicaServiceGrpc;

/**
 * Calls to the other replicas' {@code ReplicaService} on their Raft ports (the addresses
 * the copysets know their peers by), carrying the cluster credential when a data key is
 * configured. One channel per peer, kept until the chunkserver stops.
 */
@Component
class ReplicaClient implements AutoCloseable {

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	/** Null: no data key, calls go without a credential. */
	private final ClusterCredential credential;

	private final long timeoutMs;

	ReplicaClient(ChunkServerProperties properties, DataKey dataKey) {
		this.credential = dataKey.credential();
		this.timeoutMs = properties.getScrub().getPeerTimeout().toMillis();
	}

	/** A stub for one call to the replica at raftAddress. */
	ReplicaServiceGrpc.ReplicaServiceBlockingStub at(String raftAddress) {
		ManagedChannel channel = this.channels.computeIfAbsent(raftAddress,
				address -> ManagedChannelBuilder.forTarget(address).usePlaintext().maxInboundMessageSize(64 << 20).build());
		ReplicaServiceGrpc.ReplicaServiceBlockingStub stub = ReplicaServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(this.timeoutMs, TimeUnit.MILLISECONDS);
		return this.credential == null ? stub : stub.withInterceptors(this.credential.interceptor());
	}

	@Override
	public void close() {
		this.channels.values().forEach(ManagedChannel::shutdownNow);
		this.channels.clear();
	}

}
