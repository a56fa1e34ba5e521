package io.curve4j.mds.raft;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

import io.curve4j.common.raft.RaftHost;
import io.curve4j.mds.config.MdsProperties;

/**
 * The MDS database and the process's Raft host; both closed by Spring after
 * {@link MdsRaft} has stopped its group.
 */
@Configuration(proxyBeanMethods = false)
class MdsRaftConfiguration {

	/** Depends on the store so that it is closed first: its groups apply to the store until they stop. */
	@Bean(destroyMethod = "close")
	@DependsOn("mdsStore")
	RaftHost raftHost(MdsProperties properties) {
		String self = properties.getRaftAddress();
		int colon = self.lastIndexOf(':');
		if (colon < 0) {
			throw new IllegalStateException("curve.mds.raft-address must be host:port, not " + self);
		}
		return new RaftHost(self.substring(0, colon), Integer.parseInt(self.substring(colon + 1)));
	}

	@Bean
	MdsStore mdsStore(MdsProperties properties) {
		return new MdsStore(properties.getDataDir().resolve("db"));
	}

}
