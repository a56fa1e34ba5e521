package io.curve4j.chunk.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.curve4j.common.raft.RaftLogStore;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkServerPropertiesTest {

	@Test
	void bindsTheLauncherArguments() {
		Map<String, String> source = Map.of("curve.chunkserver.data-dir", "/var/curve/cs1",
				"curve.chunkserver.host", "10.0.0.5", "curve.chunkserver.raft-port", "8201",
				"curve.chunkserver.server-name", "server-1", "curve.chunkserver.mds-addresses",
				"127.0.0.1:6700,127.0.0.1:6701", "curve.chunkserver.heartbeat-interval", "1s",
				"curve.chunkserver.chunk-file-pool-size", "4", "curve.chunkserver.election-timeout", "1500ms",
				"curve.chunkserver.raft-log", "rocksdb");
		ChunkServerProperties p = new Binder(new MapConfigurationPropertySource(source))
			.bind("curve.chunkserver", ChunkServerProperties.class)
			.get();
		assertThat(p.getDataDir()).isEqualTo(Path.of("/var/curve/cs1"));
		assertThat(p.raftAddress()).isEqualTo("10.0.0.5:8201");
		assertThat(p.getServerName()).isEqualTo("server-1");
		assertThat(p.getMdsAddresses()).containsExactly("127.0.0.1:6700", "127.0.0.1:6701");
		assertThat(p.getHeartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(p.getChunkFilePoolSize()).isEqualTo(4);
		assertThat(p.getElectionTimeout()).isEqualTo(Duration.ofMillis(1500));
		assertThat(p.isHeartbeatEnabled()).isTrue();
		assertThat(p.getSnapshotInterval()).isEqualTo(Duration.ofMinutes(1));
		assertThat(p.getRaftLog()).isEqualTo(RaftLogStore.ROCKSDB);
	}

	@Test
	void defaultsSuitALocalCluster() {
		ChunkServerProperties p = new ChunkServerProperties();
		assertThat(p.getHost()).isEqualTo("127.0.0.1");
		assertThat(p.getMdsAddresses()).isEqualTo(List.of());
		assertThat(p.getChunkFilePoolSize()).isEqualTo(8);
		assertThat(p.getRaftLog()).isEqualTo(RaftLogStore.JOURNAL);
	}

}
