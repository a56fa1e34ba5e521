package io.curve4j.chunk.io;

import java.util.concurrent.Executor;

import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.ServerBuilderCustomizer;

import com.google.common.util.concurrent.MoreExecutors;

import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;

/**
 * Runs the data path's calls on the transport thread that read them, saving a thread
 * hand-off per call (a futex wake-up each; context switches were 15 % of a loaded
 * chunkserver's CPU). Safe because no {@link ChunkGrpcService} handler blocks: proposals
 * and read-index requests only enqueue, and file reads run on the copysets' read pool.
 * Every other service keeps gRPC's default executor: the Raft membership calls block
 * while jraft connects to a new peer, which must never happen on a transport thread.
 */
@Configuration(proxyBeanMethods = false)
class ChunkCallExecutorConfiguration {

	@Bean
	<T extends ServerBuilder<T>> ServerBuilderCustomizer<T> chunkCallsOnTransportThreads() {
		return builder -> builder.callExecutor(new ServerCallExecutorSupplier() {
			@Override
			public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
				// null: the server's default executor
				return ChunkServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())
						? MoreExecutors.directExecutor() : null;
			}
		});
	}

}
