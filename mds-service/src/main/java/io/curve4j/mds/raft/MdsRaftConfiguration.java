package io.curve4j.mds.raft;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.curve4j.mds.config.MdsProperties;

/** The MDS database; closed by Spring after {@link MdsRaft} has stopped. */
@Configuration(proxyBeanMethods = false)
class MdsRaftConfiguration {

	@Bean
	MdsStore mdsStore(MdsProperties properties) {
		return new MdsStore(properties.getDataDir().resolve("db"));
	}

}
