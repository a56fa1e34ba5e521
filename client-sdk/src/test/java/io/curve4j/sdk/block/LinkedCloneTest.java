package io.curve4j.sdk.block;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.chunk.v1.RecoverChunkRequest;
import io.curve4j.proto.mds.v1.CloneStatus;

import static io.curve4j.sdk.block.VolumeTest.assertCode;
import static io.curve4j.sdk.block.VolumeTest.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The data path of a linked clone against the in-process fakes (64 KiB chunks, 256 KiB
 * segments): what a plain volume answers as zeros without asking, a clone asks the
 * chunkservers for (they hold the way to the source), and its flatten goes chunk by chunk
 * as RecoverChunk calls to the copysets' leaders.
 */
class LinkedCloneTest {

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
		this.mds.volume("/plain", SIZE);
		// the source snapshot had 6 chunks: segment 0 and half of segment 1
		this.mds.clone("/clone", SIZE, CloneStatus.LAZY, 6);
		this.client = client("mds-1:6700").build();
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.mds.close();
		this.chunkServers.close();
	}

	@Test
	void aCloneReadOfAnUnallocatedSegmentAllocatesItAndAsksTheChunkservers() {
		try (Volume plain = this.client.open("/plain")) {
			assertThat(plain.read(SEGMENT, 2 * CHUNK)).containsOnly(0);
		}
		assertThat(this.mds.allocations).as("a plain volume's unallocated range is zeros unasked").hasValue(0);
		assertThat(this.chunkServers.served[0]).hasValue(0);

		try (Volume clone = this.client.open("/clone")) {
			assertThat(clone.read(SEGMENT, 2 * CHUNK)).containsOnly(0);
		}
		assertThat(this.mds.allocations).hasValue(1);
		assertThat(this.chunkServers.served[0]).as("both chunks read from the chunkservers").hasValue(2);
	}

	@Test
	void aCloneDiscardOfAnUnallocatedSegmentReachesTheChunkservers() {
		try (Volume plain = this.client.open("/plain")) {
			plain.discardAsync(SEGMENT, CHUNK).join();
		}
		assertThat(this.chunkServers.deleteSns).as("nothing to delete in a plain volume's unallocated segment")
			.isEmpty();

		try (Volume clone = this.client.open("/clone")) {
			clone.discardAsync(SEGMENT, 2 * CHUNK).join();
		}
		assertThat(this.mds.allocations).hasValue(1);
		assertThat(this.chunkServers.deleteSns).as("each chunk must turn zeros, not keep reading the source")
			.containsExactly(1L, 1L);
	}

	@Test
	void aCloneWhoseFlattenEndedReadsAsAPlainVolumeAfterTheNextRefresh() {
		this.mds.leaseMs = 200;
		try (Volume clone = this.client.open("/clone")) {
			clone.read(0, CHUNK);
			assertThat(this.mds.allocations).hasValue(1);

			// the MDS's FinishFlatten: the link ends
			this.mds.files.computeIfPresent("/clone", (path, file) -> file.toBuilder().clearClone().build());
			int refreshes = this.mds.refreshes.get();
			// the session refreshes one at a time: the second one after the change began once the first was applied
			await().atMost(Duration.ofSeconds(5)).until(() -> this.mds.refreshes.get() > refreshes + 1);

			assertThat(clone.read(SEGMENT, CHUNK)).containsOnly(0);
			assertThat(this.mds.allocations).as("zeros without asking, as any volume").hasValue(1);
			assertCode(() -> clone.flattenChunk(0), ErrorCode.NOT_A_CLONE);
		}
	}

	@Test
	void flattenChunkRecoversTheWholeChunkInPagesThroughTheLeaderWithTheVolumesSequence() {
		this.mds.snapshot("/clone");
		try (CurveClient small = client("mds-1:6700").maxRequestSize(16 * 1024 + 512).build();
				Volume clone = small.open("/clone")) {
			// the leader the client knows (from this write) steps down before the flatten
			clone.write(5L * CHUNK, new byte[4096]);
			this.chunkServers.moveLeader(2);
			clone.flattenChunk(5);

			List<RecoverChunkRequest> recovers = this.chunkServers.recovers;
			assertThat(recovers).as("in whole pages no larger than the client's largest request")
				.extracting((recover) -> recover.getOffset() + "+" + recover.getLength())
				.containsExactlyInAnyOrder("0+16384", "16384+16384", "32768+16384", "49152+16384");
			assertThat(recovers).extracting(RecoverChunkRequest::getSn).containsOnly(2L);
			assertThat(recovers).extracting(RecoverChunkRequest::getChunkId).hasSize(4).containsOnly(
					recovers.get(0).getChunkId());
			assertThat(this.chunkServers.rejected[0].get()).as("the old leader redirected").isPositive();
			assertThat(this.chunkServers.served[2].get()).isEqualTo(4);

			clone.flattenChunk(6);
			clone.flattenChunk(15);
			assertThat(recovers).as("past the source's chunks there is nothing to copy").hasSize(4);
			assertCode(() -> clone.flattenChunk(16), ErrorCode.IO_OUT_OF_RANGE);
		}
		try (Volume plain = this.client.open("/plain")) {
			assertCode(() -> plain.flattenChunk(0), ErrorCode.NOT_A_CLONE);
		}
		assertThat(this.chunkServers.recovers).as("a plain volume has no source").hasSize(4);
	}

}
