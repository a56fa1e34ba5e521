package io.curve4j.chunk.heartbeat;

import java.io.IOException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.chunk.repair.IntegrityCounters;

/**
 * Registration and heartbeats, on unless {@code curve.chunkserver.heartbeat-enabled=false}
 * (tests without an MDS).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "curve.chunkserver", name = "heartbeat-enabled", matchIfMissing = true)
class HeartbeatConfiguration {

	@Bean(destroyMethod = "close")
	HeartbeatTask heartbeatTask(ChunkServerProperties properties, CopysetRegistry copysets,
			IntegrityCounters integrity) throws IOException {
		return new HeartbeatTask(properties, copysets, integrity);
	}

}
