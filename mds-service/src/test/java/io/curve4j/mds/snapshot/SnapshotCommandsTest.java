package io.curve4j.mds.snapshot;

import java.nio.file.Path;
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
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.CreateSnapshotCommand;
import io.curve4j.proto.mds.v1.DeleteSnapshotCommand;
import io.curve4j.proto.mds.v1.FailSnapshotCopyCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.FinishSnapshotCopyCommand;
import io.curve4j.proto.mds.v1.FinishSnapshotDeleteCommand;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.RecycleRecord;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The catalog's commands through the state machine on a real RocksDB, without Raft: what
 * one entry changes together, what a replayed entry does not change again, and the
 * outcomes of a snapshot that a user deleted while it was being copied.
 */
class SnapshotCommandsTest {

	/** A volume written before snapshots existed: sequence number 0. */
	private static final long VOLUME = 7;

	/** A volume in the recycle bin. */
	private static final long RECYCLED = 8;

	@TempDir
	Path dir;

	private MdsStore store;

	private MdsStateMachine machine;

	private long index;

	/** Seeds alice's volumes; stands in for the namespace's handler. */
	static final class Seed implements MdsCommandHandler {

		@Override
		public Set<MdsCommand.CommandCase> commands() {
			return Set.of(MdsCommand.CommandCase.APPLY_TOPOLOGY);
		}

		@Override
		public Object apply(MdsCommand command, MdsTx tx) {
			FileRecord volume = FileRecord.newBuilder()
				.setId(VOLUME)
				.setName("vol")
				.setType(FileType.VOLUME)
				.setOwner("alice")
				.setLength(Sizes.GIB)
				.build();
			tx.put(MdsSchema.FILES, VOLUME, volume);
			tx.put(MdsSchema.FILES, RECYCLED, volume.toBuilder()
				.setId(RECYCLED)
				.setRecycle(RecycleRecord.newBuilder().setPath("/gone"))
				.build());
			return null;
		}

	}

	@BeforeEach
	void open() {
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new Seed(), new SnapshotCommands()));
		apply(MdsCommand.newBuilder().setApplyTopology(ApplyTopologyCommand.getDefaultInstance()).build());
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	@Test
	void oneEntryRaisesTheSequenceAndRecordsTheSnapshotAndIsNotAppliedTwice() {
		SnapshotInfo created = (SnapshotInfo) apply(create("s1", "a", VOLUME, "alice"));
		assertThat(created.getSeq()).as("a volume from before snapshots is at 1").isEqualTo(1);
		assertThat(created.getStatus()).isEqualTo(SnapshotStatus.PENDING);
		assertThat(created.getInCluster()).isTrue();
		assertThat(created.getChunkSize()).isEqualTo(16 * Sizes.MIB);
		assertThat(created.getOwner()).isEqualTo("alice");
		long applied = this.index;
		assertThat(this.store.appliedIndex()).isEqualTo(applied);
		assertThat(volume().getSeqNum()).isEqualTo(2);
		assertThat(volume().getSnapshotSeqsList()).containsExactly(1L);
		assertThat(this.store.get(MdsSchema.SNAPSHOTS, "s1")).contains(created);

		// after a restart the log replays from before the entry: it must not raise again
		this.store.close();
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new Seed(), new SnapshotCommands()));
		assertThat(this.machine.applyCommitted(applied, create("s1", "a", VOLUME, "alice"))).isNull();
		assertThat(volume().getSeqNum()).isEqualTo(2);
		assertThat(volume().getSnapshotSeqsList()).containsExactly(1L);
	}

	@Test
	void refusedCreatesChangeNothing() {
		assertCode(() -> apply(create("x", "a", VOLUME, "bob")), ErrorCode.NOT_OWNER);
		assertCode(() -> apply(create("x", "a", RECYCLED, "alice")), ErrorCode.VOLUME_NOT_FOUND);
		assertCode(() -> apply(create("x", "a", 99, "alice")), ErrorCode.VOLUME_NOT_FOUND);
		assertThat(this.store.list(MdsSchema.SNAPSHOTS)).isEmpty();
		assertThat(volume().getSeqNum()).isZero();

		apply(create("s1", "a", VOLUME, ""));
		assertCode(() -> apply(create("s2", "a", VOLUME, "alice")), ErrorCode.SNAPSHOT_EXISTS);
		assertCode(() -> apply(create("s2", "b", VOLUME, "alice")), ErrorCode.SNAPSHOT_IN_PROGRESS);
		assertThat(this.store.list(MdsSchema.SNAPSHOTS)).extracting(SnapshotInfo::getId).containsExactly("s1");
		assertThat(volume().getSeqNum()).isEqualTo(2);
	}

	@Test
	void aSnapshotDeletedWhileCopiedStaysDeletingUntilItsObjectsAreGone() {
		apply(create("s1", "a", VOLUME, "alice"));
		assertCode(() -> apply(delete("s1", "bob")), ErrorCode.NOT_OWNER);
		apply(delete("s1", "alice"));
		// the copy ends (its chunks' copies deleted): the volume may snapshot again, the record stays DELETING
		apply(MdsCommand.newBuilder()
			.setFailSnapshotCopy(FailSnapshotCopyCommand.newBuilder().setSnapshotId("s1").setError("stopped"))
			.build());
		SnapshotInfo s1 = this.store.get(MdsSchema.SNAPSHOTS, "s1").orElseThrow();
		assertThat(s1.getStatus()).isEqualTo(SnapshotStatus.DELETING);
		assertThat(s1.getInCluster()).isFalse();
		assertThat(volume().getSnapshotSeqsList()).isEmpty();

		apply(create("s2", "b", VOLUME, "alice"));
		assertThat(volume().getSnapshotSeqsList()).containsExactly(2L);
		apply(delete("s2", "alice"));
		apply(MdsCommand.newBuilder()
			.setFinishSnapshotCopy(FinishSnapshotCopyCommand.newBuilder().setSnapshotId("s2"))
			.build());
		assertThat(this.store.get(MdsSchema.SNAPSHOTS, "s2").orElseThrow().getStatus())
			.isEqualTo(SnapshotStatus.DELETING);
		assertThat(volume().getSnapshotSeqsList()).isEmpty();

		apply(finishDelete("s1"));
		apply(finishDelete("s2"));
		assertThat(this.store.list(MdsSchema.SNAPSHOTS)).isEmpty();
		assertThat(volume().getSeqNum()).isEqualTo(3);
		assertCode(() -> apply(finishDelete("s1")), ErrorCode.SNAPSHOT_NOT_FOUND);
	}

	@Test
	void aDeleteWhileStillInTheClusterEndsTheInClusterSnapshotWithTheRecord() {
		apply(create("s1", "a", VOLUME, "alice"));
		apply(delete("s1", "alice"));
		assertThat(volume().getSnapshotSeqsList()).containsExactly(1L);
		apply(finishDelete("s1"));
		assertThat(this.store.get(MdsSchema.SNAPSHOTS, "s1")).isEmpty();
		assertThat(volume().getSnapshotSeqsList()).isEmpty();
	}

	private FileRecord volume() {
		return this.store.get(MdsSchema.FILES, VOLUME).orElseThrow();
	}

	private static MdsCommand create(String id, String name, long fileId, String caller) {
		return MdsCommand.newBuilder()
			.setCreateSnapshot(CreateSnapshotCommand.newBuilder()
				.setFileId(fileId)
				.setVolumePath("/vol")
				.setName(name)
				.setSnapshotId(id)
				.setNowMs(1_000)
				.setCaller(caller)
				.setMaxPerVolume(64))
			.build();
	}

	private static MdsCommand delete(String id, String caller) {
		return MdsCommand.newBuilder()
			.setDeleteSnapshot(DeleteSnapshotCommand.newBuilder().setSnapshotId(id).setCaller(caller))
			.build();
	}

	private static MdsCommand finishDelete(String id) {
		return MdsCommand.newBuilder()
			.setFinishSnapshotDelete(FinishSnapshotDeleteCommand.newBuilder().setSnapshotId(id))
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
