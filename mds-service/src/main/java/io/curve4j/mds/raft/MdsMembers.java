package io.curve4j.mds.raft;

import java.util.List;
import java.util.Optional;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.stereotype.Component;

import io.curve4j.common.net.HostPort;
import io.curve4j.mds.config.MdsProperties;

/**
 * The members of the MDS group and their three addresses. A follower maps the leader's
 * Raft address to its gRPC and HTTP addresses to send clients there. Without configured
 * members the group is this process alone, reachable on the ports its servers actually
 * bound (which may be random in tests).
 */
@Component
public class MdsMembers {

	/** One MDS process. */
	public record Member(String raft, String grpc, String http) {
	}

	private final MdsProperties properties;

	private volatile int grpcPort;

	private volatile int httpPort;

	public MdsMembers(MdsProperties properties) {
		this.properties = properties;
		List<MdsProperties.Member> members = properties.getMembers();
		if (!members.isEmpty()
				&& members.stream().noneMatch(m -> HostPort.of(m.getRaft()).equals(properties.getRaftAddress()))) {
			throw new IllegalStateException("curve.mds.raft-address " + properties.getRaftAddress()
					+ " is not one of curve.mds.members[*].raft "
					+ members.stream().map(MdsProperties.Member::getRaft).toList());
		}
	}

	@EventListener
	void onGrpcStarted(GrpcServerStartedEvent event) {
		this.grpcPort = event.getPort();
	}

	@EventListener
	void onWebStarted(WebServerInitializedEvent event) {
		this.httpPort = event.getWebServer().getPort();
	}

	public List<Member> all() {
		if (this.properties.getMembers().isEmpty()) {
			HostPort self = this.properties.getRaftAddress();
			return List.of(new Member(self.toString(), new HostPort(self.host(), this.grpcPort).toString(),
					new HostPort(self.host(), this.httpPort).toString()));
		}
		return this.properties.getMembers().stream().map(m -> new Member(m.getRaft(), m.getGrpc(), m.getHttp())).toList();
	}

	/** Raft addresses of every member: the group's initial configuration. */
	public List<String> raftPeers() {
		return all().stream().map(Member::raft).toList();
	}

	public Optional<Member> byRaft(String raftAddress) {
		return all().stream().filter(m -> m.raft().equals(raftAddress)).findFirst();
	}

}
