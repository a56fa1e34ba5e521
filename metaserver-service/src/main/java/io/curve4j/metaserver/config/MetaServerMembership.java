package io.curve4j.metaserver.config;

import java.io.IOException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

import io.curve4j.discovery.MdsMemberSource;
import io.curve4j.membership.HeartbeatTask;
import io.curve4j.membership.MembershipSettings;
import io.curve4j.metaserver.copyset.MetaCopysets;

/**
 * Registration and heartbeats, shared with the chunkservers: the MDS places the copysets
 * of fs-metadata pools on metaservers as it places chunk copysets, and its scheduler heals
 * them alike. On unless {@code curve.metaserver.heartbeat-enabled=false} (tests without an
 * MDS); started once the gRPC server is bound.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "curve.metaserver", name = "heartbeat-enabled", matchIfMissing = true)
class MetaServerMembership {

	@Bean(destroyMethod = "close")
	HeartbeatTask heartbeatTask(MetaServerProperties properties, MdsMemberSource mdsMemberSource, MetaCopysets copysets)
			throws IOException {
		MembershipSettings settings = new MembershipSettings("metaserver",
				properties.getDataDir().resolve("metaserver.properties"), properties.getDataDir(), properties.getHost(),
				properties.getRaftPort(), properties.getServerName(),
				mdsMemberSource.addresses("grpc", properties.getMdsAddresses()),
				properties.getMdsTimeout(), properties.getHeartbeatInterval(), properties::resolveJoinToken, 0);
		return new HeartbeatTask(settings, copysets, request -> {
		});
	}

	@Bean
	ApplicationListener<GrpcServerStartedEvent> heartbeatStart(HeartbeatTask heartbeat) {
		return event -> heartbeat.start(event.getPort());
	}

}
