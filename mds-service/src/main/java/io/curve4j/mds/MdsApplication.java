package io.curve4j.mds;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The metadata server. Its configuration file is {@code mds.yml} (not
 * {@code application.yml}) so that several services can share one classpath in tests
 * and tools without reading each other's settings.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MdsApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/** The application with its defaults; tests start it the same way. */
	public static SpringApplication application() {
		SpringApplication app = new SpringApplication(MdsApplication.class);
		app.setDefaultProperties(Map.of("spring.config.name", "mds"));
		return app;
	}

}
