package io.curve4j.sdk.block;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.grpc.inprocess.InProcessChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.common.v1.WriteId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The SDK against in-process fakes of the MDS and three chunkservers, with small
 * geometry (64 KiB chunks, 256 KiB segments) so that boundaries are cheap to cross.
 */
class VolumeTest {

	private static final int CHUNK = 64 * 1024;

	private static final long SEGMENT = 256 * 1024;

	private static final long SIZE = 4 * SEGMENT;

	private FakeChunkServers chunkServers;

	private FakeMds mds;

	private CurveClient client;

	@BeforeEach
	void start() throws Exception {
		this.chunkServers = new FakeChunkServers(CHUNK);
		this.mds = new FakeMds("mds-1:6700", CHUNK, SEGMENT, this.chunkServers.copysets(2));
		this.mds.volume("/vol", SIZE);
		this.client = client("mds-1:6700").build();
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.mds.close();
		this.chunkServers.close();
	}

	static CurveClient.Builder client(String... mds) {
		return inProcess(CurveClient.builder().mdsAddresses(mds));
	}

	private static CurveClient.Builder inProcess(CurveClient.Builder builder) {
		return builder
			.channelFactory((address) -> InProcessChannelBuilder.forName(address).build())
			.backoff(Duration.ofMillis(5), Duration.ofMillis(50))
			.rpcTimeout(Duration.ofSeconds(2))
			.ioTimeout(Duration.ofSeconds(10));
	}

	@Test
	void dataWrittenAcrossChunkAndSegmentBoundariesReadsBack() {
		byte[] data = random(3 * CHUNK + 4096, 1);
		long offset = SEGMENT - CHUNK - 2048;
		try (Volume volume = this.client.open("/vol")) {
			volume.write(offset, data);
			assertThat(volume.read(offset, data.length)).isEqualTo(data);
			assertThat(volume.read(offset + 512, 1024)).isEqualTo(Arrays.copyOfRange(data, 512, 1536));
		}
		assertThat(this.mds.allocations.get()).isEqualTo(2);
	}

	@Test
	void neverWrittenRangesReadAsZerosWithoutAllocating() {
		try (Volume volume = this.client.open("/vol")) {
			assertThat(volume.read(2 * SEGMENT, 2 * CHUNK)).containsOnly(0);
			assertThat(this.mds.allocations.get()).isZero();
			volume.write(512, random(512, 2));
			byte[] around = volume.read(0, 1536);
			assertThat(Arrays.copyOfRange(around, 0, 512)).containsOnly(0);
			assertThat(Arrays.copyOfRange(around, 1024, 1536)).containsOnly(0);
		}
	}

	@Test
	void asyncIoCompletesWhenAllPartsDo() {
		try (Volume volume = this.client.open("/vol")) {
			byte[] data = random(5 * CHUNK, 3);
			volume.writeAsync(0, data).join();
			assertThat(volume.readAsync(0, data.length).join()).isEqualTo(data);
		}
	}

	@Test
	void requestsAreCappedAtTheMaximumSize() {
		try (CurveClient small = client("mds-1:6700").maxRequestSize(8 * 1024).build();
				Volume volume = small.open("/vol")) {
			volume.write(0, random(CHUNK, 4));
		}
		assertThat(this.chunkServers.served[0].get()).isEqualTo(CHUNK / (8 * 1024));
	}

	@Test
	void badIoFailsBeforeAnyRequest() {
		try (Volume volume = this.client.open("/vol")) {
			assertCode(() -> volume.write(100, new byte[512]), ErrorCode.IO_NOT_ALIGNED);
			assertCode(() -> volume.write(0, new byte[100]), ErrorCode.IO_NOT_ALIGNED);
			assertCode(() -> volume.read(-512, 512), ErrorCode.IO_OUT_OF_RANGE);
			assertCode(() -> volume.read(SIZE - 512, 1024), ErrorCode.IO_OUT_OF_RANGE);
			assertCode(() -> volume.writeAsync(SIZE, new byte[512]), ErrorCode.IO_OUT_OF_RANGE);
		}
		assertThat(this.chunkServers.served[0].get() + this.mds.allocations.get()).isZero();
	}

	@Test
	void writesToACopysetQueuedWhileItsCallIsInFlightLeaveInOneBatch() {
		try (Volume volume = this.client.open("/vol")) {
			volume.write(0, new byte[512]);
			this.chunkServers.writeCalls.set(0);
			CountDownLatch gate = new CountDownLatch(1);
			this.chunkServers.writeGate = gate;
			int writes = CHUNK / 4096;
			byte[] data = random(CHUNK, 11);
			List<CompletableFuture<Void>> pending = new ArrayList<>();
			for (int i = 0; i < writes; i++) {
				pending.add(volume.writeAsync(i * 4096L, Arrays.copyOfRange(data, i * 4096, (i + 1) * 4096)));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> this.chunkServers.writeCalls.get() == 1);
			this.chunkServers.writeGate = null;
			gate.countDown();
			CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
			assertThat(this.chunkServers.writeCalls.get()).as("one call in flight, then one with the other writes")
				.isEqualTo(2);
			assertThat(volume.read(0, data.length)).isEqualTo(data);
		}
	}

	@Test
	void writesFollowANotLeaderHintToTheNewLeader() {
		try (Volume volume = this.client.open("/vol")) {
			volume.write(0, random(4096, 5));
			this.chunkServers.moveLeader(2);
			byte[] data = random(4096, 6);
			volume.write(0, data);
			assertThat(this.chunkServers.rejected[0].get()).isEqualTo(1);
			assertThat(volume.read(0, 4096)).isEqualTo(data);
			// The retry is the same write (so the copyset can fence the first try), the first write another one.
			assertThat(this.chunkServers.writeIds).hasSize(3);
			WriteId first = this.chunkServers.writeIds.get(0);
			WriteId rejected = this.chunkServers.writeIds.get(1);
			WriteId retry = this.chunkServers.writeIds.get(2);
			assertThat(rejected.getAttempt()).isEqualTo(1);
			assertThat(retry.getAttempt()).isEqualTo(2);
			assertThat(retry.toBuilder().clearAttempt().build()).isEqualTo(rejected.toBuilder().clearAttempt().build());
			assertThat(first.getClient()).isEqualTo(retry.getClient());
			assertThat(first.getRequest()).isNotEqualTo(retry.getRequest());
		}
	}

	@Test
	void ioGoesOnWhenTheLeaderDies() {
		try (Volume volume = this.client.open("/vol")) {
			volume.write(0, random(4096, 7));
			this.chunkServers.kill(0);
			this.chunkServers.moveLeader(1);
			byte[] data = random(2 * CHUNK, 8);
			volume.write(0, data);
			assertThat(volume.read(0, data.length)).isEqualTo(data);
		}
	}

	@Test
	void ioWithoutAnyLeaderFailsWithTimeoutWithinTheIoTimeout() {
		try (CurveClient impatient = client("mds-1:6700").ioTimeout(Duration.ofMillis(500)).build();
				Volume volume = impatient.open("/vol")) {
			this.chunkServers.moveLeader(-1);
			long start = System.nanoTime();
			assertThatThrownBy(() -> volume.write(0, new byte[512])).isInstanceOfSatisfying(CurveException.class,
					(ex) -> {
						assertThat(ex.code()).isEqualTo(ErrorCode.TIMEOUT);
						assertThat(ex.getMessage()).contains("/vol").contains("last error");
					});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	void namespaceCallsFollowTheMdsLeader() throws Exception {
		try (FakeMds follower = new FakeMds("mds-2:6700", CHUNK, SEGMENT, this.chunkServers.copysets(1))
			.followerOf("mds-1:6700"); CurveClient viaFollower = client("mds-0:6700", "mds-2:6700").build()) {
			// mds-0 does not exist (UNAVAILABLE: next member), mds-2 redirects to mds-1
			FileStat dir = viaFollower.createDirectories("/a/b");
			assertThat(dir.isDirectory()).isTrue();
			assertThat(viaFollower.stat("/a/b").path()).isEqualTo("/a/b");
			assertThat(follower.calls.get()).isEqualTo(1);
		}
	}

	@Test
	void membersFromARegistryAreAskedAgainAtAFailover() {
		// the registry first knows only a member that is gone, then the live one too
		AtomicInteger asked = new AtomicInteger();
		Supplier<List<String>> registry = () -> asked.incrementAndGet() == 1 ? List.of("mds-0:6700")
				: List.of("mds-0:6700", "mds-1:6700");
		try (CurveClient viaRegistry = inProcess(CurveClient.builder().mdsMembers(registry)).build()) {
			assertThat(viaRegistry.stat("/vol").length()).isEqualTo(SIZE);
			assertThat(asked.get()).as("asked before the first call and at the failover").isEqualTo(2);
			viaRegistry.stat("/vol");
			assertThat(asked.get()).as("a call the leader answers does not ask").isEqualTo(2);
		}
	}

	@Test
	void aRegistryThatKnowsNoMemberFailsTheCallNamingIt() {
		try (CurveClient viaRegistry = inProcess(CurveClient.builder().mdsMembers(List::of))
			.ioTimeout(Duration.ofMillis(500))
			.build()) {
			assertThatThrownBy(() -> viaRegistry.stat("/vol")).isInstanceOf(CurveException.class)
				.hasMessageContaining("no MDS member is known");
		}
	}

	@Test
	void namespaceErrorsKeepTheirCodes() {
		assertCode(() -> this.client.stat("/missing"), ErrorCode.VOLUME_NOT_FOUND);
		assertCode(() -> this.client.createVolume("/x", 0), ErrorCode.INVALID_SIZE);
		assertCode(() -> this.client.extend("/vol", -SEGMENT), ErrorCode.INVALID_SIZE);
		assertCode(() -> this.client.createVolume("relative", SEGMENT), ErrorCode.INVALID_PATH);
		assertCode(() -> this.client.open("/missing"), ErrorCode.VOLUME_NOT_FOUND);
		this.client.createVolume("/v1", 1L << 30);
		assertCode(() -> this.client.createVolume("/v1", 1L << 30), ErrorCode.VOLUME_EXISTS);
		assertThat(this.client.list("/")).extracting(FileStat::name).contains("vol", "v1");
		this.client.delete("/v1");
		assertCode(() -> this.client.stat("/v1"), ErrorCode.VOLUME_NOT_FOUND);
	}

	@Test
	void sessionRefreshSeesExtendsAndReopensALostSession() {
		this.mds.leaseMs = 200;
		try (Volume volume = this.client.open("/vol")) {
			this.client.extend("/vol", SIZE + (1L << 30));
			await().atMost(Duration.ofSeconds(5)).until(() -> volume.size() == SIZE + (1L << 30));
			this.mds.sessions.clear();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.mds.opens.get() == 2);
			volume.write(SIZE, new byte[512]);
		}
		assertThat(this.mds.sessions).isEmpty();
	}

	@Test
	void ioIsTimedAndCounted() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		try (CurveClient metered = client("mds-1:6700").meterRegistry(registry).build();
				Volume volume = metered.open("/vol")) {
			volume.write(0, new byte[4096]);
			volume.read(0, 1024);
		}
		assertThat(registry.get("curve4j.client.io")
			.tags("volume", "/vol", "op", "write", "outcome", "success")
			.timer()
			.count()).isEqualTo(1);
		assertThat(registry.get("curve4j.client.io.bytes").tags("volume", "/vol", "op", "read").counter().count())
			.isEqualTo(1024);
	}

	static byte[] random(int length, long seed) {
		byte[] data = new byte[length];
		new Random(seed).nextBytes(data);
		return data;
	}

	static void assertCode(Runnable call, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(CurveException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(code));
	}

}
