package io.curve4j.chunk.copyset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;

import io.curve4j.chunk.chunkfile.ChunkFilePool;
import io.curve4j.chunk.chunkfile.ChunkStore;
import io.curve4j.chunk.chunkfile.OpenChunkFiles;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.raft.v1.ChunkCommand;
import io.curve4j.proto.raft.v1.DeleteChunkSnapshotOrCorrectSnCommand;
import io.curve4j.proto.raft.v1.WriteChunkCommand;
import io.curve4j.proto.raft.v1.WriteChunksCommand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The configuration epoch a copyset reports to the MDS, which records changes by it, and
 * the write fences that keep a stale attempt from overwriting later data.
 */
class CopysetStateMachineTest {

	private static final List<String> INITIAL = List.of("127.0.0.1:8201", "127.0.0.1:8202", "127.0.0.1:8203");

	@TempDir
	Path dir;

	private ChunkStore store;

	@Test
	void firstMembershipChangeOfAFreshReplicaRaisesTheEpoch() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		fsm.membersCommitted(List.of("127.0.0.1:8201", "127.0.0.1:8202", "127.0.0.1:8203", "127.0.0.1:8204"));
		assertThat(fsm.epoch()).isEqualTo(1);
		fsm.membersCommitted(List.of("127.0.0.1:8202", "127.0.0.1:8203", "127.0.0.1:8204"));
		assertThat(fsm.epoch()).isEqualTo(2);
	}

	@Test
	void sameMembersInAnotherOrderAreNoChange() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		fsm.membersCommitted(List.of("127.0.0.1:8203", "127.0.0.1:8201", "127.0.0.1:8202"));
		assertThat(fsm.epoch()).isZero();
	}

	@Test
	void aStaleFirstTryAppliedAfterItsRetryAndALaterWriteIsDropped() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		byte[] first = filled(1);
		byte[] later = filled(2);
		apply(fsm, 1, write(first, WriteFencesTest.id(42, 7, 2)));
		apply(fsm, 2, write(later, WriteFencesTest.id(42, 8, 1)));
		assertThat(apply(fsm, 3, write(first, WriteFencesTest.id(42, 7, 1)))).isEqualTo(List.of(new WriteResult(3, null)));
		assertThat(bytes(this.store.read(5, 0, 4096).data())).isEqualTo(later);
	}

	@Test
	void aBatchEntryAppliesItsWritesInOrderEachFencedAlone() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		byte[] retried = filled(3);
		byte[] later = filled(4);
		apply(fsm, 1, entry(command(retried, WriteFencesTest.id(42, 9, 2)), command(later, WriteFencesTest.id(42, 10, 1))));
		apply(fsm, 2, entry(command(retried, WriteFencesTest.id(42, 9, 1)), command(filled(5), WriteFencesTest.id(43, 1, 1))));
		assertThat(bytes(this.store.read(5, 0, 4096).data())).as("the stale attempt dropped, the write after it applied")
			.isEqualTo(filled(5));
	}

	@Test
	void aSingleWriteEntryOfAnOlderLogIsStillApplied() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		apply(fsm, 1, ByteBuffer.wrap(ChunkCommand.newBuilder()
			.setWrite(command(filled(6), WriteId.getDefaultInstance()))
			.build()
			.toByteArray()));
		assertThat(bytes(this.store.read(5, 0, 4096).data())).isEqualTo(filled(6));
	}

	@Test
	void aRefusedWriteOfABatchFailsAloneAndTheOthersApply() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		apply(fsm, 1, entry(command(filled(1), WriteId.getDefaultInstance()).toBuilder().setSn(2).build()));
		Object results = apply(fsm, 2, entry(command(filled(2), WriteId.getDefaultInstance()),
				command(filled(3), WriteId.getDefaultInstance()).toBuilder().setSn(2).build()));
		assertThat(results).asInstanceOf(InstanceOfAssertFactories.list(WriteResult.class))
			.extracting(result -> result.refusal() == null ? null : result.refusal().code())
			.containsExactly(ErrorCode.STALE_SEQUENCE, null);
		assertThat(bytes(this.store.read(5, 0, 4096).data())).isEqualTo(filled(3));
	}

	@Test
	void aDeleteSnapshotEntryEndsTheChunksPartInTheSnapshot() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		apply(fsm, 1, write(filled(1), WriteId.getDefaultInstance()));
		apply(fsm, 2, entry(command(filled(2), WriteId.getDefaultInstance()).toBuilder().setSn(2).build()));
		assertThat(bytes(this.store.readSnapshot(5, 1, 0, 4096).read().data())).isEqualTo(filled(1));
		ByteBuffer delete = ByteBuffer.wrap(ChunkCommand.newBuilder()
			.setDeleteSnapshot(DeleteChunkSnapshotOrCorrectSnCommand.newBuilder().setChunkId(5).setCorrectedSn(2))
			.build()
			.toByteArray());
		apply(fsm, 3, delete);
		assertThat(this.store.info(5).orElseThrow().correctedSn()).isEqualTo(2);
		assertThatThrownBy(() -> this.store.readSnapshot(5, 1, 0, 4096)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.SNAPSHOT_NOT_FOUND));
	}

	/** As the Raft group does it: decode the entry, then apply it. */
	private static Object apply(CopysetStateMachine fsm, long index, ByteBuffer entry) {
		return fsm.applyCommitted(index, fsm.decode(index, entry));
	}

	private static ByteBuffer write(byte[] data, WriteId id) {
		return entry(command(data, id));
	}

	private static ByteBuffer entry(WriteChunkCommand... writes) {
		return ByteBuffer.wrap(ChunkCommand.newBuilder()
			.setWrites(WriteChunksCommand.newBuilder().addAllWrites(List.of(writes)))
			.build()
			.toByteArray());
	}

	private static WriteChunkCommand command(byte[] data, WriteId id) {
		return WriteChunkCommand.newBuilder().setChunkId(5).setSn(1).setData(ByteString.copyFrom(data)).setWriteId(id).build();
	}

	private static byte[] filled(int value) {
		byte[] data = new byte[4096];
		Arrays.fill(data, (byte) value);
		return data;
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] data = new byte[buffer.remaining()];
		buffer.get(data);
		return data;
	}

	private CopysetStateMachine stateMachine() throws IOException {
		ChunkFilePool pool = new ChunkFilePool(this.dir.resolve("pool"), 64 * 1024, 0);
		this.store = new ChunkStore(this.dir.resolve("chunks"), pool, new OpenChunkFiles(64));
		return new CopysetStateMachine("copyset-1-1", this.store, INITIAL);
	}

}
