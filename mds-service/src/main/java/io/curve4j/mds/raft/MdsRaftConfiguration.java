package io.curve4j.mds.raft;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

import io.curve4j.common.auth.ClusterCredential;
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
		String dataKey = properties.getAuth().resolveDataKey();
		return new RaftHost(properties.getRaftAddress().host(), properties.getRaftAddress().port(),
				dataKey == null ? null : ClusterCredential.fromSecret(dataKey));
	}

	@Bean
	MdsStore mdsStore(MdsProperties properties) {
		return new MdsStore(properties.getDataDir().resolve("db"));
	}

}
