package io.curve4j.metaserver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.mds.MdsApplication;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.fs.FileSystems;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.proto.fs.v1.FsCapability;
import io.curve4j.proto.fs.v1.MountRequest;
import io.curve4j.proto.fs.v1.MountResponse;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.metaserver.v1.BatchOp;
import io.curve4j.proto.metaserver.v1.BatchRequest;
import io.curve4j.proto.metaserver.v1.BatchResponse;
import io.curve4j.proto.metaserver.v1.CreateDentryRequest;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.GetDentryRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc.MetaServiceBlockingStub;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.PartitionRequest;
import io.curve4j.proto.metaserver.v1.ReserveInodesRequest;
import io.curve4j.proto.metaserver.v1.ReserveInodesResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three metaservers and a real MDS in one JVM: the metaservers register with the join
 * token and heartbeat, the MDS places its fs-metadata pool's copysets on them, creates a
 * file system's partitions there, and the capability of a mount it hands out is what the
 * metaservers accept; a call without one is refused.
 */
class MetaServersWithMdsIT {

	static final String DATA_KEY = "metaservers-with-mds-data-key-0123";

	static final String JOIN_TOKEN = "metaservers-with-mds-join-token-0123";

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

	static final String POOL = SERVERS + """
			logicalPools:
			  - name: meta
			    physicalPool: pool-1
			    replicas: 3
			    copysets: 3
			    zones: 3
			    kind: fs-metadata
			""";

	@TempDir
	Path dir;

	private ConfigurableApplicationContext mds;

	private final List<ConfigurableApplicationContext> metaservers = new ArrayList<>();

	private final List<ManagedChannel> channels = new ArrayList<>();

	@AfterEach
	void stopAll() {
		this.channels.forEach(ManagedChannel::shutdownNow);
		this.metaservers.forEach(ConfigurableApplicationContext::close);
		if (this.mds != null) {
			this.mds.close();
		}
	}

	@Test
	void theMdsPlacesCopysetsAndPartitionsOnRegisteredMetaservers() {
		int mdsGrpc = startMds();
		this.mds.getBean(TopologyService.class).apply(SERVERS);
		int[] raftPorts = IntStream.range(0, 3).map(i -> LoopbackPorts.free()).toArray();
		for (int i = 0; i < 3; i++) {
			ConfigurableApplicationContext node = MetaServerApplication.builder()
				.run("--server.port=0", "--spring.grpc.server.port=0", "--spring.main.banner-mode=off",
						"--curve.metaserver.data-dir=" + this.dir.resolve("meta" + i),
						"--curve.metaserver.raft-port=" + raftPorts[i], "--curve.metaserver.server-name=server-" + (i + 1),
						"--curve.metaserver.mds-addresses=127.0.0.1:" + mdsGrpc,
						"--curve.metaserver.heartbeat-interval=300ms", "--curve.metaserver.election-timeout=600ms",
						"--curve.metaserver.join-token.value=" + JOIN_TOKEN,
						"--curve.metaserver.data-key.value=" + DATA_KEY);
			this.metaservers.add(node);
			this.channels.add(ManagedChannelBuilder
				.forAddress("127.0.0.1", node.getBean(GrpcServerLifecycle.class).getPort())
				.usePlaintext()
				.build());
		}
		// the pool is placed once every zone has a registered server
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.untilAsserted(() -> this.mds.getBean(TopologyService.class).apply(POOL));
		for (ConfigurableApplicationContext node : this.metaservers) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> node.getBean(MetaCopysets.class).copysets().size() == 3);
		}

		FileSystems fileSystems = this.mds.getBean(FileSystems.class);
		fileSystems.create("fs1", Caller.ROOT);
		await().atMost(Duration.ofSeconds(30)).until(() -> fileSystems.get("fs1", Caller.ROOT).ready());
		MountResponse mount = fileSystems.mount(
				MountRequest.newBuilder().setFsName("fs1").setHost("host-1").setMountPoint("/mnt/fs1").build(), Caller.ROOT);
		assertThat(mount.getPartitionsList()).hasSize(3);
		PartitionInfo first = mount.getPartitionsList()
			.stream()
			.filter(p -> p.getStartInode() <= 1 && 1 < p.getEndInode())
			.findFirst()
			.orElseThrow();
		PartitionRef ref = PartitionRef.newBuilder()
			.setCopyset(first.getCopyset().getKey())
			.setPartitionId(first.getPartitionId())
			.setCapability(mount.getCapability())
			.build();

		// the partition holding the root answers through the copyset's leader, with the mount's capability
		Inode root = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.until(() -> meta(leaderOf(ref)).getInode(GetInodeRequest.newBuilder().setPartition(ref).setInodeId(1).build())
				.getInode(), inode -> true);
		assertThat(root.getType()).isEqualTo(InodeType.DIRECTORY);
		int leader = leaderOf(ref);
		Inode file = meta(leader).createInode(CreateInodeRequest.newBuilder()
			.setPartition(ref)
			.setType(InodeType.FILE)
			.setMode(0644)
			.setParent(1)
			.build()).getInode();
		assertThat(file.getInodeId()).isBetween(first.getStartInode(), first.getEndInode() - 1);
		meta(leader).createDentry(CreateDentryRequest.newBuilder()
			.setPartition(ref)
			.setDentry(Dentry.newBuilder().setParent(1).setName("hello").setInodeId(file.getInodeId()).setType(InodeType.FILE))
			.build());
		GetDentryRequest hello = GetDentryRequest.newBuilder().setPartition(ref).setParent(1).setName("hello").build();
		assertThat(meta(leader).getDentry(hello).getDentry().getInodeId()).isEqualTo(file.getInodeId());

		// without the mount's capability: refused, nothing created
		assertThatThrownBy(() -> meta(leader).createDentry(CreateDentryRequest.newBuilder()
			.setPartition(ref.toBuilder().setCapability(FsCapability.getDefaultInstance()))
			.setDentry(Dentry.newBuilder().setParent(1).setName("intruder").setInodeId(file.getInodeId()).setType(InodeType.FILE))
			.build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		assertThatThrownBy(() -> meta(leader).getDentry(hello.toBuilder().setName("intruder").build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

		// a write-back client's calls: refused without the capability, changing nothing; with it, a reserved id names a file
		PartitionRef noCapability = ref.toBuilder().setCapability(FsCapability.getDefaultInstance()).build();
		PartitionRequest stats = PartitionRequest.newBuilder().setPartition(ref).build();
		long next = meta(leader).getPartitionStats(stats).getNextInode();
		BatchOp create = BatchOp.newBuilder().setCreateInode(CreateInodeRequest.newBuilder().setType(InodeType.FILE)
			.setMode(0644).setParent(1).setName("batched").setInodeId(next)).build();
		assertThatThrownBy(() -> meta(leader).reserveInodes(ReserveInodesRequest.newBuilder().setPartition(noCapability)
			.setCount(10).build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		assertThatThrownBy(() -> meta(leader).applyBatch(BatchRequest.newBuilder().setPartition(noCapability)
			.addOps(create).build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		assertThat(meta(leader).getPartitionStats(stats).getNextInode()).isEqualTo(next);
		ReserveInodesResponse ids = meta(leader).reserveInodes(ReserveInodesRequest.newBuilder().setPartition(ref)
			.setCount(10).build());
		assertThat(ids.getFirstInode()).isEqualTo(next);
		assertThat(meta(leader).getPartitionStats(stats).getNextInode()).isEqualTo(next + 10);
		BatchResponse done = meta(leader).applyBatch(BatchRequest.newBuilder().setPartition(ref).addOps(create).build());
		assertThat(done.getResults(0).getErrorCode()).isEmpty();
		assertThat(meta(leader).getDentry(hello.toBuilder().setName("batched").build()).getDentry().getInodeId())
			.isEqualTo(next);
	}

	private int startMds() {
		AtomicInteger grpcPort = new AtomicInteger();
		SpringApplication app = MdsApplication.application();
		app.addListeners((ApplicationListener<GrpcServerStartedEvent>) e -> grpcPort.set(e.getPort()));
		this.mds = app.run("--server.port=0", "--server.address=127.0.0.1", "--spring.grpc.server.port=0",
				"--spring.grpc.server.host=127.0.0.1", "--spring.main.banner-mode=off",
				"--curve.mds.data-dir=" + this.dir.resolve("mds"),
				"--curve.mds.raft-address=127.0.0.1:" + LoopbackPorts.free(),
				"--curve.mds.chunkserver-offline-timeout=5s", "--curve.mds.auth.root-password=root-password",
				"--curve.mds.auth.data-key.value=" + DATA_KEY, "--curve.mds.auth.join-token.value=" + JOIN_TOKEN,
				"--curve.mds.fs.interval=200ms", "--curve.mds.fs.object-store.endpoint=http://127.0.0.1:9999",
				"--curve.mds.fs.object-store.bucket=fsdata", "--curve.mds.fs.object-store.access-key=ak",
				"--curve.mds.fs.object-store.secret-key=sk");
		return grpcPort.get();
	}

	/** The metaserver leading the partition's copyset. */
	private int leaderOf(PartitionRef ref) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> {
			for (int i = 0; i < this.metaservers.size(); i++) {
				MetaCopysets copysets = this.metaservers.get(i).getBean(MetaCopysets.class);
				if (copysets.get(ref.getCopyset()).isLeader()) {
					return i;
				}
			}
			return -1;
		}, i -> i >= 0);
	}

	private MetaServiceBlockingStub meta(int i) {
		return MetaServiceGrpc.newBlockingStub(this.channels.get(i)).withDeadlineAfter(20, TimeUnit.SECONDS);
	}

}
