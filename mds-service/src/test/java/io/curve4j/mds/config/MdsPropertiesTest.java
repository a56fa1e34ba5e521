package io.curve4j.mds.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class MdsPropertiesTest {

	@Test
	void bindsTheLauncherArguments() {
		Map<String, String> args = Map.of("curve.mds.data-dir", "/data/mds-1", "curve.mds.raft-address",
				"127.0.0.1:6700", "curve.mds.members[0].raft", "127.0.0.1:6700", "curve.mds.members[0].grpc",
				"127.0.0.1:6701", "curve.mds.members[0].http", "127.0.0.1:6702", "curve.mds.members[1].raft",
				"127.0.0.1:6710", "curve.mds.members[1].grpc", "127.0.0.1:6711", "curve.mds.members[1].http",
				"127.0.0.1:6712", "curve.mds.chunkserver-offline-timeout", "3s");
		MdsProperties p = new Binder(new MapConfigurationPropertySource(args)).bind("curve.mds", MdsProperties.class)
			.get();
		assertThat(p.getDataDir()).isEqualTo(Path.of("/data/mds-1"));
		assertThat(p.getMembers()).hasSize(2);
		assertThat(p.getMembers().get(1).getGrpc()).isEqualTo("127.0.0.1:6711");
		assertThat(p.getChunkserverOfflineTimeout()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void defaults() {
		MdsProperties p = new MdsProperties();
		assertThat(p.getMembers()).isEmpty();
		assertThat(p.getElectionTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(p.getSessionLease()).isEqualTo(Duration.ofSeconds(20));
		assertThat(p.getSnapshotInterval()).isEqualTo(Duration.ofMinutes(10));
		assertThat(p.getChunkserverOfflineTimeout()).isEqualTo(Duration.ofSeconds(3));
	}

}
