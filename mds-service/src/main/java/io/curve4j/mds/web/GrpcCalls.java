package io.curve4j.mds.web;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.mds.raft.MdsMembers;
import io.grpc.stub.StreamObserver;

/**
 * Runs the body of a unary gRPC call and answers with its result or with the status of
 * its failure ({@link GrpcErrors#toStatus}), the leader hint translated from a Raft
 * address to the leader's gRPC address.
 */
@Component
public class GrpcCalls {

	private static final Logger log = LoggerFactory.getLogger(GrpcCalls.class);

	private final MdsMembers members;

	public GrpcCalls(MdsMembers members) {
		this.members = members;
	}

	public <T> void unary(StreamObserver<T> observer, Supplier<T> call) {
		T response;
		try {
			response = call.get();
		}
		catch (NotLeaderException ex) {
			String grpc = this.members.byRaft(ex.leaderHint()).map(MdsMembers.Member::grpc).orElse("");
			observer.onError(GrpcErrors.toStatus(new NotLeaderException(ex.getMessage(), grpc)));
			return;
		}
		catch (CurveException ex) {
			observer.onError(GrpcErrors.toStatus(ex));
			return;
		}
		catch (RuntimeException ex) {
			log.error("gRPC call failed", ex);
			observer.onError(GrpcErrors.toStatus(ex));
			return;
		}
		observer.onNext(response);
		observer.onCompleted();
	}

}
