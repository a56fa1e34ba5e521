package io.curve4j.chunk.config;

import java.io.IOException;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.curve4j.chunk.chunkfile.ChunkFilePool;
import io.curve4j.chunk.chunkfile.OpenChunkFiles;
import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.common.grpc.CurveGrpcExceptionHandler;
import io.curve4j.common.raft.RaftHost;

/**
 * The chunkserver's storage side: the shared Raft server, the chunk file pool and the
 * copysets, loaded from disk before the gRPC server starts taking requests and stopped
 * (in reverse order) after it stops.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChunkServerProperties.class)
public class ChunkServerConfiguration {

	/** Failures become statuses in one place; a NOT_LEADER hint is the leader's Raft address, which clients map. */
	@Bean
	CurveGrpcExceptionHandler grpcExceptionHandler() {
		return new CurveGrpcExceptionHandler(UnaryOperator.identity());
	}

	@Bean
	DataKey dataKey(ChunkServerProperties properties) {
		return DataKey.of(properties.resolveDataKey());
	}

	@Bean(destroyMethod = "close")
	RaftHost raftHost(ChunkServerProperties properties, DataKey dataKey) {
		return new RaftHost(properties.getHost(), properties.getRaftPort(), dataKey.credential(),
				properties.getRaftLog(), properties.getDataDir().resolve("raftjournal"));
	}

	@Bean(destroyMethod = "close")
	ChunkFilePool chunkFilePool(ChunkServerProperties properties, MeterRegistry meters) throws IOException {
		ChunkFilePool pool = new ChunkFilePool(properties.getDataDir().resolve("chunkfilepool"), (int) properties.getChunkSize().toBytes(),
				properties.getChunkFilePoolSize());
		Gauge.builder("curve4j.chunk.pool.files", pool, ChunkFilePool::available)
			.description("Pre-allocated chunk files ready to hand out")
			.register(meters);
		Gauge.builder("curve4j.chunk.pool.dirty", pool, ChunkFilePool::dirty)
			.description("Deleted chunks' files back in the pool, waiting to be zeroed")
			.register(meters);
		return pool;
	}

	@Bean
	OpenChunkFiles openChunkFiles(ChunkServerProperties properties, MeterRegistry meters) {
		OpenChunkFiles files = new OpenChunkFiles(properties.getMaxOpenChunkFiles());
		Gauge.builder("curve4j.chunk.files.open", files, OpenChunkFiles::size)
			.description("Chunk files open, across copysets")
			.register(meters);
		return files;
	}

	@Bean(destroyMethod = "close")
	CopysetRegistry copysetRegistry(ChunkServerProperties properties, RaftHost raftHost, ChunkFilePool pool,
			OpenChunkFiles openFiles, MeterRegistry meters) throws IOException {
		CopysetRegistry registry = new CopysetRegistry(properties.getDataDir().resolve("copysets"), raftHost, pool,
				openFiles, properties.getElectionTimeout(), properties.getSnapshotInterval(),
				properties.getSnapshotThroughput().toBytes());
		try {
			registry.load();
		}
		catch (IOException | RuntimeException ex) {
			registry.close();
			throw ex;
		}
		Gauge.builder("curve4j.chunk.used.bytes", registry,
				r -> r.copysets().stream().mapToLong(Copyset::usedBytes).sum())
			.description("Bytes of chunk files in use across copysets (the chunk file pool not counted)")
			.baseUnit("bytes")
			.register(meters);
		return registry;
	}

}
