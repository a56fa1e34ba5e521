package io.curve4j.discovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;

/** The {@link MdsMemberSource} of every Spring Boot service that has this module. */
@AutoConfiguration
@EnableConfigurationProperties(DiscoveryProperties.class)
public class DiscoveryAutoConfiguration {

	@Bean
	MdsMemberSource mdsMemberSource(DiscoveryProperties properties, ObjectProvider<DiscoveryClient> discoveryClients) {
		String service = properties.getMdsService().strip();
		return new MdsMemberSource(service, service.isEmpty() ? null : discoveryClients.getIfAvailable());
	}

}
