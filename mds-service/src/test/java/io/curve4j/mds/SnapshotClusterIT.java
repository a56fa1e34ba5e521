package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.mds.v1.AcquireLeaseRequest;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc;
import io.curve4j.proto.mds.v1.StatFileRequest;

import static io.curve4j.mds.MdsIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The snapshot catalog in a three-member MDS group: a snapshot and the volume's raised
 * sequence reach every member in one entry, survive the leader's loss, and a new leader
 * lets no snapshot through and grants no worker lease before one lease has passed since
 * its election (it cannot know the sessions and the holder its predecessor had).
 */
@Timeout(120)
class SnapshotClusterIT {

	private static final Duration LEASE = Duration.ofSeconds(3);

	private static final Duration WORKER_LEASE = Duration.ofSeconds(4);

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
	void snapshotsSurviveALeaderChangeAndANewLeaderWaitsOneLease() {
		this.cluster = MdsTestCluster.start(this.dir, 3, "--curve.mds.session-lease=" + LEASE.toMillis() + "ms",
				"--curve.mds.snapshot.worker-lease=" + WORKER_LEASE.toMillis() + "ms");
		int leaderIndex = this.cluster.awaitLeader();
		MdsNode leader = this.cluster.node(leaderIndex);
		assertThat(leader.postJson("/api/v1/directories", Map.of("path", "/c")).status()).isEqualTo(201);
		for (String v : new String[] { "/c/a", "/c/b" }) {
			assertThat(leader.postJson("/api/v1/volumes", Map.of("path", v, "size", Sizes.GIB)).status()).isEqualTo(201);
		}
		MdsNode follower = this.cluster.node((leaderIndex + 1) % 3);
		Response redirected = follower.postJson("/api/v1/snapshots", Map.of("volume", "/c/a", "name", "s1"));
		assertThat(redirected.status()).isEqualTo(307);
		assertThat(redirected.location()).isEqualTo("http://127.0.0.1:" + leader.httpPort() + "/api/v1/snapshots");

		Response created = leader.postJson("/api/v1/snapshots", Map.of("volume", "/c/a", "name", "s1"));
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		String id = created.body().path("id").asString();
		// one entry: every member has the record and the raised volume together
		for (int i = 0; i < 3; i++) {
			MdsStore store = this.cluster.node(i).bean(MdsStore.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> store.get(MdsSchema.SNAPSHOTS, id).isPresent());
			SnapshotInfo record = store.get(MdsSchema.SNAPSHOTS, id).orElseThrow();
			assertThat(record.getStatus()).isEqualTo(SnapshotStatus.PENDING);
			assertThat(record.getInCluster()).isTrue();
			assertThat(store.get(MdsSchema.FILES, record.getVolumeId()).orElseThrow().getSeqNum()).isEqualTo(2);
			assertThat(store.get(MdsSchema.FILES, record.getVolumeId()).orElseThrow().getSnapshotSeqsList())
				.containsExactly(1L);
		}

		this.cluster.stop(leaderIndex);
		int nextIndex = this.cluster.awaitLeader();
		MdsNode next = this.cluster.node(nextIndex);
		MdsRaft raft = next.bean(MdsRaft.class);
		assertThat(next.call(null, SnapshotTaskServiceGrpc.getAcquireLeaseMethod(),
				AcquireLeaseRequest.newBuilder().setWorkerId("w").build())
			.getHeld()).as("no worker lease in the new leader's first lease").isFalse();

		Response afterFailover = next.postJson("/api/v1/snapshots", Map.of("volume", "/c/b", "name", "s2"));
		long answered = System.nanoTime();
		assertThat(afterFailover.status()).as(afterFailover.body().toString()).isEqualTo(201);
		assertThat(answered - raft.leaderSinceNanos()).as("answered one lease after the election at the earliest")
			.isGreaterThanOrEqualTo(LEASE.toNanos());

		JsonNode kept = next.get("/api/v1/snapshots/" + id).body();
		assertThat(kept).isEqualTo(created.body());
		assertProblem(next.postJson("/api/v1/snapshots", Map.of("volume", "/c/a", "name", "s3")), 409,
				ErrorCode.SNAPSHOT_IN_PROGRESS);
		FileInfo a = NamespaceServiceGrpc.newBlockingStub(next.channel())
			.statFile(StatFileRequest.newBuilder().setPath("/c/a").build())
			.getFile();
		assertThat(a.getSeqNum()).isEqualTo(2);
		assertThat(a.getSnapshotSeqsList()).containsExactly(1L);
		await().atMost(WORKER_LEASE.multipliedBy(3))
			.until(() -> next
				.call(null, SnapshotTaskServiceGrpc.getAcquireLeaseMethod(),
						AcquireLeaseRequest.newBuilder().setWorkerId("w").build())
				.getHeld());
	}

}
