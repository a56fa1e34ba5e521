package io.curve4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import io.curve4j.cli.CurveCli;
import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.raft.RaftVoteProbe;
import io.curve4j.common.size.Sizes;
import io.curve4j.fault.ChunkSpace;
import io.curve4j.fault.Verifier;
import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.local.ServiceSpec;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.cli.v1.CliServiceGrpc;
import io.curve4j.proto.cli.v1.RemovePeerRequest;
import io.curve4j.proto.cli.v1.TransferLeaderRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunksRequest;
import io.curve4j.proto.chunk.v1.ReadPagesRequest;
import io.curve4j.proto.chunk.v1.RepairPagesRequest;
import io.curve4j.proto.chunk.v1.ReplicaServiceGrpc;
import io.curve4j.proto.chunk.v1.WriteChunkRequest;
import io.curve4j.proto.chunk.v1.WriteChunksRequest;
import io.curve4j.proto.chunk.v1.WriteChunksResponse;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.ChunkServerLocation;
import io.curve4j.proto.mds.v1.ChunkLocation;
import io.curve4j.proto.mds.v1.GetCopysetMembersRequest;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentRequest;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.RefreshSessionRequest;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.SnapshotChunk;
import io.curve4j.sdk.block.VolumeSnapshot;
import io.curve4j.sdk.block.Volume;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.sdk.metacache.MetaCache;
import io.curve4j.sdk.metacache.RequestSigner;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The whole system as processes on loopback: one MDS and three chunkservers started by
 * the same launcher as {@code bin/curve local}, driven through the SDK and the CLI. Every
 * acknowledged write is remembered page by page and read back after a full restart and
 * after a chunkserver is killed under load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class LocalClusterIT {

	private static final int PAGE = Sizes.PAGE_SIZE;

	/** Three segments: the third is never written, so it reads as zeros unallocated. */
	private static final long VOLUME_SIZE = 3 * Sizes.DEFAULT_SEGMENT_SIZE;

	private static final long WRITABLE = 2 * Sizes.DEFAULT_SEGMENT_SIZE;

	/** Under target/ rather than a temp dir, so the services' logs survive a failure. */
	static final Path home = Path.of("target", "local-cluster-it").toAbsolutePath();

	static LocalCluster cluster;

	static LocalLayout layout;

	static CurveClient client;

	/** Every acknowledged write, block by block. */
	static final Verifier verifier = new Verifier();

	static final Random random = new Random(42);

	@BeforeAll
	static void startCluster() throws IOException {
		FileUtils.deleteDirectory(home.toFile());
		// the CLI run in this JVM finds root's secret here
		System.setProperty("curve.home", home.toString());
		cluster = new LocalCluster(home, Path.of("..").toAbsolutePath().normalize());
		layout = cluster.up(LocalLayout.randomPorts(1, 3).withoutMetaServers(), System.out);
		client = newClient();
	}

	@AfterAll
	static void stopCluster() {
		if (client != null) {
			client.close();
		}
		if (cluster != null) {
			cluster.down(System.out);
			// the logs stay for a failed run; the chunks (GiBs) would fill the disk of the suites after it
			cluster.deleteData(System.out);
			assertThat(home.resolve("chunkserver-1").resolve("data")).doesNotExist();
		}
	}

	static CurveClient newClient() {
		return CurveClient.builder()
			.mdsAddresses(layout.mds().stream().map(ServiceSpec::grpc).toList())
			.credentials("root", cluster.rootSecret())
			.ioTimeout(Duration.ofSeconds(60))
			.build();
	}

	@Test
	@Order(1)
	void randomWritesAcrossChunkAndSegmentBoundariesReadBack() {
		client.createDirectory("/it");
		client.createVolume("/it/vol", VOLUME_SIZE);
		try (Volume volume = client.open("/it/vol")) {
			assertThat(volume.size()).isEqualTo(VOLUME_SIZE);
			// straddle a chunk boundary and the first segment boundary on purpose
			write(volume, Sizes.DEFAULT_CHUNK_SIZE - 64 * 1024, 128 * 1024);
			write(volume, Sizes.DEFAULT_SEGMENT_SIZE - 256 * 1024, 512 * 1024);
			long total = 640 * 1024;
			while (total < 64 * Sizes.MIB) {
				int length = (1 + random.nextInt(256)) * PAGE;
				write(volume, randomPageOffset(length), length);
				total += length;
			}
			verifyAll(volume);
			// never-written pages inside allocated chunks, and a never-allocated segment
			assertThat(volume.read(Sizes.DEFAULT_CHUNK_SIZE + 3L * Sizes.MIB, 8192)).containsOnly(0);
			assertRangeHoldsWhatWasWritten(volume, Sizes.DEFAULT_SEGMENT_SIZE + 5L * Sizes.DEFAULT_CHUNK_SIZE, 64 * 1024);
			assertThat(volume.read(2 * Sizes.DEFAULT_SEGMENT_SIZE + 7 * Sizes.MIB, 1024 * 1024)).containsOnly(0);
		}
	}

	@Test
	@Order(2)
	void badInputIsRefusedAndChangesNothing() {
		try (Volume volume = client.open("/it/vol")) {
			assertCode(() -> volume.read(VOLUME_SIZE - 512, 1024), ErrorCode.IO_OUT_OF_RANGE);
			assertCode(() -> volume.write(VOLUME_SIZE, new byte[512]), ErrorCode.IO_OUT_OF_RANGE);
			assertCode(() -> volume.read(100, 512), ErrorCode.IO_NOT_ALIGNED);
			assertCode(() -> volume.write(0, new byte[100]), ErrorCode.IO_NOT_ALIGNED);
			assertCode(() -> volume.read(-512, 512), ErrorCode.INVALID_ARGUMENT, ErrorCode.IO_OUT_OF_RANGE);
			verifyAll(volume);
		}
		assertCode(() -> client.createVolume("/it/vol", Sizes.DEFAULT_SEGMENT_SIZE), ErrorCode.VOLUME_EXISTS,
				ErrorCode.FILE_EXISTS);
		assertCode(() -> client.createVolume("/it/half", Sizes.DEFAULT_SEGMENT_SIZE / 2), ErrorCode.SIZE_NOT_SEGMENT_ALIGNED);
		assertCode(() -> client.createVolume("/it/zero", 0), ErrorCode.INVALID_SIZE);
		assertCode(() -> client.createVolume("/missing/vol", Sizes.DEFAULT_SEGMENT_SIZE), ErrorCode.DIRECTORY_NOT_FOUND);
		assertCode(() -> client.stat("/it/nothing"), ErrorCode.VOLUME_NOT_FOUND);
		assertThat(client.list("/it")).extracting(f -> f.path()).containsExactly("/it/vol");
		assertThat(client.stat("/it/vol").length()).isEqualTo(VOLUME_SIZE);

		String[] cli = { "--mds", String.join(",", layout.mds().stream().map(ServiceSpec::http).toList()) };
		assertThat(cli("volume", "create", "/it/vol", "--size", "1GiB", cli[0], cli[1])).isEqualTo(1);
		assertThat(cli("volume", "create", "/it/odd", "--size", "1500MiB", cli[0], cli[1])).isNotZero();
		assertThat(cli("volume", "info", "/it/nothing", cli[0], cli[1])).isEqualTo(1);
		assertThat(cli("status", cli[0], cli[1])).isZero();
		assertThat(client.list("/it")).hasSize(1);
	}

	@Test
	@Order(3)
	void fullRestartKeepsEveryAcknowledgedWrite() {
		client.close();
		cluster.down(System.out);
		cluster.up(layout, System.out);
		client = newClient();
		try (Volume volume = client.open("/it/vol")) {
			verifyAll(volume);
		}
	}

	@Test
	@Order(4)
	void killingAChunkServerDuringWritesLosesNothingAndIoContinues() throws Exception {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicInteger afterKill = new AtomicInteger();
		AtomicReference<Instant> killedAt = new AtomicReference<>();
		Instant stopAt = Instant.now().plusSeconds(14);
		try (Volume volume = client.open("/it/vol")) {
			Thread writer = new Thread(() -> {
				Random r = new Random(7);
				try {
					while (Instant.now().isBefore(stopAt)) {
						int length = (1 + r.nextInt(16)) * PAGE;
						write(volume, (long) r.nextInt((int) ((WRITABLE - length) / PAGE)) * PAGE, length);
						if (killedAt.get() != null) {
							afterKill.incrementAndGet();
						}
					}
				}
				catch (Throwable t) {
					failure.set(t);
				}
			}, "it-writer");
			writer.start();
			Thread.sleep(3000);
			cluster.kill("chunkserver-2");
			killedAt.set(Instant.now());
			writer.join();
			assertThat(failure.get()).as("a write failed after the kill").isNull();
			assertThat(afterKill.get()).as("writes acknowledged after the kill").isGreaterThan(10);
			verifyAll(volume);
		}
		finally {
			// the later cases need the whole cluster, whatever this one found
			cluster.start("chunkserver-2", System.out);
		}
	}

	/**
	 * The chunkservers' data path, attacked with raw gRPC stubs: a call without a
	 * capability, with a forged one, with one for another volume, for another right, or an
	 * expired one is refused with its code, and the volume's bytes are unchanged; a
	 * membership change, a replica's call or a Raft vote without the cluster credential is
	 * refused (on the chunkservers' and the MDS members' Raft ports), and the copyset keeps
	 * its three members.
	 */
	@Test
	@Order(5)
	void theDataPathRefusesCallsWithoutTheRightCapability() throws IOException {
		client.createVolume("/it/other", Sizes.DEFAULT_SEGMENT_SIZE);
		try (Volume other = client.open("/it/other")) {
			other.write(0, new byte[PAGE]);
		}
		ManagedChannel mds = ManagedChannelBuilder.forTarget(layout.mds().get(0).grpc()).usePlaintext().build();
		List<ManagedChannel> opened = new ArrayList<>(List.of(mds));
		try {
			RequestSigner root = new RequestSigner(SigningKey.of("root", cluster.rootSecret()));
			SegmentServiceGrpc.SegmentServiceBlockingStub segments = SegmentServiceGrpc.newBlockingStub(mds)
				.withInterceptors(root);
			ChunkLocation chunk = firstChunk(segments, client.stat("/it/vol").id());
			// a signed-in user who does not own the volume maps none of it and refreshes no session on it
			MdsRestApi.connect(layout.mds().stream().map(ServiceSpec::http).toList(),
					new Credentials("root", cluster.rootSecret()))
				.createUser(new MdsRestApi.NewUser("mallory", "mallory-password"));
			RequestSigner mallory = new RequestSigner(SigningKey.of("mallory", "mallory-password"));
			long victim = client.stat("/it/vol").id();
			assertRefused(() -> SegmentServiceGrpc.newBlockingStub(mds)
				.withInterceptors(mallory)
				.getOrAllocateSegment(GetOrAllocateSegmentRequest.newBuilder().setFileId(victim).setOffset(0).build()),
					Status.Code.PERMISSION_DENIED, ErrorCode.NOT_OWNER);
			assertRefused(() -> NamespaceServiceGrpc.newBlockingStub(mds)
				.withInterceptors(mallory)
				.refreshSession(RefreshSessionRequest.newBuilder().setPath("/it/vol").setSessionId("guessed").build()),
					Status.Code.PERMISSION_DENIED, ErrorCode.NOT_OWNER);
			ChunkLocation otherChunk = firstChunk(segments, client.stat("/it/other").id());
			List<ChunkServiceGrpc.ChunkServiceBlockingStub> replicas = new ArrayList<>();
			List<ChunkServerLocation> peers = segments
				.getCopysetMembers(GetCopysetMembersRequest.newBuilder().addCopysets(chunk.getCopyset()).build())
				.getCopysets(0)
				.getPeersList();
			for (ChunkServerLocation peer : peers) {
				ManagedChannel channel = ManagedChannelBuilder.forTarget(MetaCache.address(peer)).usePlaintext().build();
				opened.add(channel);
				replicas.add(ChunkServiceGrpc.newBlockingStub(channel).withInterceptors(TEN_SECONDS_PER_CALL));
				// membership is the cluster's own business
				CliServiceGrpc.CliServiceBlockingStub membership = CliServiceGrpc.newBlockingStub(channel)
					.withInterceptors(TEN_SECONDS_PER_CALL);
				assertRefused(() -> membership.removePeer(RemovePeerRequest.newBuilder()
					.setCopyset(chunk.getCopyset())
					.setPeer(peers.get(0).getRaftAddress())
					.build()), Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
				assertRefused(() -> membership.transferLeader(TransferLeaderRequest.newBuilder()
					.setCopyset(chunk.getCopyset())
					.setPeer(peer.getRaftAddress())
					.build()), Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
				// so are the calls replicas make to each other on the Raft port
				ManagedChannel raftPort = ManagedChannelBuilder.forTarget(peer.getRaftAddress()).usePlaintext().build();
				opened.add(raftPort);
				ReplicaServiceGrpc.ReplicaServiceBlockingStub replica = ReplicaServiceGrpc.newBlockingStub(raftPort)
					.withInterceptors(TEN_SECONDS_PER_CALL);
				assertRefused(() -> replica.readPages(ReadPagesRequest.newBuilder()
					.setCopyset(chunk.getCopyset())
					.setChunkId(chunk.getChunkId())
					.setLength(PAGE)
					.build()), Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
				assertRefused(() -> replica.repairPages(RepairPagesRequest.newBuilder()
					.setCopyset(chunk.getCopyset())
					.setChunkId(chunk.getChunkId())
					.setLength(PAGE)
					.build()), Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
				// and jraft's own: a stranger's vote for a far later term would depose the leader
				String group = "copyset-" + chunk.getCopyset().getLogicalPoolId() + "-" + chunk.getCopyset().getCopysetId();
				assertRefused(() -> RaftVoteProbe.requestVote(raftPort, group, peer.getRaftAddress(), 1_000_000),
						Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
			}
			for (ServiceSpec member : layout.mds()) {
				ManagedChannel raftPort = ManagedChannelBuilder.forTarget(member.raft()).usePlaintext().build();
				opened.add(raftPort);
				assertRefused(() -> RaftVoteProbe.requestVote(raftPort, "mds", member.raft(), 1_000_000),
						Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
			}
			ReadChunkRequest read = ReadChunkRequest.newBuilder()
				.setCopyset(chunk.getCopyset())
				.setChunkId(chunk.getChunkId())
				.setOffset(0)
				.setLength(PAGE)
				.build();
			ChunkCapability forged = chunk.getCapability()
				.toBuilder()
				.setExpiresMs(chunk.getCapability().getExpiresMs() + Duration.ofDays(1).toMillis())
				.build();
			ChunkCapabilities key = ChunkCapabilities
				.fromSecret(Credentials.read(home.resolve(LocalCluster.DATA_KEY_FILE)));
			ChunkCapability readWrite = key.issue(chunk.getCapability().getFileId(), chunk.getChunkId(), 1,
					ChunkCapabilities.READ | ChunkCapabilities.WRITE, System.currentTimeMillis() + 60_000);
			ChunkCapability expired = key.issue(chunk.getCapability().getFileId(), chunk.getChunkId(), 1,
					ChunkCapabilities.READ, System.currentTimeMillis() - 1000);
			for (ChunkServiceGrpc.ChunkServiceBlockingStub replica : replicas) {
				assertRefused(() -> replica.readChunk(read), Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
				assertRefused(() -> replica.readChunk(read.toBuilder().setCapability(forged).build()),
						Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
				assertRefused(() -> replica.readChunk(read.toBuilder().setCapability(otherChunk.getCapability()).build()),
						Status.Code.PERMISSION_DENIED, ErrorCode.CAPABILITY_DENIED);
				assertRefused(() -> replica.readChunk(read.toBuilder().setCapability(expired).build()),
						Status.Code.PERMISSION_DENIED, ErrorCode.CAPABILITY_EXPIRED);
				assertRefused(() -> replica.writeChunk(WriteChunkRequest.newBuilder()
					.setCopyset(chunk.getCopyset())
					.setChunkId(chunk.getChunkId())
					.setData(ByteString.copyFrom(new byte[PAGE]))
					.build()), Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED);
				assertRefused(() -> replica.deleteChunk(DeleteChunkRequest.newBuilder()
					.setCopyset(chunk.getCopyset())
					.setChunkId(chunk.getChunkId())
					.setCapability(readWrite)
					.build()), Status.Code.PERMISSION_DENIED, ErrorCode.CAPABILITY_DENIED);
				WriteChunksResponse batch = replica.writeChunks(WriteChunksRequest.newBuilder()
					.addWrites(WriteChunkRequest.newBuilder()
						.setCopyset(chunk.getCopyset())
						.setChunkId(chunk.getChunkId())
						.setData(ByteString.copyFrom(new byte[PAGE]))
						.setCapability(otherChunk.getCapability()))
					.build());
				assertThat(batch.getResults(0).getError().getCode()).isEqualTo(ErrorCode.CAPABILITY_DENIED.name());
			}
			assertThat(segments
				.getCopysetMembers(GetCopysetMembersRequest.newBuilder().addCopysets(chunk.getCopyset()).build())
				.getCopysets(0)
				.getPeersList()).hasSize(3);
			// batches are bounded in items and, for reads, in the bytes they answer with
			ReadChunkRequest valid = read.toBuilder().setCapability(chunk.getCapability()).build();
			ReadChunksRequest.Builder tooMany = ReadChunksRequest.newBuilder();
			for (int i = 0; i < 2000; i++) {
				tooMany.addReads(valid);
			}
			ReadChunksRequest.Builder tooLarge = ReadChunksRequest.newBuilder();
			for (int i = 0; i < 3; i++) {
				tooLarge.addReads(valid.toBuilder().setLength(Sizes.DEFAULT_CHUNK_SIZE));
			}
			assertRefused(() -> replicas.get(0).readChunks(tooMany.build()), Status.Code.RESOURCE_EXHAUSTED,
					ErrorCode.BATCH_TOO_LARGE);
			assertRefused(() -> replicas.get(0).readChunks(tooLarge.build()), Status.Code.RESOURCE_EXHAUSTED,
					ErrorCode.BATCH_TOO_LARGE);
			// the capability the MDS issued reads, on whichever replica leads (chunkserver-2 has
			// just come back, so the copyset may still be electing)
			await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream().filter(replica -> {
				try {
					return replica.readChunk(valid).getData().size() == PAGE;
				}
				catch (StatusRuntimeException ex) {
					return false;
				}
			}).count() == 1);
		}
		finally {
			opened.forEach(ManagedChannel::shutdownNow);
		}
		try (Volume volume = client.open("/it/vol")) {
			verifyAll(volume);
			// an attached volume keeps its path: a reopen by path never lands in another volume
			assertCode(() -> client.rename("/it/vol", "/it/moved"), ErrorCode.VOLUME_IN_USE);
		}
		assertThat(client.stat("/it/vol").id()).isPositive();
	}

	/**
	 * The recycle bin through the pinned CLI: a deleted volume comes back with its data; a
	 * user cannot touch root's; a restore over a new volume at the path is refused; after a
	 * purge every chunk file of the volume is gone from every replica, so the chunkservers'
	 * used space is what it was before the volume was written.
	 */
	@Test
	@Order(6)
	void recycleBinRestoresAndPurgeFreesTheChunks() {
		String[] mds = { "--mds", String.join(",", layout.mds().stream().map(ServiceSpec::http).toList()) };
		long before = ChunkSpace.inUse(layout);
		client.createDirectory("/bin");
		client.createVolume("/bin/vol", Sizes.DEFAULT_SEGMENT_SIZE);
		byte[] data = new byte[(int) Sizes.MIB];
		random.nextBytes(data);
		try (Volume volume = client.open("/bin/vol")) {
			for (int chunk = 0; chunk < 3; chunk++) {
				volume.write(chunk * Sizes.DEFAULT_CHUNK_SIZE + 512 * 1024, data);
			}
		}
		// three chunks, three replicas each
		await().atMost(Duration.ofSeconds(30))
			.until(() -> ChunkSpace.inUse(layout) == before + 9 * ChunkSpace.fileLength(Sizes.DEFAULT_CHUNK_SIZE));

		assertThat(cli("volume", "delete", "/bin/vol", mds[0], mds[1])).isZero();
		assertCode(() -> client.stat("/bin/vol"), ErrorCode.VOLUME_NOT_FOUND);
		assertThat(cli("recycle", "list", mds[0], mds[1])).isZero();
		MdsRestApi rest = MdsRestApi.connect(layout.mds().stream().map(ServiceSpec::http).toList(),
				new Credentials("root", cluster.rootSecret()));
		rest.createUser(new MdsRestApi.NewUser("bin-user", "bin-user-password"));
		MdsRestApi user = MdsRestApi.connect(layout.mds().stream().map(ServiceSpec::http).toList(),
				new Credentials("bin-user", "bin-user-password"));
		assertThat(rest.recycleBin(0, 100, "id").content()).extracting(MdsRestApi.Recycled::path).contains("/bin/vol");
		assertThat(user.recycleBin(0, 100, "id").content()).isEmpty();
		assertCode(() -> user.restore(new MdsRestApi.PathBody("/bin/vol")), ErrorCode.NOT_OWNER);
		assertCode(() -> user.purge(new MdsRestApi.PathBody("/bin/vol")), ErrorCode.NOT_OWNER);
		assertThat(user.purge(new MdsRestApi.PathBody(null))).isEmpty();

		assertThat(cli("recycle", "restore", "/bin/vol", mds[0], mds[1])).isZero();
		try (Volume volume = client.open("/bin/vol")) {
			for (int chunk = 0; chunk < 3; chunk++) {
				assertThat(volume.read(chunk * Sizes.DEFAULT_CHUNK_SIZE + 512 * 1024, data.length)).isEqualTo(data);
			}
		}
		assertThat(cli("recycle", "restore", "/bin/vol", mds[0], mds[1])).isEqualTo(1);

		assertThat(cli("volume", "delete", "/bin/vol", mds[0], mds[1])).isZero();
		client.createVolume("/bin/vol", Sizes.DEFAULT_SEGMENT_SIZE);
		assertCode(() -> rest.restore(new MdsRestApi.PathBody("/bin/vol")), ErrorCode.VOLUME_EXISTS);
		assertThat(cli("volume", "delete", "/bin/vol", mds[0], mds[1])).isZero();
		assertThat(cli("recycle", "purge", "/bin/vol", mds[0], mds[1])).isZero();
		assertCode(() -> rest.restore(new MdsRestApi.PathBody("/bin/vol")), ErrorCode.VOLUME_PURGING,
				ErrorCode.NOT_IN_RECYCLE_BIN);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> rest.recycleBin(0, 100, "id").content().isEmpty());
		await().atMost(Duration.ofSeconds(30)).until(() -> ChunkSpace.inUse(layout) == before);
		assertThat(cli("recycle", "list", mds[0], mds[1])).isZero();
		assertThat(cli("recycle", "purge", mds[0], mds[1])).as("nothing left to purge").isZero();
		assertThat(cli("recycle", "purge", "/bin/vol", mds[0], mds[1])).as("NOT_IN_RECYCLE_BIN").isEqualTo(1);
	}

	/**
	 * The SDK's snapshot reads over the chunkservers' copy-on-write. The MDS does not
	 * raise the volume's sequence number here: writes go through the chunk API with sn 1,
	 * then 2, as the volume's would before and after snapshot 1.
	 */
	@Test
	@Order(7)
	void aSnapshotReadsAsItWasWhileTheVolumeMovesOnUntilItsCopiesAreDeleted() {
		client.createDirectory("/snap");
		client.createVolume("/snap/vol", 2 * Sizes.DEFAULT_SEGMENT_SIZE);
		long chunkSize = client.stat("/snap/vol").chunkSize();
		byte[] before = new byte[16 * PAGE];
		random.nextBytes(before);
		byte[] after = new byte[PAGE];
		random.nextBytes(after);
		ManagedChannel mds = ManagedChannelBuilder.forTarget(layout.mds().get(0).grpc()).usePlaintext().build();
		List<ManagedChannel> opened = new ArrayList<>(List.of(mds));
		try {
			SegmentServiceGrpc.SegmentServiceBlockingStub segments = SegmentServiceGrpc.newBlockingStub(mds)
				.withInterceptors(new RequestSigner(SigningKey.of("root", cluster.rootSecret())));
			List<ChunkLocation> chunks = segments
				.getOrAllocateSegment(GetOrAllocateSegmentRequest.newBuilder()
					.setFileId(client.stat("/snap/vol").id())
					.setOffset(0)
					.setAllocate(true)
					.build())
				.getChunksList();
			writeOnLeader(segments, opened, chunks.get(0), 1, before);
			writeOnLeader(segments, opened, chunks.get(1), 1, before);
			writeOnLeader(segments, opened, chunks.get(0), 2, after);
		}
		finally {
			opened.forEach(ManagedChannel::shutdownNow);
		}

		try (VolumeSnapshot snapshot = client.openSnapshot("/snap/vol", 1)) {
			long lastChunk = snapshot.chunkCount() - 1;
			assertThat(snapshot.chunkCount()).isEqualTo(2 * Sizes.DEFAULT_SEGMENT_SIZE / chunkSize);
			SnapshotChunk first = snapshot.readChunk(0);
			assertThat(first.contentSn()).isEqualTo(1);
			assertThat(Arrays.copyOf(first.data(), before.length)).isEqualTo(before);
			assertThat(Arrays.copyOfRange(first.data(), before.length, first.data().length)).containsOnly(0);
			assertThat(snapshot.readChunk(1).data()).startsWith(before);
			assertThat(snapshot.contentSn(1)).isEqualTo(1);
			assertThat(snapshot.contentSn(2)).as("never written").isZero();
			SnapshotChunk unallocated = snapshot.readChunk(lastChunk);
			assertThat(unallocated.contentSn()).isZero();
			assertThat(unallocated.data()).hasSize((int) chunkSize).containsOnly(0);
			assertCode(() -> snapshot.readChunk(lastChunk + 1), ErrorCode.IO_OUT_OF_RANGE);

			snapshot.deleteChunkCopies();
			snapshot.deleteChunkCopies();
			assertCode(() -> snapshot.readChunk(0), ErrorCode.SNAPSHOT_NOT_FOUND);
			assertThat(snapshot.contentSn(1)).as("not written since: still the snapshot's content").isEqualTo(1);
		}
		try (Volume volume = client.open("/snap/vol")) {
			assertThat(volume.read(0, PAGE)).isEqualTo(after);
			assertThat(volume.read(PAGE, PAGE)).isEqualTo(Arrays.copyOfRange(before, PAGE, 2 * PAGE));
		}
		assertCode(() -> client.openSnapshot("/snap/vol", 0), ErrorCode.INVALID_ARGUMENT);
		assertCode(() -> client.openSnapshot("/snap", 1), ErrorCode.NOT_A_VOLUME);
	}

	/** Writes data at the start of the chunk with sequence number sn, through whichever replica leads. */
	private static void writeOnLeader(SegmentServiceGrpc.SegmentServiceBlockingStub segments,
			List<ManagedChannel> opened, ChunkLocation chunk, long sn, byte[] data) {
		List<ChunkServiceGrpc.ChunkServiceBlockingStub> replicas = new ArrayList<>();
		for (ChunkServerLocation peer : segments
			.getCopysetMembers(GetCopysetMembersRequest.newBuilder().addCopysets(chunk.getCopyset()).build())
			.getCopysets(0)
			.getPeersList()) {
			ManagedChannel channel = ManagedChannelBuilder.forTarget(MetaCache.address(peer)).usePlaintext().build();
			opened.add(channel);
			replicas.add(ChunkServiceGrpc.newBlockingStub(channel).withInterceptors(TEN_SECONDS_PER_CALL));
		}
		WriteChunkRequest write = WriteChunkRequest.newBuilder()
			.setCopyset(chunk.getCopyset())
			.setChunkId(chunk.getChunkId())
			.setSn(sn)
			.setData(ByteString.copyFrom(data))
			.setCapability(chunk.getCapability())
			.build();
		// the replicas that do not lead answer NOT_LEADER
		await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream().anyMatch(replica -> {
			try {
				replica.writeChunk(write);
				return true;
			}
			catch (StatusRuntimeException ex) {
				return false;
			}
		}));
	}

	/** A deadline for each call; a stub's own deadline counts from the stub's creation. */
	private static final ClientInterceptor TEN_SECONDS_PER_CALL = new ClientInterceptor() {
		@Override
		public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
			return next.newCall(method, options.withDeadlineAfter(10, TimeUnit.SECONDS));
		}
	};

	private static ChunkLocation firstChunk(SegmentServiceGrpc.SegmentServiceBlockingStub segments, long fileId) {
		return segments
			.getOrAllocateSegment(GetOrAllocateSegmentRequest.newBuilder().setFileId(fileId).setOffset(0).build())
			.getChunks(0);
	}

	private static void assertRefused(Runnable call, Status.Code status, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(status);
			assertThat(GrpcErrors.fromStatus(ex).code()).isEqualTo(code);
		});
	}

	private static void write(Volume volume, long offset, int length) {
		long first = offset / Verifier.BLOCK;
		long[] generations = new long[length / Verifier.BLOCK];
		byte[] data = verifier.prepare(first, generations.length, generations);
		volume.write(offset, data);
		verifier.acknowledged(first, data, generations);
	}

	private static long randomPageOffset(int length) {
		return (long) random.nextInt((int) ((WRITABLE - length) / PAGE)) * PAGE;
	}

	private static void verifyAll(Volume volume) {
		assertThat(verifier.verifyAll(volume)).as("blocks that do not hold their acknowledged write").isEmpty();
	}

	/** Blocks never written read as zeros, the others as their acknowledged write. */
	private static void assertRangeHoldsWhatWasWritten(Volume volume, long offset, int length) {
		assertThat(verifier.check(offset / Verifier.BLOCK, volume.read(offset, length))).isEmpty();
	}

	private static void assertCode(Runnable call, ErrorCode... codes) {
		assertThatThrownBy(call::run).isInstanceOf(CurveException.class)
			.satisfies(e -> assertThat(((CurveException) e).code()).isIn((Object[]) codes));
	}

	private static int cli(String... args) {
		CommandLine cli = CurveCli.commandLine();
		StringWriter err = new StringWriter();
		cli.setErr(new PrintWriter(err));
		PrintStream saved = System.out;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		System.setOut(new PrintStream(out));
		try {
			int code = cli.execute(args);
			saved.println("curve " + String.join(" ", args) + " -> " + code + "\n" + out + err);
			return code;
		}
		finally {
			System.setOut(saved);
		}
	}

}
