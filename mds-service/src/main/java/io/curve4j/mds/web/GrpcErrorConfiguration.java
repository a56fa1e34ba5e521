package io.curve4j.mds.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.curve4j.common.grpc.CurveGrpcExceptionHandler;
import io.curve4j.mds.raft.MdsMembers;

/** gRPC failures become statuses in one place; a follower names the leader's gRPC address. */
@Configuration(proxyBeanMethods = false)
class GrpcErrorConfiguration {

	@Bean
	CurveGrpcExceptionHandler grpcExceptionHandler(MdsMembers members) {
		return new CurveGrpcExceptionHandler(raft -> members.byRaft(raft).map(MdsMembers.Member::grpc).orElse(""));
	}

}
