package io.curve4j.mds;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.proto.mds.v1.CreateVolumeRequest;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.StatFileRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A three-member MDS group in one JVM: followers send clients to the leader, and when
 * the leader stops a new one is elected and serves the namespace created before.
 */
@Timeout(120)
class MdsClusterIT {

	@TempDir
	Path dir;

	private MdsTestCluster cluster;

	@AfterEach
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void followersRedirectAndANewLeaderServesAfterTheLeaderStops() {
		this.cluster = MdsTestCluster.start(this.dir, 3);
		int leaderIndex = this.cluster.awaitLeader();
		MdsNode leader = this.cluster.node(leaderIndex);
		assertThat(leader.postJson("/api/v1/directories", Map.of("path", "/demo")).status()).isEqualTo(201);
		assertThat(leader.postJson("/api/v1/volumes", Map.of("path", "/demo/vol1", "size", 2 * Sizes.GIB)).status())
			.isEqualTo(201);

		MdsNode follower = this.cluster.node((leaderIndex + 1) % 3);
		Response redirect = follower.get("/api/v1/volumes/info?path=/demo/vol1");
		assertThat(redirect.status()).isEqualTo(307);
		assertThat(redirect.location())
			.isEqualTo("http://127.0.0.1:" + leader.httpPort() + "/api/v1/volumes/info?path=/demo/vol1");
		assertThat(redirect.contentType()).startsWith("application/problem+json");
		assertThat(redirect.code()).isEqualTo("NOT_LEADER");
		assertThat(follower.get("/api/v1/cluster/status").status()).isEqualTo(307);
		assertThat(follower.post("/api/v1/topology", "application/yaml", "servers: []").status()).isEqualTo(307);
		assertThat(follower.get("/actuator/health").body().path("components").path("raft").path("details")
			.path("role").asString()).isEqualTo("follower");
		assertThatThrownBy(() -> stat(follower, "/demo/vol1")).isInstanceOfSatisfying(StatusRuntimeException.class,
				ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
					assertThat(ex.getTrailers().get(GrpcErrors.ERROR_KEY)).isEqualTo(ErrorCode.NOT_LEADER.name());
					assertThat(ex.getTrailers().get(GrpcErrors.LEADER_KEY)).isEqualTo("127.0.0.1:" + leader.grpcPort());
				});
		Response status = leader.get("/api/v1/cluster/status");
		assertThat(status.body().path("mds").path("members")).hasSize(3);
		assertThat(status.body().path("mds").path("leader").path("http").asString())
			.isEqualTo("127.0.0.1:" + leader.httpPort());

		this.cluster.stop(leaderIndex);
		int nextIndex = this.cluster.awaitLeader();
		MdsNode next = this.cluster.node(nextIndex);
		FileInfo vol = stat(next, "/demo/vol1");
		assertThat(vol.getLength()).isEqualTo(2 * Sizes.GIB);
		NamespaceServiceGrpc.newBlockingStub(next.channel())
			.createVolume(CreateVolumeRequest.newBuilder().setPath("/demo/vol2").setLength(Sizes.GIB).build());
		assertThat(next.get("/api/v1/directories/list?path=/demo").body()).hasSize(2);
		MdsNode other = this.cluster.node(3 - leaderIndex - nextIndex);
		assertThat(other.get("/api/v1/volumes/info?path=/demo/vol2").location())
			.isEqualTo("http://127.0.0.1:" + next.httpPort() + "/api/v1/volumes/info?path=/demo/vol2");
	}

	private static FileInfo stat(MdsNode node, String path) {
		return NamespaceServiceGrpc.newBlockingStub(node.channel())
			.statFile(StatFileRequest.newBuilder().setPath(path).build())
			.getFile();
	}

}
