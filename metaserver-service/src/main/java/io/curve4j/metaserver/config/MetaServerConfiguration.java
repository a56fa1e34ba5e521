package io.curve4j.metaserver.config;

import java.io.IOException;
import java.time.Clock;
import java.util.function.UnaryOperator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.common.grpc.CurveGrpcExceptionHandler;
import io.curve4j.common.raft.RaftHost;
import io.curve4j.metaserver.compaction.Compactor;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.metaserver.rpc.MetaGrpcService;

/**
 * The metaserver's storage side and its gRPC service: the shared Raft server and the
 * copysets, loaded from disk before the gRPC server takes requests.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MetaServerProperties.class)
public class MetaServerConfiguration {

	/** Failures become statuses in one place; a NOT_LEADER hint is the leader's Raft address, which clients map. */
	@Bean
	CurveGrpcExceptionHandler grpcExceptionHandler() {
		return new CurveGrpcExceptionHandler(UnaryOperator.identity());
	}

	@Bean(destroyMethod = "close")
	RaftHost raftHost(MetaServerProperties properties) {
		String key = properties.resolveDataKey();
		ClusterCredential credential = key == null ? null : ClusterCredential.fromSecret(key);
		return new RaftHost(properties.getHost(), properties.getRaftPort(), credential, properties.getRaftLog(),
				properties.getDataDir().resolve("raftjournal"));
	}

	@Bean(destroyMethod = "close")
	MetaCopysets metaCopysets(MetaServerProperties properties, RaftHost raftHost) throws IOException {
		MetaCopysets copysets = new MetaCopysets(properties.getDataDir().resolve("copysets"), raftHost,
				properties.getElectionTimeout(), properties.getSnapshotInterval());
		try {
			copysets.load();
		}
		catch (IOException | RuntimeException ex) {
			copysets.close();
			throw ex;
		}
		return copysets;
	}

	@Bean
	MetaGrpcService metaGrpcService(MetaCopysets copysets, MetaServerProperties properties,
			ObjectProvider<Compactor> compactor) {
		String key = properties.resolveDataKey();
		return new MetaGrpcService(copysets, key == null ? null : FsCapabilities.fromSecret(key), Clock.systemUTC(),
				compactor.getIfAvailable());
	}

}
