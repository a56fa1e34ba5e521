package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.proto.mds.v1.AcquireLeaseRequest;
import io.curve4j.proto.mds.v1.AcquireLeaseResponse;
import io.curve4j.proto.mds.v1.CloseVolumeRequest;
import io.curve4j.proto.mds.v1.DeleteFileRequest;
import io.curve4j.proto.mds.v1.FailCopyRequest;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FinishCopyRequest;
import io.curve4j.proto.mds.v1.FinishDeleteRequest;
import io.curve4j.proto.mds.v1.ListTasksRequest;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.OpenVolumeRequest;
import io.curve4j.proto.mds.v1.OpenVolumeResponse;
import io.curve4j.proto.mds.v1.RefreshSessionRequest;
import io.curve4j.proto.mds.v1.ReportProgressRequest;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc;
import io.curve4j.proto.mds.v1.StatFileRequest;
import io.grpc.Status;

import static io.curve4j.mds.MdsIT.assertGrpc;
import static io.curve4j.mds.MdsIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The snapshot catalog on one MDS with authentication on, over real REST and gRPC:
 * taking a snapshot raises the volume's sequence number and records it PENDING in one
 * step, waits for the volume's sessions, every refusal has its code and changes nothing,
 * the snapshot service's calls need the worker lease, their outcomes end the in-cluster
 * snapshot, a volume with snapshots cannot be deleted, and all of it survives a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class SnapshotIT {

	private static final String ROOT_PASSWORD = "snapshot-it-root";

	private static final Duration LEASE = Duration.ofSeconds(3);

	private static final Duration WORKER_LEASE = Duration.ofSeconds(2);

	@TempDir
	static Path dir;

	private final int raftPort = LoopbackPorts.free();

	private final int grpcPort = LoopbackPorts.free();

	private final int httpPort = LoopbackPorts.free();

	private MdsNode mds;

	private final SigningKey root = SigningKey.of("root", ROOT_PASSWORD);

	private final SigningKey alice = SigningKey.of("alice", "alice-password");

	private final SigningKey bob = SigningKey.of("bob", "bob-password");

	@BeforeAll
	void start() {
		this.mds = startMds();
		for (String user : List.of("alice", "bob")) {
			Response created = this.mds.send(this.root, "POST", "/api/v1/users",
					Map.of("name", user, "password", user + "-password"));
			assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		}
		assertThat(this.mds.send(this.alice, "POST", "/api/v1/directories", Map.of("path", "/alice")).status())
			.isEqualTo(201);
	}

	private MdsNode startMds() {
		MdsNode node = MdsNode.start(dir.resolve("mds"), this.raftPort, this.grpcPort, this.httpPort,
				"--curve.mds.auth.root-password=" + ROOT_PASSWORD, "--curve.mds.session-lease=" + LEASE.toMillis() + "ms",
				"--curve.mds.snapshot.worker-lease=" + WORKER_LEASE.toMillis() + "ms",
				"--curve.mds.snapshot.max-per-volume=3");
		await().atMost(Duration.ofSeconds(15)).until(node::isLeader);
		return node;
	}

	@AfterAll
	void stop() {
		if (this.mds != null) {
			this.mds.close();
		}
	}

	@Test
	@Order(1)
	void aSnapshotRaisesTheSequenceAndIsRecordedPending() {
		long volume = createVolume("/alice/v1");
		assertThat(stat("/alice/v1").getSeqNum()).as("volumes start at 1").isEqualTo(1);
		Response created = snapshot(this.alice, "/alice/v1", "nightly");
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		JsonNode s = created.body();
		String id = s.path("id").asString();
		assertThat(created.location()).isEqualTo("/api/v1/snapshots/" + id);
		assertThat(s.path("volume").asString()).isEqualTo("/alice/v1");
		assertThat(s.path("volumeId").asLong()).isEqualTo(volume);
		assertThat(s.path("name").asString()).isEqualTo("nightly");
		assertThat(s.path("seq").asLong()).isEqualTo(1);
		assertThat(s.path("status").asString()).isEqualTo("PENDING");
		assertThat(s.path("progress").asInt()).isZero();
		assertThat(s.path("size").asLong()).isEqualTo(Sizes.GIB);
		assertThat(Instant.parse(s.path("created").asString())).isBetween(Instant.now().minusSeconds(30), Instant.now());
		assertThat(s.path("error").isNull()).isTrue();

		FileInfo raised = stat("/alice/v1");
		assertThat(raised.getSeqNum()).isEqualTo(2);
		assertThat(raised.getSnapshotSeqsList()).containsExactly(1L);
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/snapshots/" + id, null).body()).isEqualTo(s);
		JsonNode listed = this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/v1", null).body();
		assertThat(listed.path("content")).hasSize(1);
		assertThat(listed.path("content").get(0)).isEqualTo(s);
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/v1&name=nightly", null)
			.body()
			.path("content")).hasSize(1);
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/v1&name=weekly", null)
			.body()
			.path("content")).isEmpty();
		// root sees every user's snapshots
		assertThat(this.mds.send(this.root, "GET", "/api/v1/snapshots/" + id, null).status()).isEqualTo(200);
	}

	@Test
	@Order(2)
	void everyRefusalHasItsCodeAndChangesNothing() {
		createVolume("/alice/v2");
		assertThat(this.mds.send(this.alice, "POST", "/api/v1/directories", Map.of("path", "/alice/d")).status())
			.isEqualTo(201);
		for (String bad : List.of("", "a b", "x/y", "ü", "n".repeat(129))) {
			assertProblem(snapshot(this.alice, "/alice/v2", bad), 400, ErrorCode.INVALID_SNAPSHOT_NAME);
		}
		Map<String, Object> noName = new HashMap<>();
		noName.put("volume", "/alice/v2");
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/snapshots", noName), 400,
				ErrorCode.INVALID_SNAPSHOT_NAME);
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/snapshots", new MdsNode.RawJson("{")), 400,
				ErrorCode.INVALID_ARGUMENT);
		assertProblem(snapshot(this.alice, "/alice/none", "a"), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(snapshot(this.alice, "/alice/d", "a"), 409, ErrorCode.NOT_A_VOLUME);
		assertProblem(snapshot(this.bob, "/alice/v2", "a"), 403, ErrorCode.NOT_OWNER);
		assertThat(stat("/alice/v2").getSeqNum()).as("no refusal raised the sequence").isEqualTo(1);

		String first = snapshot(this.alice, "/alice/v2", "a").body().path("id").asString();
		assertProblem(snapshot(this.alice, "/alice/v2", "a"), 409, ErrorCode.SNAPSHOT_EXISTS);
		assertProblem(snapshot(this.alice, "/alice/v2", "b"), 409, ErrorCode.SNAPSHOT_IN_PROGRESS);
		assertThat(stat("/alice/v2").getSeqNum()).isEqualTo(2);
		assertThat(stat("/alice/v2").getSnapshotSeqsList()).containsExactly(1L);

		// another user neither sees nor deletes it; an unknown id is not found either
		assertProblem(this.mds.send(this.bob, "GET", "/api/v1/snapshots/" + first, null), 404,
				ErrorCode.SNAPSHOT_NOT_FOUND);
		assertProblem(this.mds.send(this.bob, "DELETE", "/api/v1/snapshots/" + first, null), 404,
				ErrorCode.SNAPSHOT_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "GET", "/api/v1/snapshots/no-such-id", null), 404,
				ErrorCode.SNAPSHOT_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/snapshots/no-such-id", null), 404,
				ErrorCode.SNAPSHOT_NOT_FOUND);
		assertProblem(this.mds.send(this.bob, "GET", "/api/v1/snapshots?volume=/alice/v2", null), 403,
				ErrorCode.NOT_OWNER);
		assertProblem(this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/v2&sort=colour", null), 400,
				ErrorCode.INVALID_ARGUMENT);
		assertProblem(this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/d", null), 409,
				ErrorCode.NOT_A_VOLUME);
		assertProblem(this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/none", null), 404,
				ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "GET", "/api/v1/snapshots", null), 400, ErrorCode.INVALID_ARGUMENT);
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/snapshots", Map.of("name", "a")), 400,
				ErrorCode.INVALID_PATH);
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/snapshots/" + first, null).body().path("status")
			.asString()).isEqualTo("PENDING");

		// the limit (3 here) counts every snapshot of the volume
		String worker = acquireLease();
		finishCopy(worker, first);
		for (String name : List.of("b", "c")) {
			String id = snapshot(this.alice, "/alice/v2", name).body().path("id").asString();
			finishCopy(worker, id);
		}
		assertProblem(snapshot(this.alice, "/alice/v2", "d"), 409, ErrorCode.SNAPSHOT_LIMIT);
		assertThat(stat("/alice/v2").getSeqNum()).isEqualTo(4);
		assertThat(stat("/alice/v2").getSnapshotSeqsList()).isEmpty();
	}

	@Test
	@Order(3)
	void aSessionThatDoesNotReportHoldsTheSnapshotUntilItsLeaseEnds() {
		createVolume("/alice/v3");
		long opened = System.nanoTime();
		open("/alice/v3");
		assertThat(snapshot(this.alice, "/alice/v3", "held").status()).isEqualTo(201);
		assertThat(System.nanoTime() - opened).as("answered only once the silent session expired")
			.isGreaterThanOrEqualTo(LEASE.toNanos());
	}

	@Test
	@Order(4)
	void aSessionThatReportsTheNewSequenceLetsTheSnapshotReturnAtOnce() throws Exception {
		createVolume("/alice/v4");
		long opened = System.nanoTime();
		OpenVolumeResponse session = open("/alice/v4");
		assertThat(session.getFile().getSeqNum()).isEqualTo(1);
		CompletableFuture<Response> created = CompletableFuture
			.supplyAsync(() -> snapshot(this.alice, "/alice/v4", "reported"));
		// the client learns the new number from the volume and reports writing with it
		await().atMost(LEASE).until(() -> stat("/alice/v4").getSeqNum() == 2);
		assertThat(created).as("the session has not reported yet").isNotDone();
		this.mds.call(this.alice, NamespaceServiceGrpc.getRefreshSessionMethod(), RefreshSessionRequest.newBuilder()
			.setPath("/alice/v4")
			.setSessionId(session.getSessionId())
			.setSeqNum(2)
			.build());
		assertThat(created.get(LEASE.toMillis(), TimeUnit.MILLISECONDS).status()).isEqualTo(201);
		assertThat(System.nanoTime() - opened).as("before the session's first lease would have ended")
			.isLessThan(LEASE.toNanos());
	}

	@Test
	@Order(5)
	void aClosedSessionDoesNotHoldTheSnapshot() {
		createVolume("/alice/v5");
		long opened = System.nanoTime();
		OpenVolumeResponse session = open("/alice/v5");
		this.mds.call(this.alice, NamespaceServiceGrpc.getCloseVolumeMethod(),
				CloseVolumeRequest.newBuilder().setPath("/alice/v5").setSessionId(session.getSessionId()).build());
		assertThat(snapshot(this.alice, "/alice/v5", "closed").status()).isEqualTo(201);
		assertThat(System.nanoTime() - opened).isLessThan(LEASE.toNanos());
		// a session opened after the snapshot is given the new number, and so holds nothing
		assertThat(open("/alice/v5").getFile().getSeqNum()).isEqualTo(2);
	}

	@Test
	@Order(6)
	void theWorkerLeaseHasOneHolderAndPassesOnAfterItExpires() {
		AcquireLeaseResponse first = acquire("worker-1");
		assertThat(first.getHeld()).isTrue();
		assertThat(first.getLeaseMs()).isEqualTo(WORKER_LEASE.toMillis());
		assertThat(acquire("worker-1").getHeld()).as("the holder renews").isTrue();
		AcquireLeaseResponse other = acquire("worker-2");
		assertThat(other.getHeld()).isFalse();
		assertThat(other.getHolder()).isEqualTo("worker-1");
		assertGrpc(() -> tasks("worker-2"), Status.Code.FAILED_PRECONDITION, ErrorCode.WORKER_LEASE_NOT_HELD);
		assertGrpc(() -> this.mds.call(this.root, SnapshotTaskServiceGrpc.getFinishCopyMethod(),
				FinishCopyRequest.newBuilder().setWorkerId("worker-2").setSnapshotId("x").build()),
				Status.Code.FAILED_PRECONDITION, ErrorCode.WORKER_LEASE_NOT_HELD);
		// root only, and signed
		assertGrpc(() -> this.mds.call(this.alice, SnapshotTaskServiceGrpc.getAcquireLeaseMethod(),
				AcquireLeaseRequest.newBuilder().setWorkerId("worker-3").build()), Status.Code.PERMISSION_DENIED,
				ErrorCode.ROOT_REQUIRED);
		assertGrpc(() -> this.mds.call(null, SnapshotTaskServiceGrpc.getAcquireLeaseMethod(),
				AcquireLeaseRequest.newBuilder().setWorkerId("worker-3").build()), Status.Code.UNAUTHENTICATED,
				ErrorCode.UNAUTHENTICATED);
		assertGrpc(() -> acquire(""), Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);

		// the holder stops renewing: the lease passes to the next worker, and the old holder is refused
		await().atMost(WORKER_LEASE.multipliedBy(5)).until(() -> acquire("worker-2").getHeld());
		assertGrpc(() -> tasks("worker-1"), Status.Code.FAILED_PRECONDITION, ErrorCode.WORKER_LEASE_NOT_HELD);
		assertThat(tasks("worker-2")).isNotNull();
	}

	@Test
	@Order(7)
	void theServiceWorksTheTasksAndItsOutcomesEndTheInClusterSnapshot() {
		createVolume("/alice/v7");
		String worker = acquireLease();
		String copied = snapshot(this.alice, "/alice/v7", "copied").body().path("id").asString();
		SnapshotInfo task = tasks(worker).stream().filter(t -> t.getId().equals(copied)).findFirst().orElseThrow();
		assertThat(task.getStatus()).isEqualTo(SnapshotStatus.PENDING);
		assertThat(task.getInCluster()).isTrue();
		assertThat(task.getSeq()).isEqualTo(1);
		assertThat(task.getLength()).isEqualTo(Sizes.GIB);
		assertThat(task.getChunkSize()).isEqualTo(16 * Sizes.MIB);
		assertThat(task.getOwner()).isEqualTo("alice");

		// 64 chunks of 16 MiB: progress only rises, and never past the end
		assertThat(progress(worker, copied, 16).getNextChunk()).isEqualTo(16);
		assertThat(progress(worker, copied, 8).getNextChunk()).isEqualTo(16);
		assertGrpc(() -> progress(worker, copied, 65), Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
		assertGrpc(() -> progress(worker, "no-such-id", 1), Status.Code.NOT_FOUND, ErrorCode.SNAPSHOT_NOT_FOUND);
		assertThat(view(copied).path("progress").asInt()).isEqualTo(25);

		finishCopy(worker, copied);
		assertThat(view(copied).path("status").asString()).isEqualTo("DONE");
		assertThat(view(copied).path("progress").asInt()).isEqualTo(100);
		assertThat(stat("/alice/v7").getSnapshotSeqsList()).isEmpty();
		assertThat(tasks(worker)).extracting(SnapshotInfo::getId).doesNotContain(copied);
		finishCopy(worker, copied);
		assertThat(view(copied).path("status").asString()).as("a repeated finish changes nothing").isEqualTo("DONE");

		String failed = snapshot(this.alice, "/alice/v7", "failed").body().path("id").asString();
		assertThat(stat("/alice/v7").getSnapshotSeqsList()).containsExactly(2L);
		this.mds.call(this.root, SnapshotTaskServiceGrpc.getFailCopyMethod(), FailCopyRequest.newBuilder()
			.setWorkerId(worker)
			.setSnapshotId(failed)
			.setError("the object store refused the upload")
			.build());
		assertThat(view(failed).path("status").asString()).isEqualTo("ERROR");
		assertThat(view(failed).path("error").asString()).isEqualTo("the object store refused the upload");
		assertThat(stat("/alice/v7").getSnapshotSeqsList()).isEmpty();

		// a user deletes a PENDING snapshot: DELETING, still in the cluster until the service is done
		String deleted = snapshot(this.alice, "/alice/v7", "deleted").body().path("id").asString();
		assertGrpc(() -> finishDelete(worker, deleted), Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
		Response accepted = this.mds.send(this.alice, "DELETE", "/api/v1/snapshots/" + deleted, null);
		assertThat(accepted.status()).isEqualTo(202);
		assertThat(accepted.body().path("status").asString()).isEqualTo("DELETING");
		assertThat(this.mds.send(this.alice, "DELETE", "/api/v1/snapshots/" + deleted, null).status()).isEqualTo(202);
		assertThat(progress(worker, deleted, 4).getStatus()).as("the copy learns to stop")
			.isEqualTo(SnapshotStatus.DELETING);
		assertThat(tasks(worker)).filteredOn(t -> t.getId().equals(deleted))
			.singleElement()
			.satisfies(t -> assertThat(t.getStatus()).isEqualTo(SnapshotStatus.DELETING));
		assertThat(stat("/alice/v7").getSnapshotSeqsList()).containsExactly(3L);
		finishDelete(worker, deleted);
		assertProblem(this.mds.send(this.alice, "GET", "/api/v1/snapshots/" + deleted, null), 404,
				ErrorCode.SNAPSHOT_NOT_FOUND);
		assertThat(stat("/alice/v7").getSnapshotSeqsList()).isEmpty();
		assertGrpc(() -> finishDelete(worker, deleted), Status.Code.NOT_FOUND, ErrorCode.SNAPSHOT_NOT_FOUND);
		assertThat(stat("/alice/v7").getSeqNum()).isEqualTo(4);
	}

	@Test
	@Order(8)
	void aVolumeWithSnapshotsIsNotDeletedAndARenameKeepsThem() {
		long volume = createVolume("/alice/v8");
		String id = snapshot(this.alice, "/alice/v8", "keep").body().path("id").asString();
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/volumes/" + volume, null), 409,
				ErrorCode.VOLUME_HAS_SNAPSHOTS);
		assertGrpc(() -> this.mds.call(this.alice, NamespaceServiceGrpc.getDeleteFileMethod(),
				DeleteFileRequest.newBuilder().setPath("/alice/v8").build()), Status.Code.FAILED_PRECONDITION,
				ErrorCode.VOLUME_HAS_SNAPSHOTS);
		assertThat(stat("/alice/v8").getId()).as("still there").isEqualTo(volume);

		assertThat(this.mds.send(this.alice, "POST", "/api/v1/volumes/" + volume + "/rename",
				Map.of("path", "/alice/v8-renamed")).status()).isEqualTo(200);
		JsonNode listed = this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/v8-renamed", null).body();
		assertThat(listed.path("content")).singleElement()
			.satisfies(s -> assertThat(s.path("id").asString()).isEqualTo(id));

		// once its snapshots are gone the volume may go
		String worker = acquireLease();
		this.mds.send(this.alice, "DELETE", "/api/v1/snapshots/" + id, null);
		finishDelete(worker, id);
		assertThat(this.mds.send(this.alice, "DELETE", "/api/v1/volumes/" + volume, null).status()).isEqualTo(204);
	}

	@Test
	@Order(9)
	void recordsAndSequencesSurviveARestart() {
		createVolume("/alice/v9");
		JsonNode before = snapshot(this.alice, "/alice/v9", "before-restart").body();
		// some entries in the Raft snapshot (a checkpoint), the rest replayed from the log
		this.mds.bean(MdsRaft.class).snapshot();
		String nightly = this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/v1&name=nightly", null)
			.body()
			.path("content")
			.get(0)
			.path("id")
			.asString();
		finishCopy(acquireLease(), nightly);
		assertThat(snapshot(this.alice, "/alice/v1", "after-raft-snapshot").status()).isEqualTo(201);
		this.mds.close();
		this.mds = null;
		this.mds = startMds();
		assertThat(view(before.path("id").asString())).isEqualTo(before);
		FileInfo v9 = stat("/alice/v9");
		assertThat(v9.getSeqNum()).isEqualTo(2);
		assertThat(v9.getSnapshotSeqsList()).containsExactly(1L);
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/snapshots?volume=/alice/v1", null).body().path("content"))
			.extracting(s -> s.path("name").asString() + " " + s.path("status").asString())
			.containsExactly("nightly DONE", "after-raft-snapshot PENDING");
		assertThat(stat("/alice/v1").getSnapshotSeqsList()).containsExactly(2L);
		// the restarted member leads a new term: its worker lease waits one lease for the old holder
		assertThat(acquire("worker-after-restart").getHeld()).isFalse();
		await().atMost(WORKER_LEASE.multipliedBy(5)).until(() -> acquire("worker-after-restart").getHeld());
	}

	private long createVolume(String path) {
		Response created = this.mds.send(this.alice, "POST", "/api/v1/volumes", Map.of("path", path, "size", Sizes.GIB));
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		return created.body().path("id").asLong();
	}

	private Response snapshot(SigningKey key, String volume, String name) {
		return this.mds.send(key, "POST", "/api/v1/snapshots", Map.of("volume", volume, "name", name));
	}

	private JsonNode view(String id) {
		Response r = this.mds.send(this.alice, "GET", "/api/v1/snapshots/" + id, null);
		assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
		return r.body();
	}

	private FileInfo stat(String path) {
		return this.mds
			.call(this.alice, NamespaceServiceGrpc.getStatFileMethod(), StatFileRequest.newBuilder().setPath(path).build())
			.getFile();
	}

	private OpenVolumeResponse open(String path) {
		return this.mds.call(this.alice, NamespaceServiceGrpc.getOpenVolumeMethod(),
				OpenVolumeRequest.newBuilder().setPath(path).setClientId("snapshot-it").build());
	}

	private AcquireLeaseResponse acquire(String worker) {
		return this.mds.call(this.root, SnapshotTaskServiceGrpc.getAcquireLeaseMethod(),
				AcquireLeaseRequest.newBuilder().setWorkerId(worker).build());
	}

	/** A worker that holds the lease (the test's earlier holders let theirs expire). */
	private String acquireLease() {
		String worker = "worker-" + System.nanoTime();
		await().atMost(WORKER_LEASE.multipliedBy(5)).until(() -> acquire(worker).getHeld());
		return worker;
	}

	private List<SnapshotInfo> tasks(String worker) {
		return this.mds
			.call(this.root, SnapshotTaskServiceGrpc.getListTasksMethod(),
					ListTasksRequest.newBuilder().setWorkerId(worker).build())
			.getSnapshotsList();
	}

	private SnapshotInfo progress(String worker, String id, long nextChunk) {
		return this.mds
			.call(this.root, SnapshotTaskServiceGrpc.getReportProgressMethod(), ReportProgressRequest.newBuilder()
				.setWorkerId(worker)
				.setSnapshotId(id)
				.setNextChunk(nextChunk)
				.build())
			.getSnapshot();
	}

	private void finishCopy(String worker, String id) {
		this.mds.call(this.root, SnapshotTaskServiceGrpc.getFinishCopyMethod(),
				FinishCopyRequest.newBuilder().setWorkerId(worker).setSnapshotId(id).build());
	}

	private void finishDelete(String worker, String id) {
		this.mds.call(this.root, SnapshotTaskServiceGrpc.getFinishDeleteMethod(),
				FinishDeleteRequest.newBuilder().setWorkerId(worker).setSnapshotId(id).build());
	}

}
