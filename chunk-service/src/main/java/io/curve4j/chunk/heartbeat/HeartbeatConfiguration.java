package io.curve4j.chunk.heartbeat;

import java.io.IOException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.chunk.repair.IntegrityCounters;
import io.curve4j.discovery.MdsMemberSource;
import io.curve4j.membership.HeartbeatTask;
import io.curve4j.membership.MembershipSettings;

/**
 * Registration and heartbeats (the membership every server of copysets shares), on unless
 * {@code curve.chunkserver.heartbeat-enabled=false} (tests without an MDS). They start
 * once the gRPC server is bound: its port is what the MDS hands to clients.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "curve.chunkserver", name = "heartbeat-enabled", matchIfMissing = true)
class HeartbeatConfiguration {

	/** The file a chunkserver keeps its registration in (the name every earlier version used). */
	static final String IDENTITY_FILE = "chunkserver.properties";

	@Bean(destroyMethod = "close")
	HeartbeatTask heartbeatTask(ChunkServerProperties properties, MdsMemberSource mdsMemberSource,
			CopysetRegistry copysets, IntegrityCounters integrity) throws IOException {
		MembershipSettings settings = new MembershipSettings("chunkserver",
				properties.getDataDir().resolve(IDENTITY_FILE), properties.getDataDir(), properties.getHost(),
				properties.getRaftPort(), properties.getServerName(),
				mdsMemberSource.addresses("grpc", properties.getMdsAddresses()),
				properties.getMdsTimeout(), properties.getHeartbeatInterval(), properties::resolveJoinToken,
				(int) properties.getChunkSize().toBytes());
		return new HeartbeatTask(settings, copysets, request -> request.setIntegrity(integrity.report()));
	}

	@Bean
	ApplicationListener<GrpcServerStartedEvent> heartbeatStart(HeartbeatTask heartbeat) {
		return event -> heartbeat.start(event.getPort());
	}

}
