package io.curve4j.metaserver;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The metaserver: copysets of CurveFS metadata partitions (one sofa-jraft group and one
 * RocksDB each, sharing one Raft server), MetaService over gRPC. Configured from
 * {@code metaserver.yml} and {@code curve.metaserver.*}.
 */
@SpringBootApplication
public class MetaServerApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** The application as tests and the local cluster start it; its own config file name keeps it apart from other services. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(MetaServerApplication.class)
			.properties(Map.of("spring.config.name", "metaserver"));
	}

}
