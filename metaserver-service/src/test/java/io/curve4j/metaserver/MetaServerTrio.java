package io.curve4j.metaserver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.metaserver.copyset.MetaCopyset;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.fs.v1.FsCapability;
import io.curve4j.proto.metaserver.v1.CreatePartitionRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc.MetaServiceBlockingStub;
import io.curve4j.proto.metaserver.v1.PartitionRef;

import static org.awaitility.Awaitility.await;

/**
 * Three metaservers in one JVM, each a whole application with real gRPC and Raft on
 * loopback, hosting one copyset {@link #KEY} with one partition {@link #PARTITION} of file
 * system {@link #FS}.
 */
final class MetaServerTrio implements AutoCloseable {

	static final String DATA_KEY = "metaserver-it-data-key-0123456789";

	static final CopysetKey KEY = CopysetKey.newBuilder().setLogicalPoolId(9).setCopysetId(1).build();

	static final int FS = 3;

	static final int PARTITION = 5;

	final FsCapabilities capabilities = FsCapabilities.fromSecret(DATA_KEY);

	private final Path dir;

	private final int[] raftPorts = IntStream.range(0, 3).map(i -> LoopbackPorts.free()).toArray();

	private final ConfigurableApplicationContext[] nodes = new ConfigurableApplicationContext[3];

	private final ManagedChannel[] channels = new ManagedChannel[3];

	MetaServerTrio(Path dir) {
		this.dir = dir;
	}

	void startAll(String... settings) {
		for (int i = 0; i < 3; i++) {
			start(i, settings);
		}
	}

	void start(int i, String... settings) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.grpc.server.port=0",
				"--spring.main.banner-mode=off", "--curve.metaserver.data-dir=" + this.dir.resolve("meta" + i),
				"--curve.metaserver.raft-port=" + this.raftPorts[i], "--curve.metaserver.heartbeat-enabled=false",
				"--curve.metaserver.election-timeout=600ms", "--curve.metaserver.data-key.value=" + DATA_KEY));
		args.addAll(List.of(settings));
		this.nodes[i] = MetaServerApplication.builder().run(args.toArray(String[]::new));
		List<String> peers = IntStream.range(0, 3).mapToObj(p -> "127.0.0.1:" + this.raftPorts[p]).toList();
		this.nodes[i].getBean(MetaCopysets.class).create(KEY, peers);
		int port = this.nodes[i].getBean(GrpcServerLifecycle.class).getPort();
		this.channels[i] = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
	}

	void stop(int i) {
		if (this.channels[i] != null) {
			this.channels[i].shutdownNow();
			this.channels[i] = null;
		}
		if (this.nodes[i] != null) {
			this.nodes[i].close();
			this.nodes[i] = null;
		}
	}

	@Override
	public void close() {
		for (int i = 0; i < 3; i++) {
			stop(i);
		}
	}

	<T> T bean(int i, Class<T> type) {
		return this.nodes[i].getBean(type);
	}

	MetaCopyset copyset(int i) {
		return bean(i, MetaCopysets.class).get(KEY);
	}

	MetaServiceBlockingStub meta(int i) {
		return MetaServiceGrpc.newBlockingStub(this.channels[i]).withDeadlineAfter(20, TimeUnit.SECONDS);
	}

	int awaitLeader(int... among) {
		return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			for (int i : among) {
				if (this.nodes[i] != null && copyset(i).isLeader()) {
					return i;
				}
			}
			return -1;
		}, i -> i >= 0);
	}

	/** Creates the partition (inodes 1 to 999, root 1) with the given data layout; the leader that took it. */
	int createPartition(long chunkSize, long blockSize) {
		CreatePartitionRequest create = CreatePartitionRequest.newBuilder()
			.setPartition(ref(this.capabilities.issue(FS, 0, FsCapabilities.ADMIN, far())))
			.setFsId(FS)
			.setStartInode(1)
			.setEndInode(1_000)
			.setRoot(Inode.newBuilder().setInodeId(1).setMode(0755))
			.setChunkSize(chunkSize)
			.setBlockSize(blockSize)
			.build();
		return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			int leader = awaitLeader(0, 1, 2);
			meta(leader).createPartition(create);
			return leader;
		}, leader -> true);
	}

	/** The partition as a mount with read and write rights names it. */
	PartitionRef mount() {
		return ref(this.capabilities.issue(FS, 1, FsCapabilities.READ | FsCapabilities.WRITE, far()));
	}

	static PartitionRef ref(FsCapability capability) {
		return PartitionRef.newBuilder().setCopyset(KEY).setPartitionId(PARTITION).setCapability(capability).build();
	}

	static long far() {
		return System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
	}

}
