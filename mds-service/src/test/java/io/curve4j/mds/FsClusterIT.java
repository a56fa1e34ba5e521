package io.curve4j.mds;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.fs.v1.AllocateChunkIdsRequest;
import io.curve4j.proto.fs.v1.AllocateChunkIdsResponse;
import io.curve4j.proto.fs.v1.FsServiceGrpc;
import io.curve4j.proto.fs.v1.MountRequest;
import io.curve4j.proto.fs.v1.MountResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CurveFS state across a real MDS leader change in a 3-member group: a follower sends
 * mounts to the leader, and the new leader keeps the file systems, its mounts and the
 * chunk-id counter (no id is handed out twice). Without users every caller is root.
 */
@Timeout(120)
class FsClusterIT {

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
	void chunkIdsNeverRepeatAcrossALeaderChange() {
		// a lease that outlasts the election: the mount is still there on the next leader
		this.cluster = MdsTestCluster.start(this.dir, 3, "--curve.mds.fs.mount-lease=60s");
		int leaderIndex = this.cluster.awaitLeader();
		MdsNode leader = this.cluster.node(leaderIndex);
		TopologyService topology = leader.bean(TopologyService.class);
		topology.apply(MdsIT.SERVERS);
		for (int i = 1; i <= 3; i++) {
			topology.register(MdsIT.registration("server-" + i, i).setToken(MdsIT.ownToken(i)).build());
		}
		topology.apply(MdsIT.SERVERS + """
				logicalPools:
				  - name: meta
				    physicalPool: pool-1
				    replicas: 3
				    copysets: 3
				    zones: 3
				    kind: fs-metadata
				""");
		Response created = leader.postJson("/api/v1/fs", Map.of("name", "shared"));
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		int fsId = created.body().path("id").asInt();
		MountResponse mount = FsServiceGrpc.newBlockingStub(leader.channel())
			.mount(MountRequest.newBuilder().setFsName("shared").setHost("h").setMountPoint("/m").build());
		AllocateChunkIdsResponse before = allocate(leader, fsId);

		MdsNode follower = this.cluster.node((leaderIndex + 1) % 3);
		assertThatThrownBy(() -> allocate(follower, fsId)).isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(ex.getTrailers().get(GrpcErrors.ERROR_KEY)).isEqualTo(ErrorCode.NOT_LEADER.name());
			assertThat(ex.getTrailers().get(GrpcErrors.LEADER_KEY)).isEqualTo("127.0.0.1:" + leader.grpcPort());
		});

		this.cluster.stop(leaderIndex);
		MdsNode next = this.cluster.node(this.cluster.awaitLeader());
		AllocateChunkIdsResponse after = allocate(next, fsId);
		assertThat(after.getFirstChunkId()).isEqualTo(before.getFirstChunkId() + before.getCount());
		Response fs = next.get("/api/v1/fs/shared");
		assertThat(fs.body().path("partitions")).hasSize(3);
		assertThat(fs.body().path("mounts").get(0).path("id").asLong()).isEqualTo(mount.getMountId());
	}

	private static AllocateChunkIdsResponse allocate(MdsNode node, int fsId) {
		return FsServiceGrpc.newBlockingStub(node.channel())
			.allocateChunkIds(AllocateChunkIdsRequest.newBuilder().setFsId(fsId).setCount(100).build());
	}

}
