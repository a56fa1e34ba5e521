package io.curve4j.chunk.cli;

import java.util.Set;

import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import io.curve4j.chunk.config.DataKey;
import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.proto.cli.v1.CliServiceGrpc;

/**
 * The CLI service's calls that change a copyset (add or remove a peer, move its
 * leadership) need a {@link ClusterCredential}; asking who leads or who the peers are does
 * not. Without a data key configured nothing is checked, like the data path.
 */
@Component
@GlobalServerInterceptor
class MembershipCallGuard implements ServerInterceptor {

	private static final Set<String> CHANGES = Set.of(CliServiceGrpc.getAddPeerMethod().getFullMethodName(),
			CliServiceGrpc.getRemovePeerMethod().getFullMethodName(),
			CliServiceGrpc.getTransferLeaderMethod().getFullMethodName());

	/** Null: no data key. */
	private final ServerInterceptor guard;

	MembershipCallGuard(DataKey dataKey) {
		this.guard = dataKey.configured() ? dataKey.credential().guard(CHANGES::contains) : null;
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		return this.guard == null ? next.startCall(call, headers) : this.guard.interceptCall(call, headers, next);
	}

}
