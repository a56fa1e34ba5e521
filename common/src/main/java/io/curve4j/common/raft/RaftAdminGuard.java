package io.curve4j.common.raft;

import java.util.Set;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Refuses jraft's administrative requests on the Raft port (reset, add, remove and change
 * peers or learners, transfer leadership, trigger snapshots): they change a group's
 * membership for whoever asks. Curve4J changes membership only through the copyset
 * leader's own node, on the MDS's instruction, so nothing legitimate sends them. jraft
 * names each request's gRPC service after its message class.
 */
final class RaftAdminGuard implements ServerInterceptor {

	private static final String CLI_REQUESTS = "com.alipay.sofa.jraft.rpc.CliRequests$";

	/** Reads that change nothing stay answered. */
	private static final Set<String> READS = Set.of(CLI_REQUESTS + "GetLeaderRequest", CLI_REQUESTS + "GetPeersRequest");

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		String service = call.getMethodDescriptor().getServiceName();
		if (service != null && service.startsWith(CLI_REQUESTS) && !READS.contains(service)) {
			call.close(Status.PERMISSION_DENIED.withDescription(
					"membership changes through the Raft port are refused; the MDS schedules them"), new Metadata());
			return new ServerCall.Listener<>() {
			};
		}
		return next.startCall(call, headers);
	}

}
