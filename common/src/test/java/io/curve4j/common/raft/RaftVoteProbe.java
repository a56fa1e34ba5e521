package io.curve4j.common.raft;

import java.util.concurrent.TimeUnit;

import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;

/**
 * A raw client of a Raft port: asks a group member for its vote as jraft's gRPC transport
 * would (the call {@code <request class>/_call}), claiming a log far ahead of anyone's, so
 * that a member that answered a vote for a later term would step down. What a stranger
 * on the network would send to depose a leader; tests check that it is refused.
 */
public final class RaftVoteProbe {

	private static final MethodDescriptor<RequestVoteRequest, RequestVoteResponse> VOTE = MethodDescriptor
		.<RequestVoteRequest, RequestVoteResponse>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName(MethodDescriptor.generateFullMethodName(RequestVoteRequest.class.getName(), "_call"))
		.setRequestMarshaller(ProtoUtils.marshaller(RequestVoteRequest.getDefaultInstance()))
		.setResponseMarshaller(ProtoUtils.marshaller(RequestVoteResponse.getDefaultInstance()))
		.build();

	private RaftVoteProbe() {
	}

	/**
	 * Asks member {@code target} ("host:port") of group {@code groupId} for its vote in
	 * {@code term}; answers whether it was granted.
	 * @throws io.grpc.StatusRuntimeException when the port refuses the call
	 */
	public static boolean requestVote(Channel channel, String groupId, String target, long term) {
		RequestVoteRequest request = RequestVoteRequest.newBuilder()
			.setGroupId(groupId)
			.setServerId("127.0.0.1:1")
			.setPeerId(target)
			.setTerm(term)
			.setLastLogTerm(Long.MAX_VALUE / 2)
			.setLastLogIndex(Long.MAX_VALUE / 2)
			.setPreVote(false)
			.build();
		return ClientCalls
			.blockingUnaryCall(channel, VOTE, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request)
			.getGranted();
	}

}
