package io.curve4j.metaserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.metaserver.config.MetaServerProperties;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.fs.v1.FsCapability;
import io.curve4j.proto.metaserver.v1.CreateDentryRequest;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.CreatePartitionRequest;
import io.curve4j.proto.metaserver.v1.DeleteDentryRequest;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.GetDentryRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.LinkInodeRequest;
import io.curve4j.proto.metaserver.v1.ListDentryRequest;
import io.curve4j.proto.metaserver.v1.ListDentryResponse;
import io.curve4j.proto.metaserver.v1.ListInodesRequest;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.PartitionRequest;
import io.curve4j.proto.metaserver.v1.PrepareRenameRequest;
import io.curve4j.proto.metaserver.v1.RenameMode;
import io.curve4j.proto.metaserver.v1.ResolveTxRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three metaservers in one JVM, each a whole application with real gRPC and Raft on
 * loopback, hosting one copyset: metadata acknowledged by the leader survives the
 * leader's loss and a restart of every replica; a call without the mount's capability is
 * refused and changes nothing; the leader empties the trash, objects in S3 (S3Proxy in
 * this JVM) included.
 */
class MetaServerClusterIT {

	static final int FS = MetaServerTrio.FS;

	static final int PARTITION = MetaServerTrio.PARTITION;

	static final CopysetKey KEY = MetaServerTrio.KEY;

	@RegisterExtension
	static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder()
		.withCredentials("access", "secret")
		.withBlobStoreProvider("transient")
		.build();

	@TempDir
	Path dir;

	private MetaServerTrio trio;

	private FsCapabilities capabilities;

	@BeforeEach
	void trio() {
		this.trio = new MetaServerTrio(this.dir);
		this.capabilities = this.trio.capabilities;
	}

	@AfterEach
	void stopAll() {
		this.trio.close();
	}

	@Test
	void acknowledgedMetadataSurvivesTheLeadersLossAndAFullRestart() throws Exception {
		String snapshots = "--curve.metaserver.snapshot-interval=1s";
		this.trio.startAll(snapshots);
		int leader = createPartition();
		PartitionRef mount = MetaServerTrio.ref(this.capabilities.issue(FS, 1, FsCapabilities.READ | FsCapabilities.WRITE, MetaServerTrio.far()));
		List<Long> inodes = new ArrayList<>(createFiles(leader, mount, "f", 20));
		int follower = (leader + 1) % 3;
		// a follower serves linearizable reads (jraft's read index) but refuses changes
		assertThat(this.trio.meta(follower).getInode(GetInodeRequest.newBuilder().setPartition(mount).setInodeId(1).build())
			.getInode()
			.getNlink()).isEqualTo(2);
		assertThatThrownBy(() -> this.trio.meta(follower).createInode(CreateInodeRequest.newBuilder()
			.setPartition(mount)
			.setType(InodeType.FILE)
			.build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
				assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(GrpcErrors.fromStatus(e).code()).isEqualTo(ErrorCode.NOT_LEADER);
			});

		this.trio.stop(leader);
		int next = this.trio.awaitLeader(IntStream.range(0, 3).filter(i -> i != leader).toArray());
		assertWhole(next, mount, inodes);

		this.trio.start(leader, snapshots);
		// every replica snapshots (a RocksDB checkpoint), then takes entries past it: a
		// restart loads the snapshot and replays only those
		for (int i = 0; i < 3; i++) {
			Path snapshotDir = this.dir.resolve("meta" + i).resolve("copysets/9-1/raft/snapshot");
			await().atMost(Duration.ofSeconds(30)).until(() -> hasSnapshot(snapshotDir));
		}
		int current = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			int l = this.trio.awaitLeader(0, 1, 2);
			inodes.addAll(createFiles(l, mount, "g", 1));
			return l;
		}, l -> true);
		inodes.addAll(createFiles(current, mount, "h", 5));
		for (int i = 0; i < 3; i++) {
			this.trio.stop(i);
		}
		this.trio.startAll(snapshots);
		assertWhole(this.trio.awaitLeader(0, 1, 2), mount, inodes);
	}

	private static boolean hasSnapshot(Path snapshotDir) throws IOException {
		if (!Files.isDirectory(snapshotDir)) {
			return false;
		}
		try (Stream<Path> entries = Files.list(snapshotDir)) {
			return entries.anyMatch(e -> e.getFileName().toString().startsWith("snapshot_"));
		}
	}

	/** Files named prefix0, prefix1, ... in the root, made on the given node; their inode ids. */
	private List<Long> createFiles(int node, PartitionRef mount, String prefix, int count) {
		List<Long> inodes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Inode inode = this.trio.meta(node).createInode(CreateInodeRequest.newBuilder()
				.setPartition(mount)
				.setType(InodeType.FILE)
				.setMode(0644)
				.setParent(1)
				.build()).getInode();
			this.trio.meta(node).createDentry(CreateDentryRequest.newBuilder()
				.setPartition(mount)
				.setDentry(Dentry.newBuilder().setParent(1).setName(prefix + i).setInodeId(inode.getInodeId()).setType(InodeType.FILE))
				.build());
			inodes.add(inode.getInodeId());
		}
		return inodes;
	}

	@Test
	void callsWithoutAGenuineCapabilityAreRefusedAndChangeNothing() {
		this.trio.startAll();
		int leader = this.trio.awaitLeader(0, 1, 2);
		PartitionRef none = MetaServerTrio.ref(FsCapability.getDefaultInstance());
		CreatePartitionRequest create = CreatePartitionRequest.newBuilder()
			.setPartition(none)
			.setFsId(FS)
			.setStartInode(1)
			.setEndInode(1_000)
			.setRoot(Inode.newBuilder().setInodeId(1).setMode(0755))
			.build();
		assertRefused(() -> this.trio.meta(leader).createPartition(create), Status.Code.UNAUTHENTICATED);
		// a mount's capability does not create partitions
		PartitionRef mount = MetaServerTrio.ref(this.capabilities.issue(FS, 1, FsCapabilities.READ | FsCapabilities.WRITE, MetaServerTrio.far()));
		assertRefused(() -> this.trio.meta(leader).createPartition(create.toBuilder().setPartition(mount).build()),
				Status.Code.PERMISSION_DENIED);
		assertRefused(() -> this.trio.meta(leader).getPartitionStats(PartitionRequest.newBuilder().setPartition(mount).build()),
				Status.Code.NOT_FOUND);

		this.trio.meta(leader).createPartition(create.toBuilder()
			.setPartition(MetaServerTrio.ref(this.capabilities.issue(FS, 0, FsCapabilities.ADMIN, MetaServerTrio.far())))
			.build());
		CreateInodeRequest inode = CreateInodeRequest.newBuilder().setType(InodeType.FILE).setParent(1).build();
		assertRefused(() -> this.trio.meta(leader).createInode(inode.toBuilder().setPartition(none).build()), Status.Code.UNAUTHENTICATED);
		PartitionRef forged = MetaServerTrio.ref(this.capabilities.issue(FS, 1, FsCapabilities.READ, MetaServerTrio.far()).toBuilder()
			.setRights(FsCapabilities.READ | FsCapabilities.WRITE)
			.build());
		assertRefused(() -> this.trio.meta(leader).createInode(inode.toBuilder().setPartition(forged).build()), Status.Code.UNAUTHENTICATED);
		PartitionRef otherFs = MetaServerTrio.ref(this.capabilities.issue(FS + 1, 1, FsCapabilities.READ | FsCapabilities.WRITE, MetaServerTrio.far()));
		assertRefused(() -> this.trio.meta(leader).createInode(inode.toBuilder().setPartition(otherFs).build()),
				Status.Code.PERMISSION_DENIED);
		PartitionRef expired = MetaServerTrio.ref(this.capabilities.issue(FS, 1, FsCapabilities.READ | FsCapabilities.WRITE, 1));
		assertRefused(() -> this.trio.meta(leader).createInode(inode.toBuilder().setPartition(expired).build()),
				Status.Code.PERMISSION_DENIED);
		// listing every inode (what fs check reads) needs a genuine capability too
		assertRefused(() -> this.trio.meta(leader).listInodes(ListInodesRequest.newBuilder().setPartition(none).build()),
				Status.Code.UNAUTHENTICATED);
		assertRefused(() -> this.trio.meta(leader).listInodes(ListInodesRequest.newBuilder().setPartition(otherFs).build()),
				Status.Code.PERMISSION_DENIED);
		assertThat(this.trio.meta(leader).listInodes(ListInodesRequest.newBuilder().setPartition(mount).build()).getInodesList())
			.extracting(Inode::getInodeId)
			.containsExactly(1L);
		assertThat(this.trio.meta(leader).getPartitionStats(PartitionRequest.newBuilder().setPartition(mount).build()).getInodeCount())
			.as("only the root").isEqualTo(1);
	}

	@Test
	void heldNamesAnswerLookupsWithTheOldStateAndChangesWithTxPending() {
		this.trio.startAll();
		int leader = createPartition();
		PartitionRef mount = MetaServerTrio.ref(this.capabilities.issue(FS, 1, FsCapabilities.READ | FsCapabilities.WRITE, MetaServerTrio.far()));
		long file = this.trio.meta(leader).createInode(CreateInodeRequest.newBuilder()
			.setPartition(mount)
			.setType(InodeType.FILE)
			.setParent(1)
			.build()).getInode().getInodeId();
		this.trio.meta(leader).createDentry(CreateDentryRequest.newBuilder()
			.setPartition(mount)
			.setDentry(Dentry.newBuilder().setParent(1).setName("a").setInodeId(file).setType(InodeType.FILE))
			.build());
		// "a" leaves for another partition (tx 21); "new" arrives from one (tx 22)
		this.trio.meta(leader).prepareRename(PrepareRenameRequest.newBuilder()
			.setPartition(mount).setTxId(21)
			.setSrcParent(1).setSrcName("a").setDstParent(500_000).setDstName("b")
			.setMode(RenameMode.RENAME_REPLACE).setPrepareSource(true)
			.setSrcInode(file).setSrcType(InodeType.FILE)
			.build());
		this.trio.meta(leader).prepareRename(PrepareRenameRequest.newBuilder()
			.setPartition(mount).setTxId(22)
			.setSrcParent(600_000).setSrcName("x").setDstParent(1).setDstName("new")
			.setMode(RenameMode.RENAME_REPLACE).setPrepareTarget(true)
			.setSrcInode(77).setSrcType(InodeType.FILE)
			.build());

		GetDentryRequest a = GetDentryRequest.newBuilder().setPartition(mount).setParent(1).setName("a").build();
		assertThat(this.trio.meta(leader).getDentry(a).getDentry()).satisfies(d -> {
			assertThat(d.getInodeId()).isEqualTo(file);
			assertThat(d.getPendingTx()).isEqualTo(21);
		});
		ListDentryResponse listed = this.trio.meta(leader).listDentry(ListDentryRequest.newBuilder().setPartition(mount)
			.setParent(1).build());
		assertThat(listed.getDentriesList()).singleElement().satisfies(d -> {
			assertThat(d.getName()).isEqualTo("a");
			assertThat(d.getPendingTx()).isEqualTo(21);
		});
		assertThat(listed.hasDirectory()).as("the directory's inode only when asked").isFalse();
		// asked, the listing also gives the directory's own inode (it lives in the partition of its entries)
		assertThat(this.trio.meta(leader).listDentry(ListDentryRequest.newBuilder().setPartition(mount).setParent(1)
			.setWithDirectory(true).build()).getDirectory()).satisfies(root -> {
				assertThat(root.getInodeId()).isEqualTo(1);
				assertThat(root.getType()).isEqualTo(InodeType.DIRECTORY);
			});
		assertThat(this.trio.meta(leader).listDentry(ListDentryRequest.newBuilder().setPartition(mount).setParent(600_000)
			.setWithDirectory(true).build()).hasDirectory()).as("no such directory").isFalse();
		assertTxPending(() -> this.trio.meta(leader).getDentry(a.toBuilder().setName("new").build()), 22);
		assertTxPending(() -> this.trio.meta(leader).deleteDentry(DeleteDentryRequest.newBuilder()
			.setPartition(mount).setParent(1).setName("a").build()), 21);
		// a raw call without a capability cannot resolve it
		assertRefused(() -> this.trio.meta(leader).resolveTx(ResolveTxRequest.newBuilder()
			.setPartition(MetaServerTrio.ref(FsCapability.getDefaultInstance())).setTxId(21).setCommit(true).build()),
				Status.Code.UNAUTHENTICATED);
		assertThat(this.trio.meta(leader).getDentry(a).getDentry().getPendingTx()).isEqualTo(21);

		this.trio.meta(leader).resolveTx(ResolveTxRequest.newBuilder().setPartition(mount).setTxId(21).setCommit(true).build());
		this.trio.meta(leader).resolveTx(ResolveTxRequest.newBuilder().setPartition(mount).setTxId(22).setCommit(true).build());
		assertRefused(() -> this.trio.meta(leader).getDentry(a), Status.Code.NOT_FOUND);
		assertThat(this.trio.meta(leader).getDentry(a.toBuilder().setName("new").build()).getDentry()).satisfies(d -> {
			assertThat(d.getInodeId()).isEqualTo(77);
			assertThat(d.getPendingTx()).isZero();
		});
	}

	/**
	 * Creates the test's partition on the leader and returns the node that accepted it: a
	 * leader found before its first write may lose an election on a loaded machine.
	 */
	private int createPartition() {
		return this.trio.createPartition(0, 0);
	}

	private static void assertTxPending(Runnable call, long tx) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
			assertThat(GrpcErrors.fromStatus(e).code()).isEqualTo(ErrorCode.TX_PENDING);
			assertThat(e.getTrailers().get(GrpcErrors.TX_KEY)).isEqualTo(Long.toString(tx));
		});
	}

	@Test
	void theLeaderDeletesInodesWithoutLinksPastTheTrashPeriodWithTheirObjects() {
		String bucket = "fs-data";
		String prefix = "curvefs/";
		String[] settings = { "--curve.metaserver.trash-period=1500ms",
				"--curve.metaserver.object-store.endpoint=" + S3_PROXY.getUri(),
				"--curve.metaserver.object-store.bucket=" + bucket, "--curve.metaserver.object-store.access-key=access",
				"--curve.metaserver.object-store.secret-key=secret", "--curve.metaserver.object-store.key-prefix=" + prefix };
		for (int i = 0; i < 3; i++) {
			this.trio.start(i, settings);
		}
		int leader = createPartition();
		PartitionRef mount = MetaServerTrio.ref(this.capabilities.issue(FS, 1, FsCapabilities.READ | FsCapabilities.WRITE, MetaServerTrio.far()));
		CreateInodeRequest file = CreateInodeRequest.newBuilder().setPartition(mount).setType(InodeType.FILE).setParent(1).build();
		long gone = this.trio.meta(leader).createInode(file).getInode().getInodeId();
		long kept = this.trio.meta(leader).createInode(file).getInode().getInodeId();
		try (S3Client s3 = this.trio.bean(leader, MetaServerProperties.class).getObjectStore().newClient("test")) {
			assertTrashEmptied(leader, mount, gone, kept, new SnapshotStore(s3, bucket), prefix);
		}
	}

	private void assertTrashEmptied(int leader, PartitionRef mount, long gone, long kept, SnapshotStore objects,
			String prefix) {
		objects.ensureBucket();
		// two blocks of the unlinked inode; the kept one's object shares the fs and a numeric prefix of the id
		List<String> goneKeys = List.of(prefix + FS + "_" + gone + "_7_0_0", prefix + FS + "_" + gone + "_7_1_0");
		String keptKey = prefix + FS + "_" + kept + "_8_0_0";
		String keptLookalike = prefix + FS + "_" + gone + "0_9_0_0";
		for (String key : List.of(goneKeys.get(0), goneKeys.get(1), keptKey, keptLookalike)) {
			objects.put(key, new byte[] { 1, 2, 3 });
		}

		this.trio.meta(leader).linkInode(LinkInodeRequest.newBuilder().setPartition(mount).setInodeId(gone).setDelta(-1).build());
		// still there within the trash period: an open file stays readable
		assertThat(this.trio.meta(leader).getInode(GetInodeRequest.newBuilder().setPartition(mount).setInodeId(gone).build())
			.getInode()
			.getNlink()).isZero();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertRefused(
				() -> this.trio.meta(leader).getInode(GetInodeRequest.newBuilder().setPartition(mount).setInodeId(gone).build()),
				Status.Code.NOT_FOUND));
		assertThat(objects.keys(prefix)).containsExactlyInAnyOrder(keptKey, keptLookalike);
		for (int i = 0; i < 3; i++) {
			int node = i;
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.trio.copyset(node)
				.store()
				.inode(PARTITION, gone)).as("replica %d", node).isEmpty());
			assertThat(this.trio.copyset(node).store().inode(PARTITION, kept)).isPresent();
		}
	}

	private void assertWhole(int node, PartitionRef mount, List<Long> inodes) {
		ListDentryResponse list = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
			.until(() -> this.trio.meta(node).listDentry(ListDentryRequest.newBuilder().setPartition(mount).setParent(1).build()), r -> true);
		assertThat(list.getDentriesList()).hasSize(inodes.size());
		assertThat(list.getDentriesList()).extracting(Dentry::getInodeId).containsExactlyInAnyOrderElementsOf(inodes);
		for (long id : inodes) {
			assertThat(this.trio.meta(node).getInode(GetInodeRequest.newBuilder().setPartition(mount).setInodeId(id).build())
				.getInode()
				.getNlink()).isEqualTo(1);
		}
	}

	private static void assertRefused(Runnable call, Status.Code code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
				e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
	}

}
