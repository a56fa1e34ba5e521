package io.curve4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.local.LocalCluster;
import io.curve4j.local.ServiceSpec;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.fs.v1.FsCapability;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.PartitionRequest;
import io.curve4j.proto.metaserver.v1.PartitionStats;
import io.curve4j.sdk.cluster.MdsRestApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * CurveFS file systems on the processes {@code bin/curve local up} starts: created through
 * the command line, their partitions made on the real metaservers (the root directory
 * there, reachable only with a capability signed by the cluster's data key), still
 * created with a metaserver killed, and the command line's refusals.
 */
@Tag("fs")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FsCatalogIT {

	static SnapshotCluster cluster;

	@BeforeAll
	static void up() throws IOException {
		cluster = SnapshotCluster.up("fs-catalog-it", true);
	}

	@AfterAll
	static void down() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void fileSystemsLiveOnTheMetaserversAlsoWithOneOfThemDown() throws IOException {
		assertThat(SnapshotCluster.cli("fs", "create", "fs1").code()).isZero();
		MdsRestApi.FileSystem fs1 = cluster.rest.fileSystem("fs1");
		assertThat(fs1.status()).isEqualTo("READY");
		assertThat(fs1.partitions()).hasSize(3).extracting(MdsRestApi.FsPartition::copysetId).doesNotHaveDuplicates();
		MdsRestApi.FsPartition first = fs1.partitions().stream().filter(p -> p.startInode() == 1).findFirst().orElseThrow();

		FsCapabilities capabilities = FsCapabilities.fromSecret(
				Files.readString(cluster.home.resolve(LocalCluster.DATA_KEY_FILE), StandardCharsets.UTF_8).trim());
		FsCapability reader = capabilities.issue((int) fs1.id(), 0, FsCapabilities.READ, System.currentTimeMillis() + 60_000);
		PartitionRequest stats = PartitionRequest.newBuilder()
			.setPartition(PartitionRef.newBuilder()
				.setCopyset(CopysetKey.newBuilder().setLogicalPoolId((int) first.logicalPoolId()).setCopysetId((int) first.copysetId()))
				.setPartitionId((int) first.id())
				.setCapability(reader))
			.build();
		ServiceSpec metaserver = cluster.layout.metaServers().get(0);
		ManagedChannel channel = ManagedChannelBuilder.forTarget(metaserver.grpc()).usePlaintext().build();
		try {
			// every replica serves the partition (followers through the read index): the root is there
			PartitionStats found = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
				.until(() -> MetaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).getPartitionStats(stats),
						s -> true);
			assertThat(found.getInodeCount()).isEqualTo(1);
			assertThat(found.getNextInode()).isEqualTo(2);
			// the door is locked: no capability, nothing served
			assertThatThrownBy(() -> MetaServiceGrpc.newBlockingStub(channel).getPartitionStats(stats.toBuilder()
				.setPartition(stats.getPartition().toBuilder().clearCapability())
				.build())).isInstanceOfSatisfying(StatusRuntimeException.class,
						e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		}
		finally {
			channel.shutdownNow();
		}

		cluster.cluster.kill("metaserver-1");
		try {
			assertThat(SnapshotCluster.cli("fs", "create", "fs2").code()).isZero();
			// CREATING until each partition's copyset has elected a leader among the two left
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(cluster.rest.fileSystem("fs2").status()).isEqualTo("READY"));
		}
		finally {
			cluster.cluster.start("metaserver-1", System.out);
		}

		assertThat(SnapshotCluster.cli("fs", "create", "fs1").code()).as("FS_EXISTS").isOne();
		assertThat(SnapshotCluster.cli("fs", "create", "no/slash").code()).as("INVALID_FS_NAME").isOne();
		assertThat(SnapshotCluster.cli("fs", "info", "missing").code()).as("FS_NOT_FOUND").isOne();
		assertThat(SnapshotCluster.cli("fs", "list").out()).contains("fs1", "fs2");
		assertThat(SnapshotCluster.cli("fs", "delete", "fs2").code()).isZero();
		assertThat(SnapshotCluster.cli("fs", "info", "fs2").code()).isOne();
		assertThat(SnapshotCluster.cli("fs", "list").out()).contains("fs1").doesNotContain("fs2");
	}

}
