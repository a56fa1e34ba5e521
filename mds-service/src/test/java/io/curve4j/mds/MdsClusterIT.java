package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import org.springframework.test.util.TestSocketUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A three-member MDS group in one JVM: followers send clients to the leader, and when
 * the leader stops a new one is elected and serves the namespace created before.
 */
@Timeout(120)
class MdsClusterIT {

	@TempDir
	Path dir;

	private final List<MdsNode> nodes = new ArrayList<>();

	@AfterEach
	void stop() {
		this.nodes.forEach(MdsNode::close);
	}

	@Test
	void followersRedirectAndANewLeaderServesAfterTheLeaderStops() {
		int[][] ports = new int[3][3];
		List<String> members = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 3; j++) {
				ports[i][j] = TestSocketUtils.findAvailableTcpPort();
			}
			members.add("--curve.mds.members[" + i + "].raft=127.0.0.1:" + ports[i][0]);
			members.add("--curve.mds.members[" + i + "].grpc=127.0.0.1:" + ports[i][1]);
			members.add("--curve.mds.members[" + i + "].http=127.0.0.1:" + ports[i][2]);
		}
		for (int i = 0; i < 3; i++) {
			this.nodes.add(MdsNode.start(this.dir.resolve("mds-" + i), ports[i][0], ports[i][1], ports[i][2],
					members.toArray(String[]::new)));
		}
		MdsNode leader = awaitLeader(this.nodes);
		assertThat(leader.postJson("/api/v1/directories", Map.of("path", "/demo")).status()).isEqualTo(201);
		assertThat(leader.postJson("/api/v1/volumes", Map.of("path", "/demo/vol1", "size", 2 * Sizes.GIB)).status())
			.isEqualTo(201);

		MdsNode follower = this.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
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

		this.nodes.remove(leader);
		leader.close();
		MdsNode next = awaitLeader(this.nodes);
		FileInfo vol = stat(next, "/demo/vol1");
		assertThat(vol.getLength()).isEqualTo(2 * Sizes.GIB);
		NamespaceServiceGrpc.newBlockingStub(next.channel())
			.createVolume(CreateVolumeRequest.newBuilder().setPath("/demo/vol2").setLength(Sizes.GIB).build());
		assertThat(next.get("/api/v1/directories/list?path=/demo").body()).hasSize(2);
		MdsNode other = this.nodes.stream().filter(n -> n != next).findFirst().orElseThrow();
		assertThat(other.get("/api/v1/volumes/info?path=/demo/vol2").location())
			.isEqualTo("http://127.0.0.1:" + next.httpPort() + "/api/v1/volumes/info?path=/demo/vol2");
	}

	private static FileInfo stat(MdsNode node, String path) {
		return NamespaceServiceGrpc.newBlockingStub(node.channel())
			.statFile(StatFileRequest.newBuilder().setPath(path).build())
			.getFile();
	}

	private static MdsNode awaitLeader(List<MdsNode> nodes) {
		await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().anyMatch(MdsNode::isLeader));
		Optional<MdsNode> leader = nodes.stream().filter(MdsNode::isLeader).findFirst();
		return leader.orElseThrow();
	}

}
