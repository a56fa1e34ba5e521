package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CloneSource;
import io.curve4j.proto.mds.v1.AcquireLeaseRequest;
import io.curve4j.proto.mds.v1.CloneInfo;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.DeleteFileRequest;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FinishCopyRequest;
import io.curve4j.proto.mds.v1.FinishFlattenRequest;
import io.curve4j.proto.mds.v1.FlattenTask;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentRequest;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentResponse;
import io.curve4j.proto.mds.v1.ListTasksRequest;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.OpenVolumeRequest;
import io.curve4j.proto.mds.v1.ReportFlattenProgressRequest;
import io.curve4j.proto.mds.v1.ReportFlattenProgressResponse;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc;
import io.curve4j.proto.mds.v1.StatFileRequest;
import io.grpc.Status;

import static io.curve4j.mds.MdsIT.assertGrpc;
import static io.curve4j.mds.MdsIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * Clones on one MDS with authentication and a data key, over real REST and gRPC: a clone
 * of a DONE snapshot is linked at once and its segments' capabilities carry the signed
 * source; a clone of a volume waits for the snapshot taken for it; flatten requests, the
 * snapshot service's flatten calls and the end of the link; every refusal has its code
 * and changes nothing; all of it survives a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class CloneCatalogIT {

	private static final String ROOT_PASSWORD = "clone-it-root";

	private static final String DATA_KEY = "clone-it-data-key-of-the-cluster";

	private static final Duration WORKER_LEASE = Duration.ofSeconds(5);

	/** The one snapshot service of this test: renews its lease before each use. */
	private static final String WORKER = "clone-it-worker";

	@TempDir
	static Path dir;

	private final int raftPort = LoopbackPorts.free();

	private final int grpcPort = LoopbackPorts.free();

	private final int httpPort = LoopbackPorts.free();

	private MdsNode mds;

	private final SigningKey root = SigningKey.of("root", ROOT_PASSWORD);

	private final SigningKey alice = SigningKey.of("alice", "alice-password");

	private final SigningKey bob = SigningKey.of("bob", "bob-password");

	/** The 2 GiB volume the first clones come from, and its DONE snapshot "s1". */
	private long sourceId;

	private String s1;

	private long lazyClone;

	private long waitingClone;

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
		// a pool to allocate the clones' segments from (three chunkservers that never run)
		TopologyService topology = this.mds.bean(TopologyService.class);
		topology.apply(MdsIT.SERVERS);
		for (int i = 1; i <= 3; i++) {
			topology.register(MdsIT.registration("server-" + i, i).setToken(MdsIT.ownToken(i)).build());
		}
		topology.apply(MdsIT.WITH_POOL);
	}

	private MdsNode startMds() {
		MdsNode node = MdsNode.start(dir.resolve("mds"), this.raftPort, this.grpcPort, this.httpPort,
				"--curve.mds.auth.root-password=" + ROOT_PASSWORD, "--curve.mds.auth.data-key.value=" + DATA_KEY,
				"--curve.mds.session-lease=3s", "--curve.mds.snapshot.worker-lease=" + WORKER_LEASE.toMillis() + "ms");
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
	void aCloneOfADoneSnapshotIsLinkedAndItsCapabilitiesCarryTheSignedSource() {
		this.sourceId = createVolume("/alice/src", 2 * Sizes.GIB);
		this.s1 = snapshot("/alice/src", "s1");
		finishCopy(acquireLease(), this.s1);

		Response created = clone(this.alice, "/alice/src@s1", "/alice/c1", true);
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		JsonNode v = created.body();
		this.lazyClone = v.path("id").asLong();
		assertThat(created.location()).isEqualTo("/api/v1/volumes/" + this.lazyClone);
		assertThat(v.path("path").asString()).isEqualTo("/alice/c1");
		assertThat(v.path("owner").asString()).isEqualTo("alice");
		assertThat(v.path("size").asLong()).isEqualTo(2 * Sizes.GIB);
		assertThat(v.path("chunkSize").asInt()).isEqualTo(16 * (int) Sizes.MIB);
		assertThat(v.path("seqNum").asLong()).isEqualTo(1);
		JsonNode c = v.path("clone");
		assertThat(c.path("sourcePath").asString()).isEqualTo("/alice/src");
		assertThat(c.path("sourceVolumeId").asLong()).isEqualTo(this.sourceId);
		assertThat(c.path("snapshotId").asString()).isEqualTo(this.s1);
		assertThat(c.path("snapshotName").asString()).isEqualTo("s1");
		assertThat(c.path("status").asString()).isEqualTo("LAZY");
		assertThat(c.path("nextChunk").asLong()).isZero();
		assertThat(c.path("sourceChunks").asLong()).isEqualTo(128);
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/volumes/" + this.lazyClone, null).body()).isEqualTo(v);

		CloneInfo info = stat("/alice/c1").getClone();
		assertThat(info.getStatus()).isEqualTo(CloneStatus.LAZY);
		assertThat(info.getSourceVolumeId()).isEqualTo(this.sourceId);
		assertThat(info.getSnapshotId()).isEqualTo(this.s1);
		assertThat(info.getSourceChunks()).isEqualTo(128);
		assertThat(stat("/alice/src").hasClone()).isFalse();

		// the second segment's chunks are chunks 64.. of the source
		GetOrAllocateSegmentResponse segment = segment(this.lazyClone, Sizes.GIB);
		ChunkCapability capability = segment.getChunks(0).getCapability();
		assertThat(capability.getCloneSource()).isEqualTo(CloneSource.newBuilder()
			.setVolumeId(this.sourceId)
			.setSnapshotId(this.s1)
			.setFirstChunkIndex(64)
			.build());
		ChunkCapabilities key = ChunkCapabilities.fromSecret(DATA_KEY);
		assertThatCode(() -> key.check(capability, capability.getFirstChunkId(), ChunkCapabilities.READ,
				System.currentTimeMillis()))
			.doesNotThrowAnyException();
		assertThat(segment(this.sourceId, 0).getChunks(0).getCapability().hasCloneSource())
			.as("a volume that is no clone reads nothing elsewhere")
			.isFalse();
	}

	@Test
	@Order(2)
	void everyRefusalHasItsCodeAndChangesNothing() {
		createVolume("/alice/v2", Sizes.GIB);
		String pending = snapshot("/alice/v2", "pending");
		JsonNode before = this.mds.send(this.alice, "GET", "/api/v1/directories/list?path=/alice", null).body();
		FileInfo source = stat("/alice/src");

		assertProblem(clone(this.alice, "/alice/v2@pending", "/alice/x", true), 409, ErrorCode.SNAPSHOT_NOT_READY);
		for (String bad : List.of("", "relative", "/alice//src@s1", "/alice/src@", "/alice/src@a b")) {
			assertProblem(clone(this.alice, bad, "/alice/x", true), 400, ErrorCode.INVALID_ARGUMENT);
		}
		for (String bad : List.of("", "x", "/alice/../x")) {
			assertProblem(clone(this.alice, "/alice/src@s1", bad, true), 400, ErrorCode.INVALID_ARGUMENT);
		}
		Map<String, Object> noPath = new HashMap<>();
		noPath.put("source", "/alice/src@s1");
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/clones", noPath), 400, ErrorCode.INVALID_ARGUMENT);
		assertProblem(clone(this.alice, "/alice/none@s1", "/alice/x", true), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(clone(this.alice, "/alice/none", "/alice/x", true), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(clone(this.alice, "/alice/src@none", "/alice/x", true), 404, ErrorCode.SNAPSHOT_NOT_FOUND);
		assertProblem(clone(this.bob, "/alice/src@s1", "/bob-clone", true), 403, ErrorCode.NOT_OWNER);
		assertProblem(clone(this.bob, "/alice/src", "/bob-clone", true), 403, ErrorCode.NOT_OWNER);
		assertProblem(clone(this.alice, "/alice/src@s1", "/alice/c1", true), 409, ErrorCode.VOLUME_EXISTS);
		assertProblem(clone(this.alice, "/alice/src@s1", "/alice/none/x", true), 404, ErrorCode.DIRECTORY_NOT_FOUND);
		// a linked clone has no whole data of its own to snapshot or clone
		assertProblem(clone(this.alice, "/alice/c1", "/alice/x", true), 409, ErrorCode.CLONE_NOT_FLATTENED);
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/snapshots", Map.of("volume", "/alice/c1", "name", "a")),
				409, ErrorCode.CLONE_NOT_FLATTENED);
		// what a linked clone reads stays
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/volumes/" + this.sourceId, null), 409,
				ErrorCode.VOLUME_HAS_CLONES);
		assertGrpc(() -> this.mds.call(this.alice, NamespaceServiceGrpc.getDeleteFileMethod(),
				DeleteFileRequest.newBuilder().setPath("/alice/src").build()), Status.Code.FAILED_PRECONDITION,
				ErrorCode.VOLUME_HAS_CLONES);
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/snapshots/" + this.s1, null), 409,
				ErrorCode.VOLUME_HAS_CLONES);
		// only a linked clone is flattened
		long plain = stat("/alice/v2").getId();
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/volumes/" + plain + "/flatten", null), 409,
				ErrorCode.NOT_A_CLONE);
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/volumes/flatten", Map.of("path", "/alice/v2")), 409,
				ErrorCode.NOT_A_CLONE);
		assertProblem(this.mds.send(this.bob, "POST", "/api/v1/volumes/" + this.lazyClone + "/flatten", null), 403,
				ErrorCode.NOT_OWNER);

		assertThat(this.mds.send(this.alice, "GET", "/api/v1/directories/list?path=/alice", null).body())
			.isEqualTo(before);
		assertThat(stat("/alice/src")).isEqualTo(source);
		assertThat(stat("/alice/c1").getClone().getStatus()).isEqualTo(CloneStatus.LAZY);
		assertThat(snapshotView(this.s1).path("status").asString()).isEqualTo("DONE");
		assertThat(snapshotView(pending).path("status").asString()).isEqualTo("PENDING");
		assertThat(stat("/alice/v2").getSeqNum()).as("no refusal took a snapshot").isEqualTo(2);
	}

	@Test
	@Order(3)
	void aCloneOfAVolumeWaitsForItsSnapshot() {
		long volume = createVolume("/alice/v3", Sizes.GIB);
		Response created = clone(this.alice, "/alice/v3", "/alice/c3", false);
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		this.waitingClone = created.body().path("id").asLong();
		JsonNode c = created.body().path("clone");
		assertThat(c.path("status").asString()).isEqualTo("WAITING_FOR_SOURCE");
		assertThat(c.path("snapshotName").asString()).isEqualTo("clone-" + this.waitingClone);
		assertThat(c.path("sourceVolumeId").asLong()).isEqualTo(volume);
		assertThat(c.path("sourceChunks").asLong()).isEqualTo(64);
		String taken = c.path("snapshotId").asString();
		JsonNode snapshot = snapshotView(taken);
		assertThat(snapshot.path("status").asString()).isEqualTo("PENDING");
		assertThat(snapshot.path("name").asString()).isEqualTo("clone-" + this.waitingClone);
		assertThat(stat("/alice/v3").getSeqNum()).as("taken as any snapshot is").isEqualTo(2);

		assertGrpc(() -> open("/alice/c3"), Status.Code.FAILED_PRECONDITION, ErrorCode.SNAPSHOT_NOT_READY);
		assertGrpc(() -> segment(this.waitingClone, 0), Status.Code.FAILED_PRECONDITION,
				ErrorCode.SNAPSHOT_NOT_READY);
		// the snapshot cannot go while the clone waits for it
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/snapshots/" + taken, null), 409,
				ErrorCode.VOLUME_HAS_CLONES);

		// a lazy clone of another volume becomes LAZY when its snapshot is DONE, in the same entry
		createVolume("/alice/v3b", Sizes.GIB);
		JsonNode lazy = clone(this.alice, "/alice/v3b", "/alice/c3b", true).body();
		assertThat(lazy.path("clone").path("status").asString()).isEqualTo("WAITING_FOR_SOURCE");
		// a flatten asked while waiting is remembered
		Response asked = this.mds.send(this.alice, "POST", "/api/v1/volumes/flatten", Map.of("path", "/alice/c3b"));
		assertThat(asked.status()).isEqualTo(202);
		assertThat(asked.body().path("clone").path("status").asString()).isEqualTo("WAITING_FOR_SOURCE");
		JsonNode lazier = clone(this.alice, "/alice/src@s1", "/alice/c3c", true).body();
		assertThat(lazier.path("clone").path("status").asString()).isEqualTo("LAZY");

		finishCopy(acquireLease(), taken);
		finishCopy(acquireLease(), lazy.path("clone").path("snapshotId").asString());
		assertThat(stat("/alice/c3").getClone().getStatus()).as("not lazy").isEqualTo(CloneStatus.FLATTENING);
		assertThat(stat("/alice/c3b").getClone().getStatus()).as("flatten asked").isEqualTo(CloneStatus.FLATTENING);
		assertThat(open("/alice/c3").getFile().getClone().getStatus()).isEqualTo(CloneStatus.FLATTENING);
		assertThat(segment(this.waitingClone, 0).getChunks(0).getCapability().getCloneSource().getSnapshotId())
			.isEqualTo(taken);
	}

	@Test
	@Order(4)
	void flattenRunsAsTasksAndItsEndClearsTheLinkAndTheSnapshotTakenForIt() {
		Response flattening = this.mds.send(this.alice, "POST", "/api/v1/volumes/" + this.lazyClone + "/flatten", null);
		assertThat(flattening.status()).isEqualTo(202);
		assertThat(flattening.body().path("clone").path("status").asString()).isEqualTo("FLATTENING");
		Response again = this.mds.send(this.alice, "POST", "/api/v1/volumes/flatten", Map.of("path", "/alice/c1"));
		assertThat(again.status()).as("idempotent").isEqualTo(202);
		assertThat(again.body()).isEqualTo(flattening.body());

		List<FlattenTask> tasks = flattens(acquireLease());
		assertThat(tasks).extracting(FlattenTask::getVolumePath).containsExactly("/alice/c1", "/alice/c3", "/alice/c3b");
		FlattenTask first = tasks.get(0);
		assertThat(first.getVolumeId()).isEqualTo(this.lazyClone);
		assertThat(first.getChunkSize()).isEqualTo(16 * Sizes.MIB);
		assertThat(first.getClone()).isEqualTo(stat("/alice/c1").getClone());

		assertThat(flattenProgress(acquireLease(), this.lazyClone, 10).getVolume().getClone().getNextChunk()).isEqualTo(10);
		assertThat(flattenProgress(acquireLease(), this.lazyClone, 5).getVolume().getClone().getNextChunk())
			.as("never lowered")
			.isEqualTo(10);
		assertGrpc(() -> flattenProgress(acquireLease(), this.lazyClone, 129), Status.Code.INVALID_ARGUMENT,
				ErrorCode.INVALID_ARGUMENT);
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/volumes/" + this.lazyClone, null)
			.body()
			.path("clone")
			.path("nextChunk")
			.asLong()).isEqualTo(10);
		assertGrpc(() -> flattenProgress("not-the-holder", this.lazyClone, 11), Status.Code.FAILED_PRECONDITION,
				ErrorCode.WORKER_LEASE_NOT_HELD);
		assertGrpc(() -> finishFlatten("not-the-holder", this.lazyClone), Status.Code.FAILED_PRECONDITION,
				ErrorCode.WORKER_LEASE_NOT_HELD);
		assertThat(stat("/alice/c1").hasClone()).isTrue();

		finishFlatten(acquireLease(), this.lazyClone);
		assertThat(stat("/alice/c1").hasClone()).isFalse();
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/volumes/" + this.lazyClone, null).body().path("clone")
			.isNull()).isTrue();
		assertThat(flattenProgress(acquireLease(), this.lazyClone, 20).hasVolume()).as("the flatten stops").isFalse();
		finishFlatten(acquireLease(), this.lazyClone);
		assertThat(snapshotView(this.s1).path("status").asString()).as("a user's snapshot stays")
			.isEqualTo("DONE");
		assertThat(this.mds.send(this.alice, "POST", "/api/v1/snapshots", Map.of("volume", "/alice/c1", "name", "own"))
			.status()).as("a flattened clone is a volume like any").isEqualTo(201);
		assertProblem(this.mds.send(this.alice, "POST", "/api/v1/volumes/" + this.lazyClone + "/flatten", null), 409,
				ErrorCode.NOT_A_CLONE);

		String taken = stat("/alice/c3").getClone().getSnapshotId();
		finishFlatten(acquireLease(), this.waitingClone);
		assertThat(snapshotView(taken).path("status").asString()).as("taken for the clone alone")
			.isEqualTo("DELETING");
		assertThat(flattens(acquireLease())).extracting(FlattenTask::getVolumePath).containsExactly("/alice/c3b");
	}

	@Test
	@Order(5)
	void aDeletedCloneHoldsItsSourceUntilPurged() {
		long volume = createVolume("/alice/v5", Sizes.GIB);
		String s5 = snapshot("/alice/v5", "s5");
		finishCopy(acquireLease(), s5);
		long clone = clone(this.alice, "/alice/v5@s5", "/alice/c5", true).body().path("id").asLong();
		assertThat(this.mds.send(this.alice, "DELETE", "/api/v1/volumes/" + clone, null).status())
			.as("a linked clone may be deleted")
			.isEqualTo(204);
		// in the recycle bin it may be restored, and read its source again
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/snapshots/" + s5, null), 409,
				ErrorCode.VOLUME_HAS_CLONES);
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/volumes/" + volume, null), 409,
				ErrorCode.VOLUME_HAS_CLONES);
	}

	@Test
	@Order(6)
	void cloneStateSurvivesARestart() {
		FileInfo lazy = stat("/alice/c3c");
		FileInfo flattening = stat("/alice/c3b");
		// some entries in the Raft snapshot (a checkpoint), the rest replayed from the log
		this.mds.bean(MdsRaft.class).snapshot();
		createVolume("/alice/v6", Sizes.GIB);
		JsonNode waiting = clone(this.alice, "/alice/v6", "/alice/c6", true).body();
		this.mds.close();
		this.mds = null;
		this.mds = startMds();
		assertThat(stat("/alice/c3c")).isEqualTo(lazy);
		assertThat(stat("/alice/c3b")).isEqualTo(flattening);
		assertThat(stat("/alice/c1").hasClone()).isFalse();
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/volumes/" + waiting.path("id").asLong(), null).body())
			.isEqualTo(waiting);
		assertGrpc(() -> open("/alice/c6"), Status.Code.FAILED_PRECONDITION, ErrorCode.SNAPSHOT_NOT_READY);
	}

	private long createVolume(String path, long size) {
		Response created = this.mds.send(this.alice, "POST", "/api/v1/volumes", Map.of("path", path, "size", size));
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		return created.body().path("id").asLong();
	}

	private String snapshot(String volume, String name) {
		Response created = this.mds.send(this.alice, "POST", "/api/v1/snapshots", Map.of("volume", volume, "name", name));
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		return created.body().path("id").asString();
	}

	private JsonNode snapshotView(String id) {
		Response r = this.mds.send(this.alice, "GET", "/api/v1/snapshots/" + id, null);
		assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
		return r.body();
	}

	private Response clone(SigningKey key, String source, String path, boolean lazy) {
		return this.mds.send(key, "POST", "/api/v1/clones", Map.of("source", source, "path", path, "lazy", lazy));
	}

	private FileInfo stat(String path) {
		return this.mds
			.call(this.alice, NamespaceServiceGrpc.getStatFileMethod(), StatFileRequest.newBuilder().setPath(path).build())
			.getFile();
	}

	private io.curve4j.proto.mds.v1.OpenVolumeResponse open(String path) {
		return this.mds.call(this.alice, NamespaceServiceGrpc.getOpenVolumeMethod(),
				OpenVolumeRequest.newBuilder().setPath(path).setClientId("clone-it").build());
	}

	private GetOrAllocateSegmentResponse segment(long volumeId, long offset) {
		return this.mds.call(this.alice, SegmentServiceGrpc.getGetOrAllocateSegmentMethod(),
				GetOrAllocateSegmentRequest.newBuilder().setFileId(volumeId).setOffset(offset).setAllocate(true).build());
	}

	/** The worker, its lease acquired or renewed just now. */
	private String acquireLease() {
		await().atMost(WORKER_LEASE.multipliedBy(3))
			.until(() -> this.mds
				.call(this.root, SnapshotTaskServiceGrpc.getAcquireLeaseMethod(),
						AcquireLeaseRequest.newBuilder().setWorkerId(WORKER).build())
				.getHeld());
		return WORKER;
	}

	private void finishCopy(String worker, String id) {
		this.mds.call(this.root, SnapshotTaskServiceGrpc.getFinishCopyMethod(),
				FinishCopyRequest.newBuilder().setWorkerId(worker).setSnapshotId(id).build());
	}

	private List<FlattenTask> flattens(String worker) {
		return this.mds
			.call(this.root, SnapshotTaskServiceGrpc.getListTasksMethod(),
					ListTasksRequest.newBuilder().setWorkerId(worker).build())
			.getFlattensList();
	}

	private ReportFlattenProgressResponse flattenProgress(String worker, long volumeId, long nextChunk) {
		return this.mds.call(this.root, SnapshotTaskServiceGrpc.getReportFlattenProgressMethod(),
				ReportFlattenProgressRequest.newBuilder()
					.setWorkerId(worker)
					.setVolumeId(volumeId)
					.setNextChunk(nextChunk)
					.build());
	}

	private void finishFlatten(String worker, long volumeId) {
		this.mds.call(this.root, SnapshotTaskServiceGrpc.getFinishFlattenMethod(),
				FinishFlattenRequest.newBuilder().setWorkerId(worker).setVolumeId(volumeId).build());
	}

}
