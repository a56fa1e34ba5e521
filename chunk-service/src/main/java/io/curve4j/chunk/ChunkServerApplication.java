package io.curve4j.chunk;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The chunkserver: copysets of chunk replicas (one sofa-jraft group each, sharing one Raft
 * server), chunk I/O and copyset membership over gRPC, registration and heartbeats to the
 * MDS. Configured from {@code chunkserver.yml} and {@code curve.chunkserver.*}.
 */
@SpringBootApplication
public class ChunkServerApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/**
	 * The application as tests and the local cluster start it. Its own config file name
	 * keeps it apart from other services on one classpath.
	 */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(ChunkServerApplication.class)
			.properties(Map.of("spring.config.name", "chunkserver"));
	}

}
