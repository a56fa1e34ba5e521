package io.curve4j.snapshot;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The snapshot service. Its configuration file is {@code snapshot.yml} (not
 * {@code application.yml}) so that it shares a classpath with the other services in
 * tests and tools without either reading the other's settings.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SnapshotServiceApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/** The application with its defaults; tests start it the same way. */
	public static SpringApplication application() {
		SpringApplication app = new SpringApplication(SnapshotServiceApplication.class);
		app.setDefaultProperties(Map.of("spring.config.name", "snapshot"));
		return app;
	}

}
