package io.curve4j.mds;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.fs.v1.AddPartitionRequest;
import io.curve4j.proto.fs.v1.AllocateChunkIdsRequest;
import io.curve4j.proto.fs.v1.AllocateChunkIdsResponse;
import io.curve4j.proto.fs.v1.BeginTxRequest;
import io.curve4j.proto.fs.v1.FsServiceGrpc;
import io.curve4j.proto.fs.v1.GetFsRequest;
import io.curve4j.proto.fs.v1.GetPartitionsResponse;
import io.curve4j.proto.fs.v1.MountRequest;
import io.curve4j.proto.fs.v1.MountResponse;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.fs.v1.PartitionStatus;
import io.curve4j.proto.fs.v1.RefreshMountRequest;
import io.curve4j.proto.fs.v1.TxRequest;
import io.curve4j.proto.fs.v1.TxResponse;
import io.curve4j.proto.fs.v1.TxState;
import io.curve4j.proto.fs.v1.UmountRequest;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentRequest;
import io.curve4j.proto.mds.v1.PartitionRecord;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerResponse;
import io.curve4j.proto.metaserver.v1.CreatePartitionRequest;
import io.curve4j.proto.metaserver.v1.CreatePartitionResponse;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.PartitionRequest;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import static io.curve4j.mds.MdsIT.assertGrpc;
import static io.curve4j.mds.MdsIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CurveFS in one MDS over real REST and gRPC: file systems with their partitions on a
 * fs-metadata pool whose "metaservers" are registered like chunkservers and answered here
 * by a real gRPC server that records CreatePartition and DeletePartition (the real
 * metaserver is another module's), mounts with leases and capabilities, chunk ids across a
 * restart, rename transactions, and every refusal. Steps run in order on one MDS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class FsIT {

	private static final String ROOT_PASSWORD = "fs-it-root";

	private static final String DATA_KEY = "fs-it-data-key-of-the-cluster";

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration TX_TIMEOUT = Duration.ofMillis(1500);

	private static final String METADATA_POOL = MdsIT.SERVERS + """
			logicalPools:
			  - name: meta
			    physicalPool: pool-1
			    replicas: 3
			    copysets: 4
			    zones: 3
			    kind: fs-metadata
			""";

	@TempDir
	static Path dir;

	private int raftPort;

	private MdsNode mds;

	private final SigningKey root = SigningKey.of("root", ROOT_PASSWORD);

	private SigningKey alice;

	private SigningKey bob;

	/** Ports of metaservers 1 to 3, on which the recording servers run once started. */
	private final int[] metaPorts = { LoopbackPorts.free(), LoopbackPorts.free(),
			LoopbackPorts.free() };

	private final RecordingMetaService meta = new RecordingMetaService();

	private final List<Server> metaServers = new ArrayList<>();

	private final FsCapabilities capabilities = FsCapabilities.fromSecret(DATA_KEY);

	private long lastChunkId;

	@BeforeAll
	void start() {
		this.raftPort = LoopbackPorts.free();
		this.mds = startMds();
		for (String user : List.of("alice", "bob")) {
			Response created = this.mds.send(this.root, "POST", "/api/v1/users",
					Map.of("name", user, "password", user + "-password"));
			assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		}
		this.alice = SigningKey.of("alice", "alice-password");
		this.bob = SigningKey.of("bob", "bob-password");
	}

	private MdsNode startMds() {
		MdsNode node = MdsNode.start(dir.resolve("mds"), this.raftPort, 0, 0,
				"--curve.mds.auth.root-password=" + ROOT_PASSWORD, "--curve.mds.auth.data-key.value=" + DATA_KEY,
				"--curve.mds.fs.interval=200ms", "--curve.mds.fs.mount-lease=" + LEASE.toMillis() + "ms",
				"--curve.mds.fs.tx-timeout=" + TX_TIMEOUT.toMillis() + "ms", "--curve.mds.fs.partition-inodes=1000",
				"--curve.mds.fs.object-store.endpoint=http://127.0.0.1:9999", "--curve.mds.fs.object-store.bucket=fsdata",
				"--curve.mds.fs.object-store.access-key=ak", "--curve.mds.fs.object-store.secret-key=sk");
		await().atMost(Duration.ofSeconds(15)).until(node::isLeader);
		return node;
	}

	@AfterAll
	void stop() {
		if (this.mds != null) {
			this.mds.close();
		}
		this.metaServers.forEach(Server::shutdownNow);
	}

	@Test
	@Order(1)
	void withoutAMetadataPoolNothingIsCreated() {
		assertProblem(create(this.alice, "fs1"), 409, ErrorCode.NO_METADATA_POOL);
		assertProblem(create(this.alice, "bad name"), 400, ErrorCode.INVALID_FS_NAME);
		assertProblem(create(this.alice, "x".repeat(65)), 400, ErrorCode.INVALID_FS_NAME);
		assertProblem(create(this.alice, ""), 400, ErrorCode.INVALID_FS_NAME);
		assertThat(this.mds.send(this.root, "GET", "/api/v1/fs", null).body().path("content")).isEmpty();
	}

	@Test
	@Order(2)
	void metaserversRegisterLikeChunkserversOnTheMetadataPool() {
		applyTopology(MdsIT.SERVERS);
		for (int i = 1; i <= 3; i++) {
			RegisterChunkServerResponse registered = HeartbeatServiceGrpc.newBlockingStub(this.mds.channel())
				.registerChunkServer(MdsIT.registration("server-" + i, i)
					.setPort(this.metaPorts[i - 1])
					.setToken(MdsIT.ownToken(i))
					.build());
			assertThat(registered.getChunkServerId()).isEqualTo(i);
		}
		applyTopology(METADATA_POOL);
		JsonNode pool = this.mds.send(this.root, "GET", "/api/v1/topology", null).body().path("logicalPools").get(0);
		assertThat(pool.path("kind").asString()).isEqualToIgnoringCase("fs-metadata");
		// the status counts them as metaservers, not chunkservers
		JsonNode status = this.mds.send(this.root, "GET", "/api/v1/cluster/status", null).body();
		assertThat(status.path("metaServers").path("total").asInt()).as(status.toString()).isEqualTo(3);
		assertThat(status.path("chunkServers").path("total").asInt()).isZero();

		// a volume never lands in a fs-metadata pool: with no block pool it gets no segment
		Response volume = this.mds.send(this.root, "POST", "/api/v1/volumes", Map.of("path", "/v1", "size", Sizes.GIB));
		assertThat(volume.status()).as(volume.body().toString()).isEqualTo(201);
		assertGrpc(() -> this.mds.call(this.root, SegmentServiceGrpc.getGetOrAllocateSegmentMethod(),
				GetOrAllocateSegmentRequest.newBuilder()
					.setFileId(volume.body().path("id").asLong())
					.setOffset(0)
					.setAllocate(true)
					.build()),
				Status.Code.NOT_FOUND, ErrorCode.POOL_NOT_FOUND);
	}

	@Test
	@Order(3)
	void aFileSystemIsCreatedOnceItsMetaserverAnswers() throws IOException {
		// the metaservers are down: the partitions stay CREATING
		Response created = create(this.alice, "fs1");
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		JsonNode fs = created.body();
		assertThat(fs.path("name").asString()).isEqualTo("fs1");
		assertThat(fs.path("owner").asString()).isEqualTo("alice");
		assertThat(fs.path("chunkSize").asLong()).isEqualTo(64L << 20);
		assertThat(fs.path("blockSize").asLong()).isEqualTo(4L << 20);
		assertThat(fs.path("status").asString()).isEqualTo("CREATING");
		assertThat(fs.path("partitions")).hasSize(3);
		Set<Integer> copysets = fs.path("partitions")
			.valueStream()
			.map(p -> p.path("copysetId").asInt())
			.collect(Collectors.toSet());
		assertThat(copysets).as("distinct copysets").hasSize(3);
		assertThat(fs.path("partitions").get(0).path("startInode").asLong()).isEqualTo(1);
		assertThat(fs.path("partitions").get(0).path("endInode").asLong()).isEqualTo(1001);
		assertThat(fs.path("partitions").get(1).path("startInode").asLong()).isEqualTo(1001);
		assertThat(fs.path("partitions").get(0).path("status").asString()).isEqualTo("CREATING");
		assertThat(this.meta.creates).isEmpty();

		// it comes up: a round creates them
		startMetaservers();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "READY".equals(get(this.alice, "fs1").body().path("status").asString()));
		JsonNode ready = get(this.alice, "fs1").body();
		assertThat(ready.path("partitions").valueStream().map(p -> p.path("status").asString()))
			.containsOnly("READY");
		assertThat(this.meta.creates.stream().map(r -> r.getPartition().getPartitionId()).distinct())
			.containsExactlyInAnyOrder(1, 2, 3);
		CreatePartitionRequest first = this.meta.creates.stream()
			.filter(r -> r.getPartition().getPartitionId() == 1)
			.findFirst()
			.orElseThrow();
		assertThat(first.getRoot().getInodeId()).isEqualTo(1);
		assertThat(first.getRoot().getType()).isEqualTo(InodeType.DIRECTORY);
		assertThat(first.getRoot().getMode()).isEqualTo(0755);
		assertThat(first.getRoot().getNlink()).isEqualTo(2);
		assertThat(first.getRoot().getUid()).isZero();
		assertThat(first.getStartInode()).isEqualTo(1);
		assertThat(first.getEndInode()).isEqualTo(1001);
		assertThat(this.meta.creates.stream().filter(r -> r.getPartition().getPartitionId() != 1))
			.allSatisfy(r -> assertThat(r.hasRoot()).isFalse());
		assertThat(this.meta.refused).as("every call carried a valid ADMIN capability").isEmpty();
	}

	@Test
	@Order(4)
	void refusalsHaveTheirCodes() {
		assertProblem(create(this.alice, "fs1"), 409, ErrorCode.FS_EXISTS);
		assertProblem(create(this.bob, "fs1"), 409, ErrorCode.FS_EXISTS);
		assertProblem(get(this.alice, "nope"), 404, ErrorCode.FS_NOT_FOUND);
		assertProblem(get(this.bob, "fs1"), 404, ErrorCode.FS_NOT_FOUND);
		assertProblem(this.mds.send(this.bob, "DELETE", "/api/v1/fs/fs1", null), 404, ErrorCode.FS_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/fs/nope", null), 404, ErrorCode.FS_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "GET", "/api/v1/fs?sort=colour", null), 400, ErrorCode.INVALID_ARGUMENT);
		assertThat(this.mds.get("/api/v1/fs").status()).as("unsigned").isEqualTo(401);
		assertThat(this.mds.postJson("/api/v1/fs", Map.of("name", "anon")).status()).isEqualTo(401);
		assertGrpc(() -> stub(this.bob).mount(MountRequest.newBuilder().setFsName("fs1").build()),
				Status.Code.NOT_FOUND, ErrorCode.FS_NOT_FOUND);
		// lists: each user sees its own, root all
		assertThat(create(this.bob, "bobfs").status()).isEqualTo(201);
		assertThat(names(this.alice)).containsExactly("fs1");
		assertThat(names(this.bob)).containsExactly("bobfs");
		assertThat(names(this.root)).containsExactly("fs1", "bobfs");
		JsonNode page = this.mds.send(this.root, "GET", "/api/v1/fs?size=1&page=1&sort=name,desc", null).body();
		assertThat(page.path("content").get(0).path("name").asString()).isEqualTo("bobfs");
		assertThat(page.path("page").path("totalElements").asInt()).isEqualTo(2);
	}

	@Test
	@Order(5)
	void aRawCallWithoutCredentialsIsRefusedAndChangesNothing() {
		assertGrpc(() -> this.mds.call(null, FsServiceGrpc.getMountMethod(),
				MountRequest.newBuilder().setFsName("fs1").setHost("h").setMountPoint("/m").build()),
				Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
		assertGrpc(() -> FsServiceGrpc.newBlockingStub(this.mds.channel())
			.allocateChunkIds(AllocateChunkIdsRequest.newBuilder().setFsId(1).setCount(5).build()),
				Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
		assertThat(get(this.alice, "fs1").body().path("mounts")).isEmpty();
		// the counter did not move: the first ids handed out are 1..
		AllocateChunkIdsResponse ids = stub(this.alice)
			.allocateChunkIds(AllocateChunkIdsRequest.newBuilder().setFsId(fsId("fs1")).setCount(10).build());
		assertThat(ids.getFirstChunkId()).isEqualTo(1);
		this.lastChunkId = ids.getFirstChunkId() + ids.getCount() - 1;
	}

	@Test
	@Order(6)
	void aMountGetsACapabilityAndKeepsItsLeaseByRefreshing() {
		MountResponse mount = mount(this.alice, "fs1", "/mnt/a");
		assertThat(mount.getFs().getName()).isEqualTo("fs1");
		assertThat(mount.getFs().getRootInode()).isEqualTo(1);
		assertThat(mount.getFs().getPartitionInodes()).isEqualTo(1000);
		assertThat(mount.getLeaseMs()).isEqualTo(LEASE.toMillis());
		assertThat(mount.getPartitionsList()).hasSize(3)
			.allSatisfy(p -> assertThat(p.getStatus()).isEqualTo(PartitionStatus.PARTITION_READY))
			.allSatisfy(p -> assertThat(p.getCopyset().getPeersList()).hasSize(3));
		assertThat(mount.getObjectStore().getEndpoint()).isEqualTo("http://127.0.0.1:9999");
		assertThat(mount.getObjectStore().getBucket()).isEqualTo("fsdata");
		assertThat(mount.getObjectStore().getSecretKey()).isEqualTo("sk");
		// the capability is the MDS's: reads and writes, not partition administration
		long now = System.currentTimeMillis();
		this.capabilities.check(mount.getCapability(), mount.getFs().getFsId(), FsCapabilities.WRITE, now);
		this.capabilities.check(mount.getCapability(), mount.getFs().getFsId(), FsCapabilities.READ, now);
		assertThat(mount.getCapability().getExpiresMs()).isBetween(now + 2 * LEASE.toMillis(),
				now + 3 * LEASE.toMillis() + 1000);
		assertThatCurve(() -> this.capabilities.check(mount.getCapability(), mount.getFs().getFsId(),
				FsCapabilities.ADMIN, now), ErrorCode.CAPABILITY_DENIED);
		assertThatCurve(() -> this.capabilities.check(mount.getCapability(), mount.getFs().getFsId() + 1,
				FsCapabilities.READ, now), ErrorCode.CAPABILITY_DENIED);

		JsonNode mounts = get(this.alice, "fs1").body().path("mounts");
		assertThat(mounts).hasSize(1);
		assertThat(mounts.get(0).path("id").asLong()).isEqualTo(mount.getMountId());
		assertThat(mounts.get(0).path("mountPoint").asString()).isEqualTo("/mnt/a");
		assertProblem(this.mds.send(this.alice, "DELETE", "/api/v1/fs/fs1", null), 409, ErrorCode.FS_MOUNTED);

		// refreshing every lease/3 keeps it past several leases
		long until = System.currentTimeMillis() + 2 * LEASE.toMillis();
		while (System.currentTimeMillis() < until) {
			MountResponse refreshed = stub(this.alice).refreshMount(refresh(mount));
			assertThat(refreshed.getMountId()).isEqualTo(mount.getMountId());
			this.capabilities.check(refreshed.getCapability(), mount.getFs().getFsId(), FsCapabilities.WRITE,
					System.currentTimeMillis());
			sleep(LEASE.toMillis() / 3);
		}
		assertThat(get(this.alice, "fs1").body().path("mounts")).hasSize(1);

		// without refreshes the lease ends: the round drops it, and a refresh is refused
		await().atMost(LEASE.plusSeconds(5)).until(() -> get(this.alice, "fs1").body().path("mounts").isEmpty());
		assertGrpc(() -> stub(this.alice).refreshMount(refresh(mount)), Status.Code.NOT_FOUND,
				ErrorCode.MOUNT_NOT_FOUND);

		// umount ends one at once
		MountResponse again = mount(this.alice, "fs1", "/mnt/b");
		assertThat(again.getMountId()).isGreaterThan(mount.getMountId());
		stub(this.alice).umount(UmountRequest.newBuilder().setFsId(again.getFs().getFsId())
			.setMountId(again.getMountId())
			.build());
		assertThat(get(this.alice, "fs1").body().path("mounts")).isEmpty();
		assertGrpc(() -> stub(this.alice).umount(UmountRequest.newBuilder().setFsId(again.getFs().getFsId())
			.setMountId(again.getMountId())
			.build()), Status.Code.NOT_FOUND, ErrorCode.MOUNT_NOT_FOUND);
		assertThat(stub(this.alice).getFs(GetFsRequest.newBuilder().setName("fs1").build()).getFs().getOwner())
			.isEqualTo("alice");
	}

	@Test
	@Order(7)
	void renameTransactionsCommitOnceAndAbortByTheirMountOrTheirDeadline() {
		MountResponse mount = mount(this.alice, "fs1", "/mnt/tx");
		int fs = mount.getFs().getFsId();
		TxResponse first = begin(mount);
		assertThat(first.getState()).isEqualTo(TxState.TX_PENDING);
		long now = System.currentTimeMillis();
		assertThat(first.getDeadlineMs()).isBetween(now, now + TX_TIMEOUT.toMillis() + 100);
		assertThat(stub(this.alice).commitTx(tx(fs, first, mount.getMountId())).getState())
			.isEqualTo(TxState.TX_COMMITTED);
		// a committed transaction stays committed
		assertThat(stub(this.alice).abortTx(tx(fs, first, mount.getMountId())).getState())
			.isEqualTo(TxState.TX_COMMITTED);
		assertThat(stub(this.alice).getTx(tx(fs, first, 0)).getState()).isEqualTo(TxState.TX_COMMITTED);

		TxResponse second = begin(mount);
		assertThat(second.getTxId()).as("ids rise").isGreaterThan(first.getTxId());
		assertGrpc(() -> stub(this.alice).abortTx(tx(fs, second, mount.getMountId() + 1000)), Status.Code.ABORTED,
				ErrorCode.TX_PENDING);
		assertThat(stub(this.alice).abortTx(tx(fs, second, mount.getMountId())).getState())
			.isEqualTo(TxState.TX_ABORTED);
		assertGrpc(() -> stub(this.alice).commitTx(tx(fs, second, mount.getMountId())), Status.Code.ABORTED,
				ErrorCode.TX_ABORTED);

		// left PENDING past its deadline: the leader's round aborts it, a late commit fails
		TxResponse third = begin(mount);
		await().atMost(TX_TIMEOUT.plusSeconds(5))
			.until(() -> stub(this.alice).getTx(tx(fs, third, 0)).getState() == TxState.TX_ABORTED);
		assertGrpc(() -> stub(this.alice).commitTx(tx(fs, third, mount.getMountId())), Status.Code.ABORTED,
				ErrorCode.TX_ABORTED);
		assertGrpc(() -> stub(this.alice).getTx(TxRequest.newBuilder().setFsId(fs).setTxId(9999).build()),
				Status.Code.NOT_FOUND, ErrorCode.TX_NOT_FOUND);
		assertGrpc(() -> stub(this.bob).getTx(tx(fs, third, 0)), Status.Code.NOT_FOUND, ErrorCode.FS_NOT_FOUND);
		// a transaction needs a live mount
		assertGrpc(() -> stub(this.alice).beginTx(BeginTxRequest.newBuilder().setFsId(fs).setMountId(9999).build()),
				Status.Code.NOT_FOUND, ErrorCode.MOUNT_NOT_FOUND);
		stub(this.alice).umount(UmountRequest.newBuilder().setFsId(fs).setMountId(mount.getMountId()).build());
	}

	@Test
	@Order(8)
	void addPartitionAddsOneForConcurrentCallers() {
		int fs = fsId("fs1");
		GetPartitionsResponse added = stub(this.alice)
			.addPartition(AddPartitionRequest.newBuilder().setFsId(fs).setKnownPartitionId(3).build());
		assertThat(added.getPartitionsList()).hasSize(4);
		PartitionInfo fourth = added.getPartitions(3);
		assertThat(fourth.getPartitionId()).isEqualTo(4);
		assertThat(fourth.getStartInode()).isEqualTo(3001);
		assertThat(fourth.getStatus()).isEqualTo(PartitionStatus.PARTITION_READY);
		// a second caller that also saw 3 full partitions gets the fourth, not a fifth
		assertThat(stub(this.alice)
			.addPartition(AddPartitionRequest.newBuilder().setFsId(fs).setKnownPartitionId(3).build())
			.getPartitionsList()).hasSize(4);
		// (a round may ask again for the same one: creating is idempotent on the metaserver)
		assertThat(this.meta.creates.stream()
			.filter(c -> c.getFsId() == fs)
			.map(c -> c.getPartition().getPartitionId())
			.distinct()).containsExactlyInAnyOrder(1, 2, 3, 4);
	}

	@Test
	@Order(9)
	void chunkIdsNeverRepeatAcrossALeaderChange() {
		int fs = fsId("fs1");
		AllocateChunkIdsResponse more = stub(this.alice)
			.allocateChunkIds(AllocateChunkIdsRequest.newBuilder().setFsId(fs).setCount(5).build());
		assertThat(more.getFirstChunkId()).isEqualTo(this.lastChunkId + 1);
		this.lastChunkId = more.getFirstChunkId() + more.getCount() - 1;
		assertGrpc(() -> stub(this.alice).allocateChunkIds(AllocateChunkIdsRequest.newBuilder().setFsId(fs).build()),
				Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);

		this.mds.close();
		this.mds = startMds();
		AllocateChunkIdsResponse after = stub(this.alice)
			.allocateChunkIds(AllocateChunkIdsRequest.newBuilder().setFsId(fs).setCount(5).build());
		assertThat(after.getFirstChunkId()).isEqualTo(this.lastChunkId + 1);
		// and the file system with its partitions survived the restart
		assertThat(get(this.alice, "fs1").body().path("partitions")).hasSize(4);
	}

	@Test
	@Order(10)
	void deletingRemovesThePartitionsFromTheMetaservers() {
		int fs = fsId("fs1");
		assertThat(this.mds.send(this.alice, "DELETE", "/api/v1/fs/fs1", null).status()).isEqualTo(204);
		assertProblem(get(this.alice, "fs1"), 404, ErrorCode.FS_NOT_FOUND);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.meta.deletes.stream().filter(r -> r.startsWith(fs + "/")).distinct().count() == 4);
		assertThat(this.meta.refused).isEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> partitionRecords(fs).isEmpty());
		// the name is free again, under a new id
		Response again = create(this.alice, "fs1");
		assertThat(again.status()).isEqualTo(201);
		assertThat(again.body().path("id").asInt()).isGreaterThan(fs);
	}

	@Test
	@Order(11)
	void aFileSystemDeletedBeforeItsPartitionsWereCreatedLeavesNothing() throws Exception {
		for (Server server : this.metaServers) {
			server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		this.metaServers.clear();
		Response ghost = create(this.alice, "ghost");
		assertThat(ghost.body().path("status").asString()).isEqualTo("CREATING");
		int fs = ghost.body().path("id").asInt();
		assertThat(this.mds.send(this.alice, "DELETE", "/api/v1/fs/ghost", null).status()).isEqualTo(204);
		assertThat(partitionRecords(fs)).hasSize(3)
			.allSatisfy(p -> assertThat(p.getStatus()).isEqualTo(PartitionStatus.PARTITION_DELETING));
		// back up, the metaserver does not hold them (PARTITION_NOT_FOUND): the records go all the same
		startMetaservers();
		await().atMost(Duration.ofSeconds(10)).until(() -> partitionRecords(fs).isEmpty());
		assertThat(this.meta.creates).noneMatch(c -> c.getFsId() == fs);
	}

	private void startMetaservers() throws IOException {
		for (int port : this.metaPorts) {
			this.metaServers.add(ServerBuilder.forPort(port).addService(this.meta).build().start());
		}
	}

	private List<PartitionRecord> partitionRecords(int fsId) {
		return this.mds.bean(MdsStore.class).list(MdsSchema.FS_PARTITIONS, MdsSchema.partitionsOf(fsId));
	}

	private void applyTopology(String yaml) {
		this.mds.bean(TopologyService.class).apply(yaml);
	}

	private Response create(SigningKey key, String name) {
		return this.mds.send(key, "POST", "/api/v1/fs", Map.of("name", name));
	}

	private Response get(SigningKey key, String name) {
		return this.mds.send(key, "GET", "/api/v1/fs/" + name, null);
	}

	private int fsId(String name) {
		return get(this.alice, name).body().path("id").asInt();
	}

	private List<String> names(SigningKey key) {
		return this.mds.send(key, "GET", "/api/v1/fs", null)
			.body()
			.path("content")
			.valueStream()
			.map(f -> f.path("name").asString())
			.toList();
	}

	private MountResponse mount(SigningKey key, String fs, String mountPoint) {
		return stub(key).mount(MountRequest.newBuilder().setFsName(fs).setHost("client-1").setMountPoint(mountPoint).build());
	}

	private static RefreshMountRequest refresh(MountResponse mount) {
		return RefreshMountRequest.newBuilder().setFsId(mount.getFs().getFsId()).setMountId(mount.getMountId()).build();
	}

	private TxResponse begin(MountResponse mount) {
		return stub(this.alice).beginTx(BeginTxRequest.newBuilder()
			.setFsId(mount.getFs().getFsId())
			.setMountId(mount.getMountId())
			.addPartitionIds(1)
			.addPartitionIds(2)
			.build());
	}

	private static TxRequest tx(int fs, TxResponse tx, long mountId) {
		return TxRequest.newBuilder().setFsId(fs).setTxId(tx.getTxId()).setMountId(mountId).build();
	}

	/** FsService calls signed as the key's user, through the test's signing helper. */
	private SignedFs stub(SigningKey key) {
		return new SignedFs(this.mds, key);
	}

	private static void assertThatCurve(Runnable call, ErrorCode code) {
		try {
			call.run();
		}
		catch (CurveException ex) {
			assertThat(ex.code()).isEqualTo(code);
			return;
		}
		throw new AssertionError("expected " + code);
	}

	private static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private record SignedFs(MdsNode mds, SigningKey key) {

		MountResponse mount(MountRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getMountMethod(), r);
		}

		MountResponse refreshMount(RefreshMountRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getRefreshMountMethod(), r);
		}

		void umount(UmountRequest r) {
			this.mds.call(this.key, FsServiceGrpc.getUmountMethod(), r);
		}

		io.curve4j.proto.fs.v1.FsInfoResponse getFs(GetFsRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getGetFsMethod(), r);
		}

		GetPartitionsResponse addPartition(AddPartitionRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getAddPartitionMethod(), r);
		}

		AllocateChunkIdsResponse allocateChunkIds(AllocateChunkIdsRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getAllocateChunkIdsMethod(), r);
		}

		TxResponse beginTx(BeginTxRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getBeginTxMethod(), r);
		}

		TxResponse commitTx(TxRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getCommitTxMethod(), r);
		}

		TxResponse abortTx(TxRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getAbortTxMethod(), r);
		}

		TxResponse getTx(TxRequest r) {
			return this.mds.call(this.key, FsServiceGrpc.getGetTxMethod(), r);
		}

	}

	/** The metaservers' partition administration (one for all three: each answers as a leader), recorded; a call without a valid ADMIN capability is refused. */
	private final class RecordingMetaService extends MetaServiceGrpc.MetaServiceImplBase {

		final List<CreatePartitionRequest> creates = new CopyOnWriteArrayList<>();

		/** "fsId/partitionId" of every delete asked (a partition may be asked more than once). */
		final List<String> deletes = new CopyOnWriteArrayList<>();

		final List<String> refused = new CopyOnWriteArrayList<>();

		@Override
		public void createPartition(CreatePartitionRequest request, StreamObserver<CreatePartitionResponse> observer) {
			if (checked(request.getPartition().getCapability(), request.getFsId(), observer)) {
				this.creates.add(request);
				observer.onNext(CreatePartitionResponse.getDefaultInstance());
				observer.onCompleted();
			}
		}

		@Override
		public void deletePartition(PartitionRequest request, StreamObserver<CreatePartitionResponse> observer) {
			int fsId = request.getPartition().getCapability().getFsId();
			if (checked(request.getPartition().getCapability(), fsId, observer)) {
				this.deletes.add(fsId + "/" + request.getPartition().getPartitionId());
				boolean created = this.creates.stream()
					.anyMatch(c -> c.getFsId() == fsId
							&& c.getPartition().getPartitionId() == request.getPartition().getPartitionId());
				if (created) {
					observer.onNext(CreatePartitionResponse.getDefaultInstance());
					observer.onCompleted();
				}
				else {
					// as a metaserver answers for a partition it does not hold
					observer.onError(GrpcErrors.toStatus(new CurveException(ErrorCode.PARTITION_NOT_FOUND,
							"no partition " + request.getPartition().getPartitionId())));
				}
			}
		}

		private boolean checked(io.curve4j.proto.fs.v1.FsCapability capability, int fsId,
				StreamObserver<CreatePartitionResponse> observer) {
			try {
				FsIT.this.capabilities.check(capability, fsId, FsCapabilities.ADMIN, System.currentTimeMillis());
				return true;
			}
			catch (CurveException ex) {
				this.refused.add(ex.getMessage());
				StatusRuntimeException status = GrpcErrors.toStatus(ex);
				observer.onError(status);
				return false;
			}
		}

	}

}
