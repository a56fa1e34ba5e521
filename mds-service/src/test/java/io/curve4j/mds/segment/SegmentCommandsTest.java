package io.curve4j.mds.segment;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStateMachine;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.proto.mds.v1.AllocateSegmentCommand;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SegmentChunk;
import io.curve4j.proto.mds.v1.SegmentRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Allocation through the state machine on a real RocksDB, without Raft. */
class SegmentCommandsTest {

	static final long VOLUME = 7;

	@TempDir
	Path dir;

	private MdsStore store;

	private MdsStateMachine machine;

	private long index;

	/** Seeds a logical pool and a 4 GiB volume; stands in for the topology and namespace handlers. */
	static final class Seed implements MdsCommandHandler {

		@Override
		public Set<MdsCommand.CommandCase> commands() {
			return Set.of(MdsCommand.CommandCase.APPLY_TOPOLOGY);
		}

		@Override
		public Object apply(MdsCommand command, MdsTx tx) {
			tx.put(MdsSchema.LOGICAL_POOLS, 1,
					LogicalPoolRecord.newBuilder().setId(1).setName("lpool-1").setReplicas(3).setCopysets(10).build());
			tx.put(MdsSchema.FILES, VOLUME, FileRecord.newBuilder()
				.setId(VOLUME)
				.setName("vol")
				.setType(FileType.VOLUME)
				.setLength(4 * Sizes.GIB)
				.build());
			return null;
		}

	}

	@BeforeEach
	void open() {
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new Seed(), new SegmentCommands()));
		apply(MdsCommand.newBuilder().setApplyTopology(ApplyTopologyCommand.getDefaultInstance()).build());
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	@Test
	void firstAllocationWinsAndRetriesGetIt() {
		SegmentCommands.Allocated first = (SegmentCommands.Allocated) apply(command(0));
		SegmentCommands.Allocated again = (SegmentCommands.Allocated) apply(command(0));
		assertThat(first.created()).isTrue();
		assertThat(again.created()).isFalse();
		assertThat(again.segment()).isEqualTo(first.segment());
		assertThat(first.segment().getChunksCount()).isEqualTo(64);
		assertThat(first.segment().getLogicalPoolId()).isEqualTo(1);
	}

	@Test
	void chunkIdsAreUniqueAndCopysetsRoundRobinAcrossSegments() {
		Set<Long> ids = new HashSet<>();
		int expectedCopyset = 1;
		for (long segment = 0; segment < 4; segment++) {
			for (SegmentChunk chunk : allocate(segment * Sizes.DEFAULT_SEGMENT_SIZE).getChunksList()) {
				assertThat(ids.add(chunk.getChunkId())).isTrue();
				assertThat(chunk.getCopysetId()).isEqualTo(expectedCopyset);
				expectedCopyset = expectedCopyset % 10 + 1;
			}
		}
		assertThat(ids).hasSize(256);
	}

	@Test
	void replayedEntriesAreSkippedAndStateSurvivesReopen() {
		SegmentRecord first = allocate(0);
		long applied = this.index;
		this.store.close();
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new Seed(), new SegmentCommands()));
		assertThat(this.store.appliedIndex()).isEqualTo(applied);
		// the same entry replayed after a restart changes nothing
		assertThat(this.machine.applyCommitted(applied, command(Sizes.DEFAULT_SEGMENT_SIZE))).isNull();
		assertThat(this.store.get(MdsSchema.SEGMENTS, new MdsSchema.SegmentKey(VOLUME, 1))).isEmpty();
		assertThat(allocate(0)).isEqualTo(first);
		assertThat(allocate(Sizes.DEFAULT_SEGMENT_SIZE).getChunks(0).getChunkId()).isEqualTo(65);
	}

	@Test
	void offsetsOutsideTheVolumeOrUnalignedAreRejected() {
		assertCode(() -> allocate(4 * Sizes.GIB), ErrorCode.IO_OUT_OF_RANGE);
		assertCode(() -> allocate(Sizes.MIB), ErrorCode.IO_NOT_ALIGNED);
		assertCode(() -> apply(MdsCommand.newBuilder()
			.setAllocateSegment(AllocateSegmentCommand.newBuilder().setFileId(99).setOffset(0))
			.build()), ErrorCode.VOLUME_NOT_FOUND);
		// nothing was written by the rejections
		assertThat(allocate(0).getChunks(0).getChunkId()).isEqualTo(1);
	}

	private SegmentRecord allocate(long offset) {
		return ((SegmentCommands.Allocated) apply(command(offset))).segment();
	}

	private static MdsCommand command(long offset) {
		return MdsCommand.newBuilder()
			.setAllocateSegment(AllocateSegmentCommand.newBuilder().setFileId(VOLUME).setOffset(offset))
			.build();
	}

	private Object apply(MdsCommand command) {
		return this.machine.applyCommitted(++this.index, command);
	}

	private static void assertCode(Runnable call, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOf(CurveException.class)
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(code));
	}

}
