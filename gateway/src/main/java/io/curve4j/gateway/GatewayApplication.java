package io.curve4j.gateway;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The REST gateway. Its configuration file is {@code gateway.yml} (not
 * {@code application.yml}) so that it shares a classpath with the services it fronts,
 * in tests and tools, without either reading the other's settings.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/** The application with its defaults; tests start it the same way. */
	public static SpringApplication application() {
		SpringApplication app = new SpringApplication(GatewayApplication.class);
		app.setDefaultProperties(Map.of("spring.config.name", "gateway"));
		return app;
	}

}
