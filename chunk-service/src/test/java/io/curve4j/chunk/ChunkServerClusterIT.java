package io.curve4j.chunk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import com.google.protobuf.ByteString;

import io.curve4j.chunk.chunkfile.CheckedRead;
import io.curve4j.chunk.chunkfile.ChunkFileHeader;
import io.curve4j.chunk.copyset.ChunkRead;
import io.curve4j.chunk.copyset.CopysetId;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.chunk.repair.IntegrityCounters;
import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc.ChunkServiceBlockingStub;
import io.curve4j.proto.chunk.v1.DeleteChunkRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkSnapshotOrCorrectSnRequest;
import io.curve4j.proto.chunk.v1.GetChunkInfoRequest;
import io.curve4j.proto.chunk.v1.GetChunkInfoResponse;
import io.curve4j.proto.chunk.v1.ReadChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunkSnapshotRequest;
import io.curve4j.proto.chunk.v1.ReadChunkSnapshotResponse;
import io.curve4j.proto.chunk.v1.ReadChunksRequest;
import io.curve4j.proto.chunk.v1.ReadChunksResponse;
import io.curve4j.proto.chunk.v1.RecoverChunkRequest;
import io.curve4j.proto.chunk.v1.WriteChunkRequest;
import io.curve4j.proto.chunk.v1.WriteChunkResponse;
import io.curve4j.proto.chunk.v1.WriteChunksRequest;
import io.curve4j.proto.chunk.v1.WriteChunksResponse;
import io.curve4j.proto.cli.v1.AddPeerRequest;
import io.curve4j.proto.cli.v1.ChangePeersResponse;
import io.curve4j.proto.cli.v1.CliServiceGrpc;
import io.curve4j.proto.cli.v1.CliServiceGrpc.CliServiceBlockingStub;
import io.curve4j.proto.cli.v1.GetLeaderRequest;
import io.curve4j.proto.cli.v1.GetLeaderResponse;
import io.curve4j.proto.cli.v1.GetPeersRequest;
import io.curve4j.proto.cli.v1.RemovePeerRequest;
import io.curve4j.proto.cli.v1.TransferLeaderRequest;
import io.curve4j.objectstore.ObjectKeys;
import io.curve4j.objectstore.SnapshotManifest;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CloneSource;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.WriteId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Chunkservers in one JVM, each its own Spring context with real gRPC and Raft on
 * loopback, without an MDS: the test creates the copyset through the registry, as the
 * heartbeat would. Raft ports are picked once and kept across restarts (they are the
 * replicas' identities); gRPC and HTTP ports are random.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChunkServerClusterIT {

	static final CopysetId COPYSET = new CopysetId(1, 1);

	static final CopysetKey KEY = COPYSET.toProto();

	static final String DATA_KEY = "cluster-it-data-key-0123456789";

	@RegisterExtension
	static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder()
		.withCredentials("access", "secret")
		.withBlobStoreProvider("transient")
		.build();

	@TempDir
	Path dir;

	private final int[] raftPorts = IntStream.range(0, 4).map(i -> LoopbackPorts.free()).toArray();

	private final ConfigurableApplicationContext[] nodes = new ConfigurableApplicationContext[4];

	private final ManagedChannel[] channels = new ManagedChannel[4];

	@AfterEach
	void stopAll() {
		for (int i = 0; i < this.nodes.length; i++) {
			stop(i);
		}
	}

	@Test
	void replicatesRedirectsSurvivesLossAndRestart() throws Exception {
		List<String> peers = List.of(raft(0), raft(1), raft(2));
		for (int i = 0; i < 3; i++) {
			start(i);
			registry(i).create(COPYSET, peers);
		}
		byte[] big = random(8 * (int) Sizes.MIB, 1);
		byte[] small = random(4096, 2);
		int leader = leaderAfterWrite(1, 0, big);
		write(leader, 2, 12 * (int) Sizes.MIB, small);
		assertThat(read(leader, 1, 0, big.length)).isEqualTo(big);
		assertThat(read(leader, 2, 12 * (int) Sizes.MIB, 4096)).isEqualTo(small);
		assertThat(read(leader, 1, 8 * (int) Sizes.MIB, (int) Sizes.MIB)).containsOnly(0);
		assertThat(read(leader, 99, 0, 4096)).containsOnly(0);

		int follower = (leader + 1) % 3;
		assertRedirect(() -> chunk(follower).writeChunk(writeRequest(1, 0, small)), raft(leader));
		assertRedirect(() -> chunk(follower).readChunk(readRequest(1, 0, 512)), raft(leader));
		assertError(() -> chunk(leader).writeChunk(writeRequest(1, 100, small)), Status.Code.INVALID_ARGUMENT,
				"IO_NOT_ALIGNED");
		assertError(() -> chunk(leader).readChunk(readRequest(1, Sizes.DEFAULT_CHUNK_SIZE - 512, 1024)),
				Status.Code.OUT_OF_RANGE, "IO_OUT_OF_RANGE");
		assertError(() -> chunk(leader).readChunk(readRequest(1, 0, 0)), Status.Code.INVALID_ARGUMENT,
				"IO_NOT_ALIGNED");
		assertError(() -> chunk(leader).readChunk(ReadChunkRequest.newBuilder()
			.setCopyset(CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(77))
			.setLength(512)
			.build()), Status.Code.NOT_FOUND, "COPYSET_NOT_FOUND");

		// A batch: each write has its own result; the bad ones fail alone.
		byte[] batched = random(8192, 7);
		WriteChunksResponse batch = chunk(leader).writeChunks(WriteChunksRequest.newBuilder()
			.addWrites(writeRequest(6, 0, Arrays.copyOf(batched, 4096)))
			.addWrites(writeRequest(6, 100, small))
			.addWrites(writeRequest(6, 0, small).toBuilder()
				.setCopyset(CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(77)))
			.addWrites(writeRequest(6, 4096, Arrays.copyOfRange(batched, 4096, 8192)))
			.build());
		assertThat(batch.getResultsList()).extracting(r -> r.getError().getCode())
			.containsExactly("", "IO_NOT_ALIGNED", "COPYSET_NOT_FOUND", "");
		assertThat(batch.getResults(0).getAppliedIndex()).isPositive()
			.isEqualTo(batch.getResults(3).getAppliedIndex());
		assertThat(read(leader, 6, 0, 8192)).isEqualTo(batched);
		ReadChunksResponse reads = chunk(leader).readChunks(ReadChunksRequest.newBuilder()
			.addReads(readRequest(6, 4096, 4096))
			.addReads(readRequest(6, 100, 512))
			.addReads(readRequest(6, 0, 512).toBuilder()
				.setCopyset(CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(77)))
			.addReads(readRequest(6, 0, 4096))
			.build());
		assertThat(reads.getResultsList()).extracting(r -> r.getError().getCode())
			.containsExactly("", "IO_NOT_ALIGNED", "COPYSET_NOT_FOUND", "");
		assertThat(reads.getResults(0).getData().toByteArray()).isEqualTo(Arrays.copyOfRange(batched, 4096, 8192));
		assertThat(reads.getResults(3).getData().toByteArray()).isEqualTo(Arrays.copyOf(batched, 4096));
		WriteChunksResponse redirected = chunk(follower)
			.writeChunks(WriteChunksRequest.newBuilder().addWrites(writeRequest(6, 0, small)).build());
		assertThat(redirected.getResults(0).getError().getCode()).isEqualTo("NOT_LEADER");
		assertThat(redirected.getResults(0).getError().getLeader()).isEqualTo(raft(leader));

		GetChunkInfoResponse info = chunk(leader)
			.getChunkInfo(GetChunkInfoRequest.newBuilder().setCopyset(KEY).setChunkId(2).build());
		assertThat(info.getExists()).isTrue();
		assertThat(info.getSn()).isEqualTo(7);
		assertThat(info.getChunkSize()).isEqualTo(Sizes.DEFAULT_CHUNK_SIZE);
		chunk(leader).deleteChunk(DeleteChunkRequest.newBuilder().setCopyset(KEY).setChunkId(2).build());
		assertThat(chunk(leader).getChunkInfo(GetChunkInfoRequest.newBuilder().setCopyset(KEY).setChunkId(2).build())
			.getExists()).isFalse();
		assertThat(read(leader, 2, 12 * (int) Sizes.MIB, 4096)).containsOnly(0);
		assertThat(cli(follower).getPeers(GetPeersRequest.newBuilder().setCopyset(KEY).build()).getPeersList())
			.containsExactlyInAnyOrderElementsOf(peers);

		// A retry applied, then a later write to the range, then the stale first try: the first try is dropped.
		byte[] retried = random(4096, 5);
		byte[] later = random(4096, 6);
		chunk(leader).writeChunk(fencedRequest(retried, 2));
		write(leader, 5, 0, later);
		chunk(leader).writeChunk(fencedRequest(retried, 1));
		assertThat(read(leader, 5, 0, 4096)).isEqualTo(later);

		// A snapshot on every replica, then more writes: a restart loads the snapshot and replays the rest.
		for (int i = 0; i < 3; i++) {
			registry(i).get(COPYSET).group().snapshot().get(30, TimeUnit.SECONDS);
		}
		byte[] afterSnapshot = random(64 * 1024, 3);
		write(leader, 3, 4096, afterSnapshot);

		stop(leader);
		int[] rest = IntStream.range(0, 3).filter(i -> i != leader).toArray();
		int newLeader = awaitLeader(rest);
		byte[] degraded = random(16 * 1024, 4);
		writeRetrying(newLeader, 4, 0, degraded);
		assertThat(read(newLeader, 4, 0, degraded.length)).isEqualTo(degraded);

		for (int i = 0; i < 3; i++) {
			stop(i);
		}
		for (int i = 0; i < 3; i++) {
			start(i);
			assertThat(registry(i).copysets()).singleElement()
				.satisfies(c -> assertThat(c.id()).isEqualTo(COPYSET));
		}
		int restarted = awaitLeader(0, 1, 2);
		assertThat(readRetrying(restarted, 1, 0, big.length)).isEqualTo(big);
		assertThat(read(restarted, 2, 12 * (int) Sizes.MIB, 4096)).containsOnly(0);
		assertThat(read(restarted, 3, 4096, afterSnapshot.length)).isEqualTo(afterSnapshot);
		assertThat(read(restarted, 4, 0, degraded.length)).isEqualTo(degraded);
		// The fence came back with the snapshot.
		chunk(restarted).writeChunk(fencedRequest(retried, 3));
		assertThat(read(restarted, 5, 0, 4096)).isEqualTo(later);
		assertThat(http(restarted, "/actuator/health")).contains("\"status\":\"UP\"");
		assertThat(http(restarted, "/actuator/prometheus"))
			.contains("curve4j_chunk_bytes_total{application=\"chunkserver\",op=\"read\"")
			.contains("disk_free_bytes{application=\"chunkserver\",path=")
			.contains("grpc_server_seconds_bucket")
			// the Raft host is bound to the service's registry: the restarted replica loaded its snapshot
			.contains("curve4j_raft_log_sync_seconds_bucket{application=\"chunkserver\",le=\"0.001\"}")
			.containsPattern("curve4j_raft_snapshots_total\\{application=\"chunkserver\",op=\"load\"} [1-9]")
			.containsPattern("curve4j_raft_groups_leading\\{application=\"chunkserver\"} [0-9]");

		// A fourth replica joins through the leader (catching up from the snapshot), takes over, and a member leaves.
		for (int i = 0; i < 3; i++) {
			registry(i).get(COPYSET).group().snapshot().get(30, TimeUnit.SECONDS);
		}
		start(3);
		registry(3).create(COPYSET, List.of(raft(0), raft(1), raft(2), raft(3)));
		ChangePeersResponse added = cli(restarted)
			.addPeer(AddPeerRequest.newBuilder().setCopyset(KEY).setPeer(raft(3)).build());
		assertThat(added.getNewPeersList()).contains(raft(3)).hasSize(4);
		assertRedirect(() -> cli((restarted + 1) % 3)
			.transferLeader(TransferLeaderRequest.newBuilder().setCopyset(KEY).setPeer(raft(3)).build()), raft(restarted));
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			cli(leaderIndex()).transferLeader(TransferLeaderRequest.newBuilder().setCopyset(KEY).setPeer(raft(3)).build());
			assertThat(registry(3).get(COPYSET).isLeader()).isTrue();
		});
		assertThat(readRetrying(3, 1, 0, big.length)).isEqualTo(big);
		assertThat(read(3, 4, 0, degraded.length)).isEqualTo(degraded);
		ChangePeersResponse removed = cli(3)
			.removePeer(RemovePeerRequest.newBuilder().setCopyset(KEY).setPeer(raft(0)).build());
		assertThat(removed.getNewPeersList()).containsExactlyInAnyOrder(raft(1), raft(2), raft(3));
		assertThat(registry(3).get(COPYSET).epoch()).isEqualTo(2);
	}

	/**
	 * Copy-on-write for volume snapshots through the chunk API: a write with a higher sn
	 * keeps the pages it overwrites, stale and second-snapshot writes are refused (alone in
	 * a batch), and the chunk at the snapshot reads the same through every replica as
	 * leader, also one that caught up by installing a Raft snapshot, until the copies are
	 * deleted.
	 */
	@Test
	void snapshotCopiesAgreeOnEveryReplica() throws Exception {
		List<String> peers = List.of(raft(0), raft(1), raft(2));
		for (int i = 0; i < 3; i++) {
			start(i);
			registry(i).create(COPYSET, peers);
		}
		int leader = awaitLeader(0, 1, 2);
		byte[] before = random(4 * Sizes.PAGE_SIZE, 31);
		byte[] after = random(Sizes.PAGE_SIZE + 1024, 32);
		chunk(leader).writeChunk(writeRequest(1, 0, before).toBuilder().setSn(1).build());
		chunk(leader).writeChunk(writeRequest(2, 0, before).toBuilder().setSn(1).build());
		chunk(leader).writeChunk(writeRequest(1, Sizes.PAGE_SIZE + 512, after).toBuilder().setSn(2).build());

		assertError(() -> chunk(leader).writeChunk(writeRequest(1, 0, after).toBuilder().setSn(1).build()),
				Status.Code.FAILED_PRECONDITION, "STALE_SEQUENCE");
		assertError(() -> chunk(leader).writeChunk(writeRequest(1, 0, after).toBuilder().setSn(3).build()),
				Status.Code.FAILED_PRECONDITION, "SNAPSHOT_IN_PROGRESS");
		WriteChunksResponse batch = chunk(leader).writeChunks(WriteChunksRequest.newBuilder()
			.addWrites(writeRequest(2, 0, after).toBuilder().setSn(2))
			.addWrites(writeRequest(2, 0, before).toBuilder().setSn(1))
			.build());
		assertThat(batch.getResultsList()).extracting(r -> r.getError().getCode())
			.containsExactly("", "STALE_SEQUENCE");
		assertError(() -> chunk(leader).readChunkSnapshot(snapshotRequest(1, 0, 512).toBuilder().setSn(0).build()),
				Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");

		// a trim after the snapshot keeps chunk 2's content at the snapshot in its copy
		chunk(leader).deleteChunk(DeleteChunkRequest.newBuilder().setCopyset(KEY).setChunkId(2).setSn(2).build());
		assertError(() -> chunk(leader).deleteChunk(DeleteChunkRequest.newBuilder()
			.setCopyset(KEY)
			.setChunkId(1)
			.setSn(1)
			.build()), Status.Code.FAILED_PRECONDITION, "STALE_SEQUENCE");

		byte[] now = concat(Arrays.copyOf(before, Sizes.PAGE_SIZE + 512), after,
				Arrays.copyOfRange(before, 2 * Sizes.PAGE_SIZE + 1536, before.length));
		for (int node = 0; node < 3; node++) {
			int led = lead(node);
			assertThat(read(led, 1, 0, before.length)).isEqualTo(now);
			assertSnapshot(led, 1, before, 1);
			ReadChunkSnapshotResponse trimmed = chunk(led).readChunkSnapshot(snapshotRequest(2, 0, before.length));
			assertThat(trimmed.getData().toByteArray()).isEqualTo(before);
			assertThat(trimmed.getContentSn()).isEqualTo(1);
		}
		ReadChunkSnapshotResponse missing = chunk(leaderIndex()).readChunkSnapshot(snapshotRequest(3, 0, 4096));
		assertThat(missing.getContentSn()).isZero();
		assertThat(missing.getData().toByteArray()).hasSize(4096).containsOnly(0);

		// One replica misses what follows and catches up from a Raft snapshot that holds the copies.
		int behind = (leaderIndex() + 1) % 3;
		stop(behind);
		int[] rest = IntStream.range(0, 3).filter(i -> i != behind).toArray();
		byte[] third = random(Sizes.PAGE_SIZE, 33);
		// jraft truncates its log to the snapshot before the last: two snapshots, each after a write
		for (long chunkId : new long[] { 1, 4 }) {
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
				chunk(leaderIndex()).writeChunk(
						writeRequest(chunkId, 3 * Sizes.PAGE_SIZE, third).toBuilder().setSn(2).build());
				return true;
			});
			for (int i : rest) {
				registry(i).get(COPYSET).group().snapshot().get(30, TimeUnit.SECONDS);
			}
		}
		start(behind);
		int caughtUp = lead(behind);
		try (Stream<Path> installed = Files.list(this.dir.resolve("cs" + behind).resolve("copysets").resolve("1-1")
			.resolve("raft").resolve("snapshot"))) {
			assertThat(installed.map(p -> p.getFileName().toString())).as("a Raft snapshot it did not take itself")
				.anyMatch(name -> name.startsWith("snapshot_"));
		}
		assertThat(this.dir.resolve("cs" + behind).resolve("copysets").resolve("1-1").resolve("chunks")
			.resolve("chunk_1_snap_1")).exists();
		assertThat(read(caughtUp, 1, 3 * Sizes.PAGE_SIZE, Sizes.PAGE_SIZE)).isEqualTo(third);
		assertSnapshot(caughtUp, 1, before, 1);

		// The snapshot is copied out: the copies go, and the next snapshot's writes may begin.
		for (long chunkId : new long[] { 1, 2, 3 }) {
			chunk(caughtUp).deleteChunkSnapshotOrCorrectSn(DeleteChunkSnapshotOrCorrectSnRequest.newBuilder()
				.setCopyset(KEY)
				.setChunkId(chunkId)
				.setCorrectedSn(2)
				.build());
		}
		assertError(() -> chunk(caughtUp).readChunkSnapshot(snapshotRequest(1, 0, 512)), Status.Code.NOT_FOUND,
				"SNAPSHOT_NOT_FOUND");
		chunk(caughtUp).writeChunk(writeRequest(1, 0, third).toBuilder().setSn(3).build());
		byte[] atSnapshotTwo = concat(Arrays.copyOf(now, 3 * Sizes.PAGE_SIZE), third);
		for (int node = 0; node < 3; node++) {
			int led = lead(node);
			assertThat(chunk(led).getChunkInfo(GetChunkInfoRequest.newBuilder()
				.setCopyset(KEY)
				.setChunkId(1)
				.setSnapshotSn(2)
				.build()).getSnapshotContentSn()).isEqualTo(2);
			ReadChunkSnapshotResponse atTwo = chunk(led)
				.readChunkSnapshot(snapshotRequest(1, 0, now.length).toBuilder().setSn(2).build());
			assertThat(atTwo.getData().toByteArray()).isEqualTo(atSnapshotTwo);
			assertThat(atTwo.getContentSn()).isEqualTo(2);
			assertThat(this.dir.resolve("cs" + node).resolve("copysets").resolve("1-1").resolve("chunks"))
				.isDirectoryNotContaining("glob:**/chunk_1_snap_1")
				.isDirectoryNotContaining("glob:**/chunk_2_snap_1");
		}
	}

	/** Makes node the leader, answering once it serves. */
	private int lead(int node) {
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			if (!registry(node).get(COPYSET).isLeader()) {
				cli(leaderIndex())
					.transferLeader(TransferLeaderRequest.newBuilder().setCopyset(KEY).setPeer(raft(node)).build());
			}
			assertThat(registry(node).get(COPYSET).isLeader()).isTrue();
			chunk(node).getChunkInfo(GetChunkInfoRequest.newBuilder().setCopyset(KEY).setChunkId(1).build());
		});
		return node;
	}

	/** The chunk at snapshot 1 through node, by ReadChunkSnapshot and GetChunkInfo. */
	private void assertSnapshot(int node, long chunkId, byte[] expected, long contentSn) {
		ReadChunkSnapshotResponse read = chunk(node).readChunkSnapshot(snapshotRequest(chunkId, 0, expected.length));
		assertThat(read.getData().toByteArray()).isEqualTo(expected);
		assertThat(read.getContentSn()).isEqualTo(contentSn);
		GetChunkInfoResponse info = chunk(node).getChunkInfo(
				GetChunkInfoRequest.newBuilder().setCopyset(KEY).setChunkId(chunkId).setSnapshotSn(1).build());
		assertThat(info.getSnapshotContentSn()).isEqualTo(contentSn);
		assertThat(info.getSn()).isGreaterThan(contentSn);
	}

	private static ReadChunkSnapshotRequest snapshotRequest(long chunkId, int offset, int length) {
		return ReadChunkSnapshotRequest.newBuilder()
			.setCopyset(KEY)
			.setChunkId(chunkId)
			.setSn(1)
			.setOffset(offset)
			.setLength(length)
			.build();
	}

	private static byte[] concat(byte[]... parts) {
		ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
		for (byte[] part : parts) {
			out.put(part);
		}
		return out.array();
	}

	/**
	 * Bytes flipped in the chunk files of each replica with the cluster down: another page
	 * on each, and the header too (one copy on one replica, both on another). A read
	 * through whichever replica leads returns what was written, and the bad pages are
	 * repaired on every replica: the leader's by the read, the followers' by the scrub.
	 */
	@Test
	void aCorruptReplicaIsReadAroundAndRepaired() throws Exception {
		byte[] data = random(16 * Sizes.PAGE_SIZE, 11);
		writeSnapshotAndStop(data);
		for (int i = 0; i < 3; i++) {
			flip(i, ChunkFileHeader.SIZE + (2 + i) * Sizes.PAGE_SIZE + 100 * i + 1);
		}
		flip(1, 10);
		flip(2, 10);
		flip(2, ChunkFileHeader.SECOND_COPY + 10);
		for (int i = 0; i < 3; i++) {
			start(i);
		}
		int leader = awaitLeader(0, 1, 2);
		assertThat(readRetrying(leader, 1, 0, data.length)).isEqualTo(data);
		assertThat(read(leader, 1, (2 + leader) * Sizes.PAGE_SIZE + 512, 512))
			.isEqualTo(Arrays.copyOfRange(data, (2 + leader) * Sizes.PAGE_SIZE + 512, (2 + leader) * Sizes.PAGE_SIZE + 1024));
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(onDisk(leader)).isEqualTo(data));

		stopAll();
		for (int i = 0; i < 3; i++) {
			start(i, "--curve.chunkserver.scrub.interval=300ms");
		}
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			for (int i = 0; i < 3; i++) {
				assertThat(onDisk(i)).as("chunk 1 on replica %d", i).isEqualTo(data);
			}
		});
		assertThat(readRetrying(awaitLeader(0, 1, 2), 1, 0, data.length)).isEqualTo(data);
		// bad pages are not a disagreement between replicas: their checksums still agree
		assertThat(scanMismatches()).isZero();
	}

	/**
	 * A replica whose page passes its own check but holds other bytes than the others'
	 * (as if it had lost a write and checksummed what it kept) is found by the leader's
	 * consistency scan.
	 */
	@Test
	void theConsistencyScanFindsAReplicaThatDiffers() throws Exception {
		writeSnapshotAndStop(random(4 * Sizes.PAGE_SIZE, 21));
		byte[] other = random(Sizes.PAGE_SIZE, 22);
		byte[] bytes = Files.readAllBytes(chunkFile(1, 1));
		System.arraycopy(other, 0, bytes, ChunkFileHeader.SIZE + 2 * Sizes.PAGE_SIZE, other.length);
		CRC32C crc = new CRC32C();
		crc.update(other);
		ByteBuffer.wrap(bytes).putInt(ChunkFileHeader.SIZE + Sizes.DEFAULT_CHUNK_SIZE + 2 * Integer.BYTES, (int) crc.getValue());
		Files.write(chunkFile(1, 1), bytes);
		for (int i = 0; i < 3; i++) {
			start(i, "--curve.chunkserver.scrub.interval=300ms");
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> scanMismatches() > 0);
	}

	/**
	 * Chunks of a lazy clone (capabilities with a clone source, signed with the data key)
	 * over a source snapshot in S3 (S3Proxy in this JVM): unwritten pages read from the
	 * source, partial writes take the source's page first, recover copies the source into
	 * unwritten pages only, delete leaves zeros, and every replica (one of which catches
	 * up by installing a Raft snapshot) holds the same. Forged or absent clone sources are
	 * refused.
	 */
	@Test
	void lazyCloneChunksReadTheirSourceAndAgreeOnEveryReplica() throws Exception {
		int chunkSize = Sizes.DEFAULT_CHUNK_SIZE;
		byte[] source0 = random(chunkSize, 41);
		byte[] source2 = random(chunkSize, 42);
		String bucket = "clones-" + UUID.randomUUID();
		try (S3Client s3 = S3Client.builder()
			.endpointOverride(S3_PROXY.getUri())
			.forcePathStyle(true)
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
			.build()) {
			SnapshotStore objects = new SnapshotStore(s3, bucket);
			objects.ensureBucket();
			objects.put(ObjectKeys.chunk(7, 0, 3), source0);
			objects.put(ObjectKeys.chunk(7, 2, 5), source2);
			// chunk 1 was never written (content sn 0); chunk 3 is past the snapshot's end
			objects.putManifest(new SnapshotManifest("snap-1", 7, "/src", "s1", 6, 3L * chunkSize, chunkSize, 1,
					List.of(3L, 0L, 5L)));
		}
		String[] settings = { "--curve.chunkserver.data-key.value=" + DATA_KEY,
				"--curve.chunkserver.object-store.endpoint=" + S3_PROXY.getUri(),
				"--curve.chunkserver.object-store.bucket=" + bucket, "--curve.chunkserver.object-store.access-key=access",
				"--curve.chunkserver.object-store.secret-key=secret" };
		List<String> peers = List.of(raft(0), raft(1), raft(2));
		for (int i = 0; i < 3; i++) {
			start(i, false, settings);
			registry(i).create(COPYSET, peers);
		}
		awaitLeader(0, 1, 2);
		ChunkCapabilities signer = ChunkCapabilities.fromSecret(DATA_KEY);
		long expires = System.currentTimeMillis() + 3_600_000;
		CloneSource cloneSource = CloneSource.newBuilder().setVolumeId(7).setSnapshotId("snap-1").build();
		ChunkCapability clone = signer.issue(42, 100, 8, 7, expires, cloneSource);
		ChunkCapability plain = signer.issue(42, 100, 8, 7, expires);
		int page = Sizes.PAGE_SIZE;

		// A missing chunk reads its source; zeros for a zero source chunk and past the manifest.
		assertThat(cloneReadOnLeader(clone, 100, page, 2 * page)).isEqualTo(Arrays.copyOfRange(source0, page, 3 * page));
		ReadChunksResponse reads = onLeader((l) -> chunk(l).readChunks(ReadChunksRequest.newBuilder()
			.addReads(readRequest(101, 0, 2 * page).toBuilder().setCapability(clone))
			.addReads(readRequest(103, 0, 2 * page).toBuilder().setCapability(clone))
			.addReads(readRequest(102, 512, 1024).toBuilder().setCapability(clone))
			.build()));
		assertThat(reads.getResults(0).getData().toByteArray()).hasSize(2 * page).containsOnly(0);
		assertThat(reads.getResults(1).getData().toByteArray()).hasSize(2 * page).containsOnly(0);
		assertThat(reads.getResults(2).getData().toByteArray()).isEqualTo(Arrays.copyOfRange(source2, 512, 1536));

		// A partial-page write takes the rest of its page from the source; a whole page needs none.
		byte[] expected = Arrays.copyOf(source0, 4 * (int) Sizes.MIB);
		byte[] partial = random(512, 43);
		byte[] whole = random(page, 44);
		onLeader((l) -> cloneWrite(l, clone, 100, page + 1024, partial, expected));
		onLeader((l) -> cloneWrite(l, clone, 100, 2 * page, whole, expected));
		assertThat(cloneReadOnLeader(clone, 100, 0, 4 * page)).isEqualTo(Arrays.copyOf(expected, 4 * page));

		// Recover: the source into the unwritten pages of the range only; idempotent.
		for (int attempt = 0; attempt < 2; attempt++) {
			onLeader((l) -> chunk(l).recoverChunk(recoverRequest(clone, 100, 0, (int) Sizes.MIB)));
		}
		assertThat(cloneReadOnLeader(plain, 100, 0, (int) Sizes.MIB)).isEqualTo(Arrays.copyOf(expected, (int) Sizes.MIB));
		assertThat(cloneReadOnLeader(plain, 100, (int) Sizes.MIB, page)).containsOnly(0);
		// of a zero source chunk, a missing chunk stays missing
		onLeader((l) -> chunk(l).recoverChunk(recoverRequest(clone, 101, 0, (int) Sizes.MIB)));
		assertThat(onLeader((l) -> chunk(l).getChunkInfo(GetChunkInfoRequest.newBuilder()
			.setCopyset(KEY)
			.setChunkId(101)
			.setCapability(plain)
			.build())).getExists()).isFalse();

		// A delete (trim) leaves the clone's chunk zeros, not its source.
		onLeader((l) -> chunk(l).deleteChunk(DeleteChunkRequest.newBuilder()
			.setCopyset(KEY)
			.setChunkId(102)
			.setSn(7)
			.setCapability(clone)
			.build()));
		assertThat(cloneReadOnLeader(clone, 102, 0, 2 * page)).containsOnly(0);

		// Refusals: no clone source, unaligned, a forged source.
		assertError(() -> onLeader((l) -> chunk(l).recoverChunk(recoverRequest(plain, 100, 0, page))), Status.Code.INVALID_ARGUMENT,
				"INVALID_ARGUMENT");
		assertError(() -> onLeader((l) -> chunk(l).recoverChunk(recoverRequest(clone, 100, 512, page))), Status.Code.INVALID_ARGUMENT,
				"IO_NOT_ALIGNED");
		ChunkCapability forged = clone.toBuilder()
			.setCloneSource(cloneSource.toBuilder().setVolumeId(8))
			.build();
		assertError(() -> onLeader((l) -> chunk(l).readChunk(readRequest(100, 0, page).toBuilder().setCapability(forged).build())),
				Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED");
		assertError(() -> onLeader((l) -> chunk(l).recoverChunk(recoverRequest(forged, 100, 0, page))), Status.Code.UNAUTHENTICATED,
				"UNAUTHENTICATED");

		// A Raft snapshot, a partial write after it (its fill in the log), then a fourth replica
		// joins from the snapshot: every replica holds the same pages and clone bitmap.
		// jraft truncates its log to the snapshot before the last: two snapshots, each after a write
		for (int round = 0; round < 2; round++) {
			int offset = 2 * (int) Sizes.MIB + round * 8 * page + 512;
			onLeader((l) -> cloneWrite(l, clone, 100, offset, partial, expected));
			for (int i = 0; i < 3; i++) {
				registry(i).get(COPYSET).group().snapshot().get(30, TimeUnit.SECONDS);
			}
		}
		onLeader((l) -> cloneWrite(l, clone, 100, 3 * (int) Sizes.MIB + 512, partial, expected));
		start(3, false, settings);
		registry(3).create(COPYSET, List.of(raft(0), raft(1), raft(2), raft(3)));
		// membership calls are the cluster's own (signed with the data key)
		ClientInterceptor signed = ClusterCredential.fromSecret(DATA_KEY).interceptor();
		onLeader((l) -> cli(l).withInterceptors(signed).addPeer(AddPeerRequest.newBuilder().setCopyset(KEY).setPeer(raft(3)).build()));
		ChunkRead range = new ChunkRead(100, 0, expected.length);
		CheckedRead leaders = registry(leaderIndex()).get(COPYSET).readLocal(range);
		assertThat(leaders.unwritten().cardinality()).isEqualTo(expected.length / page - (int) Sizes.MIB / page - 3);
		// the joining replica's clone bitmap came with the Raft snapshot (linked in from it), not from the log
		Path joinedBitmap = chunkFile(3, 100).resolveSibling("chunk_100_clone");
		await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(joinedBitmap));
		assertThat((Integer) Files.getAttribute(joinedBitmap, "unix:nlink")).isGreaterThan(1);
		for (int i = 0; i < 4; i++) {
			int node = i;
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				CheckedRead local = registry(node).get(COPYSET).readLocal(range);
				assertThat(local.unwritten()).isEqualTo(leaders.unwritten());
				assertThat(local.data()).isEqualTo(leaders.data());
			});
		}
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			cli(leaderIndex()).withInterceptors(signed)
				.transferLeader(TransferLeaderRequest.newBuilder().setCopyset(KEY).setPeer(raft(3)).build());
			assertThat(registry(3).get(COPYSET).isLeader()).isTrue();
		});
		assertThat(await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.until(() -> cloneRead(3, clone, 100, 0, expected.length), b -> b != null)).isEqualTo(expected);
	}

	/** Writes through a capability, and into expected. */
	private WriteChunkResponse cloneWrite(int node, ChunkCapability capability, long chunkId, int offset, byte[] data,
			byte[] expected) {
		WriteChunkResponse written = chunk(node)
			.writeChunk(writeRequest(chunkId, offset, data).toBuilder().setCapability(capability).build());
		System.arraycopy(data, 0, expected, offset, data.length);
		return written;
	}

	private byte[] cloneRead(int node, ChunkCapability capability, long chunkId, int offset, int length) {
		return chunk(node).readChunk(readRequest(chunkId, offset, length).toBuilder().setCapability(capability).build())
			.getData()
			.toByteArray();
	}

	private byte[] cloneReadOnLeader(ChunkCapability capability, long chunkId, int offset, int length) {
		return onLeader((l) -> cloneRead(l, capability, chunkId, offset, length));
	}

	private static RecoverChunkRequest recoverRequest(ChunkCapability capability, long chunkId, int offset, int length) {
		return RecoverChunkRequest.newBuilder()
			.setCopyset(KEY)
			.setChunkId(chunkId)
			.setOffset(offset)
			.setLength(length)
			.setSn(7)
			.setCapability(capability)
			.build();
	}

	/**
	 * Three replicas write data at the start of chunk 1, each takes a snapshot once it has
	 * applied the write (so that a restart does not replay the write over damage done to
	 * the files), and all stop.
	 */
	private void writeSnapshotAndStop(byte[] data) throws Exception {
		List<String> peers = List.of(raft(0), raft(1), raft(2));
		for (int i = 0; i < 3; i++) {
			start(i);
			registry(i).create(COPYSET, peers);
		}
		int writer = awaitLeader(0, 1, 2);
		writeRetrying(writer, 1, 0, data);
		long written = registry(writer).get(COPYSET).appliedIndex();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> IntStream.range(0, 3).allMatch(i -> registry(i).get(COPYSET).appliedIndex() >= written));
		for (int i = 0; i < 3; i++) {
			registry(i).get(COPYSET).group().snapshot().get(30, TimeUnit.SECONDS);
		}
		stopAll();
	}

	/** Chunks whose replicas disagreed, as the running chunkservers counted them. */
	private long scanMismatches() {
		return IntStream.range(0, this.nodes.length)
			.filter(i -> this.nodes[i] != null)
			.mapToLong(i -> this.nodes[i].getBean(IntegrityCounters.class).report().getScanMismatches())
			.sum();
	}

	private Path chunkFile(int node, long chunkId) {
		return this.dir.resolve("cs" + node).resolve("copysets").resolve("1-1").resolve("chunks").resolve("chunk_" + chunkId);
	}

	private void flip(int node, int offset) throws IOException {
		Path file = chunkFile(node, 1);
		byte[] bytes = Files.readAllBytes(file);
		bytes[offset] ^= 0x5A;
		Files.write(file, bytes);
	}

	/** The first 16 pages of chunk 1 as they are in the replica's file. */
	private byte[] onDisk(int node) throws IOException {
		byte[] bytes = Files.readAllBytes(chunkFile(node, 1));
		return Arrays.copyOfRange(bytes, ChunkFileHeader.SIZE, ChunkFileHeader.SIZE + 16 * Sizes.PAGE_SIZE);
	}

	private void start(int i, String... extra) {
		start(i, extra.length > 0, extra);
	}

	private void start(int i, boolean scrub, String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.grpc.server.port=0",
				"--spring.main.banner-mode=off", "--curve.chunkserver.data-dir=" + this.dir.resolve("cs" + i),
				"--curve.chunkserver.raft-port=" + this.raftPorts[i], "--curve.chunkserver.heartbeat-enabled=false",
				"--curve.chunkserver.chunk-file-pool-size=1", "--curve.chunkserver.election-timeout=600ms",
				"--curve.chunkserver.scrub.enabled=" + scrub));
		args.addAll(List.of(extra));
		this.nodes[i] = ChunkServerApplication.builder().run(args.toArray(String[]::new));
		int port = this.nodes[i].getBean(GrpcServerLifecycle.class).getPort();
		this.channels[i] = ManagedChannelBuilder.forAddress("127.0.0.1", port)
			.usePlaintext()
			.maxInboundMessageSize(Sizes.DEFAULT_CHUNK_SIZE + (int) Sizes.MIB)
			.build();
	}

	private void stop(int i) {
		if (this.channels[i] != null) {
			this.channels[i].shutdownNow();
			this.channels[i] = null;
		}
		if (this.nodes[i] != null) {
			this.nodes[i].close();
			this.nodes[i] = null;
		}
	}

	private CopysetRegistry registry(int i) {
		return this.nodes[i].getBean(CopysetRegistry.class);
	}

	private String raft(int i) {
		return "127.0.0.1:" + this.raftPorts[i];
	}

	private ChunkServiceBlockingStub chunk(int i) {
		return ChunkServiceGrpc.newBlockingStub(this.channels[i]).withDeadlineAfter(20, TimeUnit.SECONDS);
	}

	private CliServiceBlockingStub cli(int i) {
		return CliServiceGrpc.newBlockingStub(this.channels[i]).withDeadlineAfter(20, TimeUnit.SECONDS);
	}

	/** Waits until the given nodes agree, through GetLeader, on one leader among them. */
	private int awaitLeader(int... among) {
		return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
			List<String> seen = new ArrayList<>();
			for (int i : among) {
				GetLeaderResponse r = cli(i).getLeader(GetLeaderRequest.newBuilder().setCopyset(KEY).build());
				seen.add(r.getLeader());
			}
			String leader = seen.get(0);
			if (leader.isEmpty() || seen.stream().anyMatch(s -> !s.equals(leader))) {
				return -1;
			}
			return Arrays.stream(among).filter(i -> raft(i).equals(leader)).findFirst().orElse(-1);
		}, i -> i >= 0);
	}

	private int leaderIndex() {
		return IntStream.range(0, this.nodes.length)
			.filter(i -> this.nodes[i] != null && registry(i).get(COPYSET).isLeader())
			.findFirst()
			.orElseThrow();
	}

	/**
	 * A call to the copyset's leader of the moment, made again while leadership moves
	 * (UNAVAILABLE: not the leader, or a new leader before its first commit); any other
	 * failure is the call's answer.
	 */
	private <T> T onLeader(IntFunction<T> call) {
		return await().atMost(Duration.ofSeconds(30))
			.ignoreExceptionsMatching((e) -> e instanceof NoSuchElementException
					|| (e instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.UNAVAILABLE))
			.until(() -> Optional.ofNullable(call.apply(leaderIndex())), (answer) -> true)
			.orElse(null);
	}

	private void write(int node, long chunkId, int offset, byte[] data) {
		chunk(node).writeChunk(writeRequest(chunkId, offset, data));
	}

	/**
	 * The leader that took a first write: a new leader answers UNAVAILABLE until it has
	 * committed an entry of its term, and under load the first election may be followed
	 * by another.
	 */
	private int leaderAfterWrite(long chunkId, int offset, byte[] data) {
		return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			int leader = awaitLeader(0, 1, 2);
			write(leader, chunkId, offset, data);
			return leader;
		}, (leader) -> true);
	}

	/** A new leader answers UNAVAILABLE until it has committed an entry of its term. */
	private void writeRetrying(int node, long chunkId, int offset, byte[] data) {
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			write(node, chunkId, offset, data);
			return true;
		});
	}

	private byte[] read(int node, long chunkId, int offset, int length) {
		return chunk(node).readChunk(readRequest(chunkId, offset, length)).getData().toByteArray();
	}

	private byte[] readRetrying(int node, long chunkId, int offset, int length) {
		return await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.until(() -> read(node, chunkId, offset, length), b -> b != null);
	}

	private static WriteChunkRequest writeRequest(long chunkId, int offset, byte[] data) {
		return WriteChunkRequest.newBuilder()
			.setCopyset(KEY)
			.setChunkId(chunkId)
			.setSn(7)
			.setOffset(offset)
			.setData(ByteString.copyFrom(data))
			.build();
	}

	/** An attempt of one client write (request 1 of client 99) to chunk 5. */
	private static WriteChunkRequest fencedRequest(byte[] data, int attempt) {
		return writeRequest(5, 0, data).toBuilder()
			.setWriteId(WriteId.newBuilder().setClient(99).setRequest(1).setAttempt(attempt))
			.build();
	}

	private static ReadChunkRequest readRequest(long chunkId, int offset, int length) {
		return ReadChunkRequest.newBuilder().setCopyset(KEY).setChunkId(chunkId).setOffset(offset).setLength(length).build();
	}

	private static void assertRedirect(Runnable call, String leader) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
			assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(e.getTrailers().get(GrpcErrors.ERROR_KEY)).isEqualTo("NOT_LEADER");
			assertThat(e.getTrailers().get(GrpcErrors.LEADER_KEY)).isEqualTo(leader);
		});
	}

	private static void assertError(Supplier<?> call, Status.Code status, String code) {
		assertThatThrownBy(call::get).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
			assertThat(e.getStatus().getCode()).isEqualTo(status);
			assertThat(e.getTrailers().get(GrpcErrors.ERROR_KEY)).isEqualTo(code);
		});
	}

	private String http(int node, String path) throws Exception {
		String port = this.nodes[node].getEnvironment().getProperty("local.server.port");
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static byte[] random(int n, long seed) {
		byte[] b = new byte[n];
		new Random(seed).nextBytes(b);
		return b;
	}

}
