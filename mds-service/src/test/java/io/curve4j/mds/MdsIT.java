package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tools.jackson.databind.JsonNode;

import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CloneSource;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.CopysetMembers;
import io.curve4j.proto.heartbeat.v1.CopysetReport;
import io.curve4j.proto.heartbeat.v1.HeartbeatRequest;
import io.curve4j.proto.heartbeat.v1.IntegrityReport;
import io.curve4j.proto.heartbeat.v1.HeartbeatResponse;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerRequest;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerResponse;
import io.curve4j.proto.mds.v1.AcquireLeaseRequest;
import io.curve4j.proto.mds.v1.CloseVolumeRequest;
import io.curve4j.proto.mds.v1.CreateVolumeRequest;
import io.curve4j.proto.mds.v1.DeleteFileRequest;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FinishCopyRequest;
import io.curve4j.proto.mds.v1.GetCopysetMembersRequest;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentRequest;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentResponse;
import io.curve4j.proto.mds.v1.ListDirectoryRequest;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.OpenVolumeRequest;
import io.curve4j.proto.mds.v1.OpenVolumeResponse;
import io.curve4j.proto.mds.v1.RefreshSessionRequest;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc;
import io.curve4j.proto.mds.v1.StatFileRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One MDS end to end over real REST and gRPC: topology, chunkserver registration and
 * heartbeats, the namespace with every bad input, segments, and restarts on the same
 * data directory. Steps run in order on one MDS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class MdsIT {

	static final String SERVERS = """
			servers:
			  - name: server-1
			    host: 127.0.0.1
			    zone: zone-1
			    physicalPool: pool-1
			  - name: server-2
			    host: 127.0.0.1
			    zone: zone-2
			    physicalPool: pool-1
			  - name: server-3
			    host: 127.0.0.1
			    zone: zone-3
			    physicalPool: pool-1
			""";

	static final String WITH_POOL = SERVERS + """
			logicalPools:
			  - name: lpool-1
			    physicalPool: pool-1
			    replicas: 3
			    copysets: 12
			    zones: 3
			""";

	static final int COPYSETS = 12;

	@TempDir
	static Path dir;

	private int raftPort;

	private MdsNode mds;

	/** Chunkserver id -> token, in registration order. */
	private final Map<Integer, String> tokens = new LinkedHashMap<>();

	private long volumeId;

	private GetOrAllocateSegmentResponse firstSegment;

	@BeforeAll
	void start() {
		this.raftPort = LoopbackPorts.free();
		this.mds = startMds();
	}

	@AfterAll
	void stop() {
		if (this.mds != null) {
			this.mds.close();
		}
	}

	private MdsNode startMds() {
		MdsNode node = MdsNode.start(dir.resolve("mds"), this.raftPort, 0, 0, "--curve.mds.recycle.interval=300ms");
		await().atMost(Duration.ofSeconds(15)).until(node::isLeader);
		return node;
	}

	@Test
	@Order(1)
	void healthSaysLeaderAndMetricsAreExposed() {
		Response health = this.mds.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.body().path("components").path("raft").path("details").path("role").asString())
			.isEqualTo("leader");
		Response status = this.mds.get("/api/v1/cluster/status");
		assertThat(status.body().path("mds").path("leader").path("grpc").asString())
			.isEqualTo("127.0.0.1:" + this.mds.grpcPort());
	}

	@Test
	@Order(2)
	void malformedTopologyIsRejectedAndChangesNothing() {
		for (String bad : List.of("servers: [", "servers:\n  - name: s\n    host: h\n", "nonsense: 1\n",
				SERVERS + "logicalPools:\n  - name: l\n    physicalPool: pool-9\n    replicas: 1\n    copysets: 1\n    zones: 1\n")) {
			Response r = this.mds.post("/api/v1/topology", "application/yaml", bad);
			assertThat(r.status()).as(bad).isEqualTo(400);
			assertThat(r.contentType()).startsWith("application/problem+json");
			assertThat(r.code()).isEqualTo("MALFORMED_TOPOLOGY");
			assertThat(r.body().path("detail").asString()).isNotBlank();
		}
		assertThat(this.mds.get("/api/v1/topology").body().path("servers")).isEmpty();
	}

	@Test
	@Order(3)
	void topologyIsAppliedIdempotently() {
		Response first = this.mds.post("/api/v1/topology", "application/yaml", SERVERS);
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.body().path("servers")).hasSize(3);
		assertThat(first.body().path("zones")).hasSize(3);
		assertThat(first.body().path("physicalPools")).hasSize(1);
		Response again = this.mds.post("/api/v1/topology", "text/plain", SERVERS);
		assertThat(again.body()).isEqualTo(first.body());
		Response moved = this.mds.post("/api/v1/topology", "application/yaml",
				SERVERS.replace("zone: zone-3", "zone: zone-1"));
		assertThat(moved.code()).isEqualTo("MALFORMED_TOPOLOGY");
		assertThat(this.mds.get("/api/v1/topology").body()).isEqualTo(first.body());
	}

	@Test
	@Order(4)
	void chunkserversRegisterAndWrongTokensAreRejected() {
		HeartbeatServiceGrpc.HeartbeatServiceBlockingStub hb = HeartbeatServiceGrpc.newBlockingStub(this.mds.channel());
		assertGrpc(() -> hb.registerChunkServer(registration("server-9", 1).build()), Status.Code.NOT_FOUND,
				ErrorCode.SERVER_NOT_FOUND);
		for (int i = 1; i <= 2; i++) {
			RegisterChunkServerResponse r = hb
				.registerChunkServer(registration("server-" + i, i).setToken(ownToken(i)).build());
			// the chunkserver keeps the token it drew
			assertThat(r.getToken()).isEqualTo(ownToken(i));
			this.tokens.put(r.getChunkServerId(), r.getToken());
		}
		assertThat(this.tokens.keySet()).containsExactly(1, 2);
		// a restarted chunkserver presents its id and token and keeps its id
		RegisterChunkServerResponse again = hb
			.registerChunkServer(registration("server-1", 1).setChunkServerId(1).setToken(this.tokens.get(1)).build());
		assertThat(again.getChunkServerId()).isEqualTo(1);
		assertThat(again.getToken()).isEqualTo(this.tokens.get(1));
		// a first registration retried after its answer was lost gets the same id, not a second one
		RegisterChunkServerResponse retried = hb
			.registerChunkServer(registration("server-2", 2).setToken(ownToken(2)).build());
		assertThat(retried.getChunkServerId()).isEqualTo(2);
		assertThat(retried.getToken()).isEqualTo(this.tokens.get(2));
		// anyone else naming that address and disk learns nothing, with or without a token of its own
		assertGrpc(() -> hb.registerChunkServer(registration("server-2", 2).build()), Status.Code.ALREADY_EXISTS,
				ErrorCode.CHUNKSERVER_EXISTS);
		assertGrpc(() -> hb.registerChunkServer(registration("server-2", 2).setToken(ownToken(9)).build()),
				Status.Code.ALREADY_EXISTS, ErrorCode.CHUNKSERVER_EXISTS);
		assertGrpc(() -> hb.registerChunkServer(registration("server-2", 2).setToken("not-hex").build()),
				Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
		assertGrpc(() -> hb.registerChunkServer(registration("server-1", 1).setChunkServerId(1).setToken("forged").build()),
				Status.Code.PERMISSION_DENIED, ErrorCode.CHUNKSERVER_TOKEN_MISMATCH);
		assertGrpc(() -> hb.heartbeat(HeartbeatRequest.newBuilder().setChunkServerId(2).setToken("forged").build()),
				Status.Code.PERMISSION_DENIED, ErrorCode.CHUNKSERVER_TOKEN_MISMATCH);
		assertThat(this.mds.get("/api/v1/topology").body().path("chunkServers")).hasSize(2);
	}

	/** The token chunkserver {@code i} of this test drew for itself. */
	static String ownToken(int i) {
		return String.format("%032x", i);
	}

	@Test
	@Order(5)
	void logicalPoolNeedsChunkserversInEveryZone() {
		Response unplaceable = this.mds.post("/api/v1/topology", "application/yaml", WITH_POOL);
		assertThat(unplaceable.status()).isEqualTo(409);
		assertThat(unplaceable.code()).isEqualTo("LOGICAL_POOL_UNPLACEABLE");
		assertThat(unplaceable.body().path("detail").asString()).contains("zone-1", "zone-2");
		assertThat(this.mds.get("/api/v1/topology").body().path("logicalPools")).isEmpty();
		assertThat(this.mds.get("/api/v1/copysets").body().path("content")).isEmpty();

		RegisterChunkServerResponse third = HeartbeatServiceGrpc.newBlockingStub(this.mds.channel())
			.registerChunkServer(registration("server-3", 3).setToken(ownToken(3)).build());
		this.tokens.put(third.getChunkServerId(), third.getToken());
		Response created = this.mds.post("/api/v1/topology", "application/yaml", WITH_POOL);
		assertThat(created.status()).isEqualTo(200);
		assertThat(created.body().path("logicalPools").get(0).path("copysets").asInt()).isEqualTo(COPYSETS);
		for (var cs : created.body().path("chunkServers")) {
			assertThat(cs.path("copysets").asInt()).isEqualTo(COPYSETS);
		}
		assertThat(this.mds.post("/api/v1/topology", "application/yaml", WITH_POOL).body()).isEqualTo(created.body());
	}

	@Test
	@Order(6)
	void heartbeatsAssignCopysetsAndReportLeaders() {
		HeartbeatResponse assigned = heartbeat(1, List.of());
		assertThat(assigned.getAssignedCopysetsList()).hasSize(COPYSETS);
		CopysetMembers first = assigned.getAssignedCopysets(0);
		assertThat(first.getPeersList()).hasSize(3);
		assertThat(first.getPeersList()).extracting(p -> p.getRaftAddress())
			.containsExactly("127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103");
		assertThat(first.getPeers(0).getPort()).isEqualTo(9001);
		Response before = this.mds.get("/api/v1/copysets?size=" + COPYSETS);
		assertThat(before.body().path("content")).hasSize(COPYSETS);
		assertThat(before.body().path("content").get(0).path("state").asString()).isEqualTo("UNAVAILABLE");

		heartbeatAll(Set.of(1, 2, 3));
		Response copysets = this.mds.get("/api/v1/copysets?size=" + COPYSETS);
		for (var c : copysets.body().path("content")) {
			assertThat(c.path("state").asString()).isEqualTo("HEALTHY");
			assertThat(c.path("leaderId").asInt()).isEqualTo(1);
			assertThat(c.path("peers")).hasSize(3);
		}
		Response status = this.mds.get("/api/v1/cluster/status");
		assertThat(status.body().path("healthy").asBoolean()).as(status.body().toString()).isTrue();
		assertThat(status.body().path("copysets").path("healthy").asInt()).isEqualTo(COPYSETS);
		assertThat(status.body().path("chunkServers").path("online").asInt()).isEqualTo(3);
		assertThat(status.body().path("metaServers").path("total").asInt()).isZero();
		var cs1 = this.mds.get("/api/v1/topology").body().path("chunkServers").get(0);
		assertThat(cs1.path("leaders").asInt()).isEqualTo(COPYSETS);
		assertThat(cs1.path("diskUsed").asLong()).isEqualTo(Sizes.GIB);
		CopysetMembers members = SegmentServiceGrpc.newBlockingStub(this.mds.channel())
			.getCopysetMembers(GetCopysetMembersRequest.newBuilder()
				.addCopysets(CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(COPYSETS))
				.build())
			.getCopysets(0);
		assertThat(members.getLeaderId()).isEqualTo(1);
		assertThat(members.getPeersList()).extracting(p -> p.getChunkServerId()).containsExactly(1, 2, 3);

		// chunkserver 3 falls silent: offline after the timeout, copysets degraded
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
			heartbeatAll(Set.of(1, 2));
			return !this.mds.get("/api/v1/topology").body().path("chunkServers").get(2).path("online").asBoolean();
		});
		Response degraded = this.mds.get("/api/v1/cluster/status");
		assertThat(degraded.body().path("healthy").asBoolean()).isFalse();
		assertThat(degraded.body().path("copysets").path("degraded").asInt()).isEqualTo(COPYSETS);
		assertThat(degraded.body().path("problems").get(0).asString()).contains("chunkserver 3").contains("offline");
		// and as the gauges the alert rules read
		String metrics = this.mds.text("/actuator/prometheus");
		// (every series names the service it comes from)
		assertThat(metrics).contains("curve4j_mds_leader{application=\"mds\"} 1.0")
			.contains("curve4j_mds_copysets{application=\"mds\",state=\"degraded\"} " + COPYSETS + ".0")
			.contains("curve4j_mds_copysets{application=\"mds\",state=\"unavailable\"} 0.0")
			.contains("curve4j_mds_chunkservers{application=\"mds\",state=\"offline\"} 1.0")
			.contains("curve4j_mds_chunkservers{application=\"mds\",state=\"online\"} 2.0")
			.contains("curve4j_mds_recovery_pending_copysets{application=\"mds\"} " + COPYSETS + ".0");
		heartbeatAll(Set.of(1, 2, 3));
		assertThat(this.mds.get("/api/v1/cluster/status").body().path("healthy").asBoolean()).isTrue();
		// what the chunkservers found checking pages is summed in the status
		HeartbeatServiceGrpc.newBlockingStub(this.mds.channel())
			.heartbeat(HeartbeatRequest.newBuilder()
				.setChunkServerId(1)
				.setToken(this.tokens.get(1))
				.setHost("127.0.0.1")
				.setPort(9001)
				.setDiskCapacity(100 * Sizes.GIB)
				.setIntegrity(IntegrityReport.newBuilder().setBadPages(3).setRepairsProposed(2).setScrubPasses(1).setScrubBytes(4096))
				.build());
		JsonNode integrity = this.mds.get("/api/v1/cluster/status").body().path("integrity");
		assertThat(integrity.path("badPages").asLong()).isEqualTo(3);
		assertThat(integrity.path("repairsProposed").asLong()).isEqualTo(2);
		assertThat(integrity.path("scrubPasses").asLong()).isEqualTo(1);
		assertThat(integrity.path("scrubBytes").asLong()).isEqualTo(4096);
	}

	@Test
	@Order(7)
	void volumeLifecycleOverRestWithEveryBadInput() {
		assertThat(this.mds.postJson("/api/v1/directories", Map.of("path", "/demo", "owner", "alice")).status())
			.isEqualTo(201);
		Response created = this.mds.postJson("/api/v1/volumes",
				Map.of("path", "/demo/vol1", "size", 10 * Sizes.GIB, "owner", "alice"));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.location()).isEqualTo("/api/v1/volumes/" + created.body().path("id").asLong());
		assertThat(created.body().path("size").asLong()).isEqualTo(10 * Sizes.GIB);
		assertThat(created.body().path("owner").asString()).isEqualTo("alice");
		assertThat(created.body().path("type").asString()).isEqualTo("VOLUME");
		var before = tree();

		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/vol1", "size", Sizes.GIB)), 409,
				ErrorCode.VOLUME_EXISTS);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/v2", "size", 0)), 400,
				ErrorCode.INVALID_SIZE);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/v2", "size", -Sizes.GIB)), 400,
				ErrorCode.INVALID_SIZE);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/v2", "size", Sizes.GIB + Sizes.MIB)),
				400, ErrorCode.SIZE_NOT_SEGMENT_ALIGNED);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/nodir/v2", "size", Sizes.GIB)), 404,
				ErrorCode.DIRECTORY_NOT_FOUND);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "demo/v2", "size", Sizes.GIB)), 400,
				ErrorCode.INVALID_PATH);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/../v2", "size", Sizes.GIB)), 400,
				ErrorCode.INVALID_PATH);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/vol1/x", "size", Sizes.GIB)), 409,
				ErrorCode.NOT_A_DIRECTORY);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("size", Sizes.GIB)), 400, ErrorCode.INVALID_ARGUMENT);
		assertProblem(this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/v2", "size", "ten")), 400,
				ErrorCode.INVALID_ARGUMENT);
		assertProblem(this.mds.post("/api/v1/volumes", "application/json", "{\"path\":"), 400,
				ErrorCode.INVALID_ARGUMENT);
		assertProblem(this.mds.get("/api/v1/volumes/info?path=/demo/nope"), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.get("/api/v1/volumes/info"), 400, ErrorCode.INVALID_ARGUMENT);
		assertProblem(this.mds.get("/api/v1/directories/list?path=/nope"), 404, ErrorCode.DIRECTORY_NOT_FOUND);
		assertProblem(this.mds.postJson("/api/v1/volumes/extend", Map.of("path", "/demo/vol1", "size", 10 * Sizes.GIB)),
				400, ErrorCode.SIZE_NOT_LARGER);
		assertProblem(this.mds.postJson("/api/v1/volumes/extend", Map.of("path", "/demo/vol1", "size", 11 * Sizes.GIB + 1)),
				400, ErrorCode.SIZE_NOT_SEGMENT_ALIGNED);
		assertProblem(this.mds.postJson("/api/v1/volumes/extend", Map.of("path", "/demo/nope", "size", 20 * Sizes.GIB)),
				404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.postJson("/api/v1/volumes/rename", Map.of("path", "/demo/nope", "newPath", "/demo/x")),
				404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.postJson("/api/v1/volumes/rename", Map.of("path", "/demo", "newPath", "/demo/sub")), 400,
				ErrorCode.INVALID_PATH);
		assertProblem(this.mds.delete("/api/v1/volumes?path=/demo/nope"), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.delete("/api/v1/directories?path=/demo"), 409, ErrorCode.DIRECTORY_NOT_EMPTY);
		assertProblem(this.mds.delete("/api/v1/volumes?path=/demo"), 409, ErrorCode.NOT_A_VOLUME);
		assertThat(tree()).as("bad input changed nothing").isEqualTo(before);

		Response info = this.mds.get("/api/v1/volumes/info?path=/demo/vol1");
		assertThat(info.body().path("sizeText").asString()).isEqualTo("10GiB");
		Response extended = this.mds.postJson("/api/v1/volumes/extend", Map.of("path", "/demo/vol1", "size", 12 * Sizes.GIB));
		assertThat(extended.body().path("size").asLong()).isEqualTo(12 * Sizes.GIB);
		Response renamed = this.mds.postJson("/api/v1/volumes/rename", Map.of("path", "/demo/vol1", "newPath", "/demo/vol2"));
		assertThat(renamed.body().path("path").asString()).isEqualTo("/demo/vol2");
		assertThat(renamed.body().path("id").asLong()).isEqualTo(info.body().path("id").asLong());
		this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/tmp", "size", Sizes.GIB));
		assertProblem(this.mds.postJson("/api/v1/volumes/rename", Map.of("path", "/demo/tmp", "newPath", "/demo/vol2")),
				409, ErrorCode.VOLUME_EXISTS);
		assertThat(this.mds.delete("/api/v1/volumes?path=/demo/tmp").status()).isEqualTo(204);
		Response list = this.mds.get("/api/v1/directories/list?path=/demo");
		assertThat(list.body()).hasSize(1);
		assertThat(list.body().get(0).path("path").asString()).isEqualTo("/demo/vol2");
	}

	@Test
	@Order(8)
	void volumeLifecycleOverGrpcWithSessions() {
		NamespaceServiceGrpc.NamespaceServiceBlockingStub ns = NamespaceServiceGrpc.newBlockingStub(this.mds.channel());
		FileInfo vol = ns
			.createVolume(CreateVolumeRequest.newBuilder().setPath("/demo/vol3").setLength(4 * Sizes.GIB).setOwner("bob").build())
			.getFile();
		assertThat(vol.getChunkSize()).isEqualTo(Sizes.DEFAULT_CHUNK_SIZE);
		assertThat(vol.getSegmentSize()).isEqualTo(Sizes.DEFAULT_SEGMENT_SIZE);
		assertThat(vol.getPath()).isEqualTo("/demo/vol3");
		assertGrpc(() -> ns.createVolume(CreateVolumeRequest.newBuilder().setPath("/demo/vol3").setLength(Sizes.GIB).build()),
				Status.Code.ALREADY_EXISTS, ErrorCode.VOLUME_EXISTS);
		assertGrpc(() -> ns.createVolume(CreateVolumeRequest.newBuilder().setPath("/demo/x").setLength(100).build()),
				Status.Code.INVALID_ARGUMENT, ErrorCode.SIZE_NOT_SEGMENT_ALIGNED);
		assertGrpc(() -> ns.createVolume(CreateVolumeRequest.newBuilder().setPath("/demo/x").setLength(-1L).build()),
				Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_SIZE);
		assertGrpc(() -> ns.statFile(StatFileRequest.newBuilder().setPath("/demo/none").build()), Status.Code.NOT_FOUND,
				ErrorCode.VOLUME_NOT_FOUND);
		assertThat(ns.listDirectory(ListDirectoryRequest.newBuilder().setPath("/demo").build()).getFilesList())
			.extracting(FileInfo::getName)
			.containsExactly("vol2", "vol3");

		OpenVolumeResponse opened = ns.openVolume(OpenVolumeRequest.newBuilder().setPath("/demo/vol3").setClientId("it").build());
		assertThat(opened.getLeaseMs()).isEqualTo(20_000);
		assertThat(opened.getFile().getId()).isEqualTo(vol.getId());
		assertGrpc(() -> ns.deleteFile(DeleteFileRequest.newBuilder().setPath("/demo/vol3").build()),
				Status.Code.FAILED_PRECONDITION, ErrorCode.VOLUME_IN_USE);
		assertProblem(this.mds.delete("/api/v1/volumes?path=/demo/vol3"), 409, ErrorCode.VOLUME_IN_USE);
		this.mds.postJson("/api/v1/volumes/extend", Map.of("path", "/demo/vol3", "size", 5 * Sizes.GIB));
		FileInfo refreshed = ns
			.refreshSession(RefreshSessionRequest.newBuilder().setPath("/demo/vol3").setSessionId(opened.getSessionId()).build())
			.getFile();
		assertThat(refreshed.getLength()).isEqualTo(5 * Sizes.GIB);
		ns.closeVolume(CloseVolumeRequest.newBuilder().setPath("/demo/vol3").setSessionId(opened.getSessionId()).build());
		ns.deleteFile(DeleteFileRequest.newBuilder().setPath("/demo/vol3").build());
		assertGrpc(() -> ns.statFile(StatFileRequest.newBuilder().setPath("/demo/vol3").build()), Status.Code.NOT_FOUND,
				ErrorCode.VOLUME_NOT_FOUND);
	}

	@Test
	@Order(9)
	void segmentsAreAllocatedOnceRoundRobin() throws Exception {
		SegmentServiceGrpc.SegmentServiceBlockingStub seg = SegmentServiceGrpc.newBlockingStub(this.mds.channel());
		this.volumeId = this.mds.get("/api/v1/volumes/info?path=/demo/vol2").body().path("id").asLong();
		assertGrpc(() -> seg.getOrAllocateSegment(segment(0, false)), Status.Code.NOT_FOUND,
				ErrorCode.SEGMENT_NOT_ALLOCATED);
		assertGrpc(() -> seg.getOrAllocateSegment(segment(12 * Sizes.GIB, true)), Status.Code.OUT_OF_RANGE,
				ErrorCode.IO_OUT_OF_RANGE);
		assertGrpc(() -> seg.getOrAllocateSegment(GetOrAllocateSegmentRequest.newBuilder().setFileId(999).setAllocate(true).build()),
				Status.Code.NOT_FOUND, ErrorCode.VOLUME_NOT_FOUND);

		this.firstSegment = seg.getOrAllocateSegment(segment(0, true));
		assertThat(this.firstSegment.getChunksList()).hasSize(64);
		assertThat(this.firstSegment.getChunksList()).extracting(c -> c.getCopyset().getCopysetId())
			.startsWith(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1);
		assertThat(seg.getOrAllocateSegment(segment(0, true))).isEqualTo(this.firstSegment);
		assertThat(seg.getOrAllocateSegment(segment(0, false))).isEqualTo(this.firstSegment);

		// concurrent first writes of one segment all get the same mapping
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Callable<GetOrAllocateSegmentResponse>> calls = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				calls.add(() -> seg.getOrAllocateSegment(segment(5 * Sizes.GIB, true)));
			}
			Set<GetOrAllocateSegmentResponse> answers = new HashSet<>();
			for (Future<GetOrAllocateSegmentResponse> f : pool.invokeAll(calls)) {
				answers.add(f.get());
			}
			assertThat(answers).hasSize(1);
			Set<Long> ids = new HashSet<>();
			this.firstSegment.getChunksList().forEach(c -> ids.add(c.getChunkId()));
			answers.iterator().next().getChunksList().forEach(c -> ids.add(c.getChunkId()));
			assertThat(ids).as("chunk ids unique across segments").hasSize(128);
		}
		finally {
			pool.shutdownNow();
		}
		String metrics = this.mds.text("/actuator/prometheus");
		assertThat(metrics).contains("curve4j_mds_segments_allocated_total{application=\"mds\"} 2.0")
			.contains("grpc_server_seconds_bucket")
			.contains("http_server_requests_seconds_bucket");
	}

	@Test
	@Order(10)
	void restartLosesNothing() {
		var tree = tree();
		var topology = this.mds.get("/api/v1/topology").body();
		this.mds.close();
		this.mds = null;
		this.mds = startMds();
		assertState(tree, topology);

		// snapshot, then lose the database: the snapshot and the log rebuild it
		this.mds.bean(MdsRaft.class).snapshot();
		this.mds.postJson("/api/v1/directories", Map.of("path", "/after-snapshot"));
		tree = tree();
		this.mds.close();
		this.mds = null;
		FileUtils.deleteQuietly(dir.resolve("mds").resolve("db").toFile());
		this.mds = startMds();
		assertState(tree, topology);
		GetOrAllocateSegmentResponse next = SegmentServiceGrpc.newBlockingStub(this.mds.channel())
			.getOrAllocateSegment(segment(Sizes.GIB, true));
		assertThat(next.getChunks(0).getChunkId()).as("chunk ids continue after restarts").isEqualTo(129);
	}

	/** Without a data key chunkservers check nothing, but a clone's chunks still need to know their source. */
	@Test
	@Order(11)
	void aLinkedCloneGetsAnUnsignedCapabilityWithItsSourceWithoutADataKey() {
		long source = this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/src", "size", Sizes.GIB))
			.body()
			.path("id")
			.asLong();
		String snapshot = this.mds.postJson("/api/v1/snapshots", Map.of("volume", "/demo/src", "name", "s"))
			.body()
			.path("id")
			.asString();
		SnapshotTaskServiceGrpc.SnapshotTaskServiceBlockingStub tasks = SnapshotTaskServiceGrpc
			.newBlockingStub(this.mds.channel());
		assertThat(tasks.acquireLease(AcquireLeaseRequest.newBuilder().setWorkerId("mds-it").build()).getHeld())
			.isTrue();
		tasks.finishCopy(FinishCopyRequest.newBuilder().setWorkerId("mds-it").setSnapshotId(snapshot).build());
		Response clone = this.mds.postJson("/api/v1/clones",
				Map.of("source", "/demo/src@s", "path", "/demo/clone", "lazy", true));
		assertThat(clone.status()).as(clone.body().toString()).isEqualTo(201);

		GetOrAllocateSegmentResponse segment = SegmentServiceGrpc.newBlockingStub(this.mds.channel())
			.getOrAllocateSegment(GetOrAllocateSegmentRequest.newBuilder()
				.setFileId(clone.body().path("id").asLong())
				.setAllocate(true)
				.build());
		ChunkCapability capability = segment.getChunks(0).getCapability();
		assertThat(capability.getCloneSource())
			.isEqualTo(CloneSource.newBuilder().setVolumeId(source).setSnapshotId(snapshot).build());
		assertThat(capability.getMac()).isEmpty();
		assertThat(capability.getFirstChunkId()).isEqualTo(segment.getChunks(0).getChunkId());
		assertThat(capability.getChunkCount()).isEqualTo(64);
		assertThat(this.firstSegment.getChunks(0).hasCapability()).as("a plain volume's: none").isFalse();
	}

	/**
	 * A pool gives out segments up to what it holds after replication, then NO_SPACE; a
	 * deleted volume gives its segments back.
	 */
	@Test
	@Order(12)
	void segmentsAreNotGivenOutPastThePoolsCapacity() {
		JsonNode pool = this.mds.get("/api/v1/cluster/capacity").body().path("logicalPools").get(0);
		long before = pool.path("allocatedBytes").asLong();
		long room = (pool.path("totalBytes").asLong() - before) / Sizes.GIB;
		assertThat(room).isPositive().isLessThan(200);
		long huge = this.mds.postJson("/api/v1/volumes", Map.of("path", "/demo/huge", "size", (room + 2) * Sizes.GIB))
			.body()
			.path("id")
			.asLong();
		SegmentServiceGrpc.SegmentServiceBlockingStub seg = SegmentServiceGrpc.newBlockingStub(this.mds.channel());
		for (long i = 0; i < room; i++) {
			seg.getOrAllocateSegment(GetOrAllocateSegmentRequest.newBuilder()
				.setFileId(huge)
				.setOffset(i * Sizes.GIB)
				.setAllocate(true)
				.build());
		}
		assertGrpc(() -> seg.getOrAllocateSegment(GetOrAllocateSegmentRequest.newBuilder()
			.setFileId(huge)
			.setOffset(room * Sizes.GIB)
			.setAllocate(true)
			.build()), Status.Code.RESOURCE_EXHAUSTED, ErrorCode.NO_SPACE);
		assertThat(this.mds.get("/api/v1/cluster/capacity").body().path("logicalPools").get(0).path("allocatedBytes").asLong())
			.isEqualTo(before + room * Sizes.GIB);
		// a leader fresh from the restart above refuses deletes until one session lease has passed
		await().atMost(Duration.ofSeconds(30)).until(() -> this.mds.delete("/api/v1/volumes/" + huge).status() == 204);
		// in the recycle bin the volume keeps its segments: its data can still come back
		assertThat(this.mds.get("/api/v1/cluster/capacity").body().path("logicalPools").get(0).path("allocatedBytes").asLong())
			.isEqualTo(before + room * Sizes.GIB);
		Response purging = this.mds.postJson("/api/v1/recycle-bin/purge", Map.of("path", "/demo/huge"));
		assertThat(purging.status()).isEqualTo(202);
		assertThat(purging.body().get(0).path("purging").asBoolean()).isTrue();
		assertProblem(this.mds.postJson("/api/v1/recycle-bin/restore", Map.of("path", "/demo/huge")), 409,
				ErrorCode.VOLUME_PURGING);
		// these chunkservers do not run: no chunk can be deleted, so the record and its segments stay
		await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
		assertThat(this.mds.get("/api/v1/recycle-bin?size=100").body().path("content").findValuesAsString("path"))
			.contains("/demo/huge", "/demo/tmp", "/demo/vol3");
		assertThat(this.mds.get("/api/v1/cluster/capacity").body().path("logicalPools").get(0).path("allocatedBytes").asLong())
			.isEqualTo(before + room * Sizes.GIB);
	}

	private void assertState(List<String> tree, JsonNode topology) {
		assertThat(tree()).isEqualTo(tree);
		var now = this.mds.get("/api/v1/topology").body();
		assertThat(now.path("servers")).isEqualTo(topology.path("servers"));
		assertThat(now.path("logicalPools")).isEqualTo(topology.path("logicalPools"));
		assertThat(now.path("chunkServers")).hasSize(3);
		assertThat(SegmentServiceGrpc.newBlockingStub(this.mds.channel()).getOrAllocateSegment(segment(0, false)))
			.isEqualTo(this.firstSegment);
		// tokens were kept: a chunkserver re-registers with its id
		RegisterChunkServerResponse again = HeartbeatServiceGrpc.newBlockingStub(this.mds.channel())
			.registerChunkServer(registration("server-2", 2).setChunkServerId(2).setToken(this.tokens.get(2)).build());
		assertThat(again.getChunkServerId()).isEqualTo(2);
		assertThat(this.mds.get("/api/v1/copysets?size=" + COPYSETS).body().path("content")).hasSize(COPYSETS);
	}

	/** Every path with its size, depth first. */
	private List<String> tree() {
		List<String> out = new ArrayList<>();
		walk("/", out);
		return out;
	}

	private void walk(String dir, List<String> out) {
		for (var f : this.mds.get("/api/v1/directories/list?path=" + dir).body()) {
			out.add(f.path("path").asString() + " " + f.path("type").asString() + " " + f.path("size").asLong() + " "
					+ f.path("owner").asString());
			if (f.path("type").asString().equals("DIRECTORY")) {
				walk(f.path("path").asString(), out);
			}
		}
	}

	private GetOrAllocateSegmentRequest segment(long offset, boolean allocate) {
		return GetOrAllocateSegmentRequest.newBuilder()
			.setFileId(this.volumeId)
			.setOffset(offset)
			.setAllocate(allocate)
			.build();
	}

	static RegisterChunkServerRequest.Builder registration(String server, int n) {
		return RegisterChunkServerRequest.newBuilder()
			.setServerName(server)
			.setHost("127.0.0.1")
			.setPort(9000 + n)
			.setRaftPort(9100 + n)
			.setDiskPath("/data/cs" + n)
			.setDiskCapacity(100 * Sizes.GIB);
	}

	/** Chunkserver 1 (the lowest id) claims every copyset's leadership. */
	private void heartbeatAll(Set<Integer> ids) {
		for (int id : ids) {
			HeartbeatResponse assigned = heartbeat(id, List.of());
			List<CopysetReport> reports = new ArrayList<>();
			for (CopysetMembers c : assigned.getAssignedCopysetsList()) {
				reports.add(CopysetReport.newBuilder()
					.setKey(c.getKey())
					.setLeader("127.0.0.1:9101")
					.addAllPeers(c.getPeersList().stream().map(p -> p.getRaftAddress()).toList())
					.setEpoch(c.getEpoch())
					.setTerm(1)
					.setIsLeader(id == 1)
					.build());
			}
			heartbeat(id, reports);
		}
	}

	private HeartbeatResponse heartbeat(int id, List<CopysetReport> reports) {
		return HeartbeatServiceGrpc.newBlockingStub(this.mds.channel())
			.heartbeat(HeartbeatRequest.newBuilder()
				.setChunkServerId(id)
				.setToken(this.tokens.get(id))
				.setHost("127.0.0.1")
				.setPort(9000 + id)
				.setDiskCapacity(100 * Sizes.GIB)
				.setDiskUsed(Sizes.GIB)
				.addAllCopysets(reports)
				.build());
	}

	static void assertProblem(Response r, int status, ErrorCode code) {
		assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
		assertThat(r.contentType()).startsWith("application/problem+json");
		assertThat(r.code()).isEqualTo(code.name());
		assertThat(r.body().path("detail").asString()).isNotBlank();
	}

	static void assertGrpc(Runnable call, Status.Code status, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
			assertThat(ex.getStatus().getCode()).as(ex.toString()).isEqualTo(status);
			assertThat(ex.getTrailers().get(GrpcErrors.ERROR_KEY)).isEqualTo(code.name());
		});
	}

}
