package io.curve4j.mds.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStateMachine;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.CreateCloneCommand;
import io.curve4j.proto.mds.v1.CreateSnapshotCommand;
import io.curve4j.proto.mds.v1.DeleteSnapshotCommand;
import io.curve4j.proto.mds.v1.FailSnapshotCopyCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FinishFlattenCommand;
import io.curve4j.proto.mds.v1.FinishSnapshotCopyCommand;
import io.curve4j.proto.mds.v1.FlattenCloneCommand;
import io.curve4j.proto.mds.v1.FlattenProgressCommand;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The clones' commands through the state machine on a real RocksDB, without Raft: a clone
 * of a volume is its volume, its link and its source snapshot in one entry, replayed
 * entries change nothing again, refused ones nothing at all, and the end of a flatten
 * deletes the snapshot taken for the clone.
 */
class CloneCommandsTest {

	/** alice's volume from {@link SnapshotCommandsTest.Seed}. */
	private static final long VOLUME = 7;

	@TempDir
	Path dir;

	private MdsStore store;

	private MdsStateMachine machine;

	private long index;

	@BeforeEach
	void open() {
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = machine();
		apply(MdsCommand.newBuilder().setApplyTopology(ApplyTopologyCommand.getDefaultInstance()).build());
	}

	private MdsStateMachine machine() {
		return new MdsStateMachine(this.store,
				List.of(new SnapshotCommandsTest.Seed(), new SnapshotCommands(), new CloneCommands()));
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	@Test
	void aCloneOfAVolumeIsOneEntryAndIsNotAppliedTwice() {
		CloneCommands.Cloned cloned = (CloneCommands.Cloned) apply(cloneOfVolume("/c", "s1", "alice", false));
		FileRecord clone = cloned.volume();
		assertThat(clone.getOwner()).isEqualTo("alice");
		assertThat(clone.getSeqNum()).isEqualTo(1);
		assertThat(clone.getClone().getInfo().getStatus()).isEqualTo(CloneStatus.WAITING_FOR_SOURCE);
		assertThat(clone.getClone().getSnapshotForClone()).isTrue();
		assertThat(clone.getClone().getFlattenWhenReady()).isTrue();
		assertThat(cloned.snapshot().getName()).isEqualTo("clone-" + clone.getId());
		assertThat(cloned.snapshot().getStatus()).isEqualTo(SnapshotStatus.PENDING);
		assertThat(source().getSeqNum()).isEqualTo(2);
		long applied = this.index;

		// after a restart the log replays from before the entry: no second clone, no second raise
		this.store.close();
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = machine();
		assertThat(this.machine.applyCommitted(applied, cloneOfVolume("/c", "s1", "alice", false))).isNull();
		assertThat(this.store.list(MdsSchema.FILES).stream().filter(FileRecord::hasClone)).hasSize(1);
		assertThat(this.store.list(MdsSchema.SNAPSHOTS)).hasSize(1);
		assertThat(source().getSeqNum()).isEqualTo(2);

		// the snapshot is DONE: not lazy, the clone flattens, in the snapshot's entry
		apply(MdsCommand.newBuilder()
			.setFinishSnapshotCopy(FinishSnapshotCopyCommand.newBuilder().setSnapshotId("s1"))
			.build());
		assertThat(clone(clone.getId()).getClone().getInfo().getStatus()).isEqualTo(CloneStatus.FLATTENING);
		apply(progress(clone.getId(), 30));
		apply(progress(clone.getId(), 20));
		assertThat(clone(clone.getId()).getClone().getInfo().getNextChunk()).isEqualTo(30);

		apply(finishFlatten(clone.getId()));
		assertThat(clone(clone.getId()).hasClone()).isFalse();
		assertThat(snapshot("s1").getStatus()).isEqualTo(SnapshotStatus.DELETING);
		FileRecord flattened = clone(clone.getId());
		apply(finishFlatten(clone.getId()));
		assertThat(clone(clone.getId())).as("a repeated finish changes nothing").isEqualTo(flattened);
		assertThat(apply(progress(clone.getId(), 40))).isEqualTo(Optional.empty());
	}

	@Test
	void refusedEntriesChangeNothing() {
		apply(snapshotOf("s1", "alice"));
		assertCode(() -> apply(cloneOfSnapshot("/c", "s1", "alice")), ErrorCode.SNAPSHOT_NOT_READY);
		assertCode(() -> apply(cloneOfVolume("/c", "s2", "alice", true)), ErrorCode.SNAPSHOT_IN_PROGRESS);
		apply(MdsCommand.newBuilder()
			.setFinishSnapshotCopy(FinishSnapshotCopyCommand.newBuilder().setSnapshotId("s1"))
			.build());
		assertCode(() -> apply(cloneOfSnapshot("/c", "s1", "bob")), ErrorCode.NOT_OWNER);
		assertCode(() -> apply(cloneOfSnapshot("/c", "none", "alice")), ErrorCode.SNAPSHOT_NOT_FOUND);
		assertCode(() -> apply(cloneOfVolume("/c", "s2", "bob", true)), ErrorCode.NOT_OWNER);
		assertCode(() -> apply(flatten(VOLUME)), ErrorCode.NOT_A_CLONE);
		assertThat(this.store.list(MdsSchema.FILES)).as("only the seeded volumes").hasSize(2);
		assertThat(source().getSeqNum()).isEqualTo(2);

		FileRecord clone = ((CloneCommands.Cloned) apply(cloneOfSnapshot("/c", "s1", "alice"))).volume();
		assertThat(clone.getClone().getInfo().getStatus()).isEqualTo(CloneStatus.LAZY);
		assertCode(() -> apply(cloneOfSnapshot("/c", "s1", "alice")), ErrorCode.VOLUME_EXISTS);
		assertCode(() -> apply(MdsCommand.newBuilder()
			.setCreateSnapshot(CreateSnapshotCommand.newBuilder()
				.setFileId(clone.getId())
				.setVolumePath("/c")
				.setName("a")
				.setSnapshotId("s3")
				.setCaller("alice")
				.setMaxPerVolume(64))
			.build()), ErrorCode.CLONE_NOT_FLATTENED);
		assertCode(() -> apply(MdsCommand.newBuilder()
			.setDeleteSnapshot(DeleteSnapshotCommand.newBuilder().setSnapshotId("s1").setCaller("alice"))
			.build()), ErrorCode.VOLUME_HAS_CLONES);
		assertCode(() -> apply(finishFlatten(clone.getId())), ErrorCode.INVALID_ARGUMENT);
		assertThat(snapshot("s1").getStatus()).isEqualTo(SnapshotStatus.DONE);
		assertThat(clone(clone.getId())).isEqualTo(clone);

		// a user's snapshot is not deleted with the flatten of a clone of it
		apply(flatten(clone.getId()));
		apply(flatten(clone.getId()));
		assertThat(clone(clone.getId()).getClone().getInfo().getStatus()).isEqualTo(CloneStatus.FLATTENING);
		apply(finishFlatten(clone.getId()));
		assertThat(snapshot("s1").getStatus()).isEqualTo(SnapshotStatus.DONE);
	}

	@Test
	void aCloneWhoseSnapshotFailedWaitsForGoodAndKeepsIt() {
		FileRecord clone = ((CloneCommands.Cloned) apply(cloneOfVolume("/c", "s1", "alice", true))).volume();
		apply(MdsCommand.newBuilder()
			.setFailSnapshotCopy(FailSnapshotCopyCommand.newBuilder().setSnapshotId("s1").setError("S3 refused"))
			.build());
		assertThat(snapshot("s1").getStatus()).isEqualTo(SnapshotStatus.ERROR);
		assertThat(clone(clone.getId())).as("refused to open as long as it lives").isEqualTo(clone);
		assertCode(() -> apply(MdsCommand.newBuilder()
			.setDeleteSnapshot(DeleteSnapshotCommand.newBuilder().setSnapshotId("s1").setCaller("alice"))
			.build()), ErrorCode.VOLUME_HAS_CLONES);
		// a flatten asked meanwhile waits as the clone does
		apply(flatten(clone.getId()));
		assertThat(clone(clone.getId()).getClone().getInfo().getStatus()).isEqualTo(CloneStatus.WAITING_FOR_SOURCE);
		assertThat(clone(clone.getId()).getClone().getFlattenWhenReady()).isTrue();
	}

	private FileRecord source() {
		return clone(VOLUME);
	}

	private FileRecord clone(long id) {
		return this.store.get(MdsSchema.FILES, id).orElseThrow();
	}

	private SnapshotInfo snapshot(String id) {
		return this.store.get(MdsSchema.SNAPSHOTS, id).orElseThrow();
	}

	private static CreateSnapshotCommand.Builder snapshotCommand(String id, String caller) {
		return CreateSnapshotCommand.newBuilder()
			.setFileId(VOLUME)
			.setVolumePath("/vol")
			.setSnapshotId(id)
			.setNowMs(1_000)
			.setCaller(caller)
			.setMaxPerVolume(64);
	}

	private static MdsCommand snapshotOf(String id, String caller) {
		return MdsCommand.newBuilder().setCreateSnapshot(snapshotCommand(id, caller).setName(id)).build();
	}

	private static MdsCommand cloneOfVolume(String path, String snapshotId, String caller, boolean lazy) {
		return MdsCommand.newBuilder()
			.setCreateClone(CreateCloneCommand.newBuilder()
				.setPath(path)
				.setCaller(caller)
				.setNowMs(2_000)
				.setLazy(lazy)
				.setSourcePath("/vol")
				.setSnapshot(snapshotCommand(snapshotId, caller)))
			.build();
	}

	private static MdsCommand cloneOfSnapshot(String path, String snapshotId, String caller) {
		return MdsCommand.newBuilder()
			.setCreateClone(CreateCloneCommand.newBuilder()
				.setPath(path)
				.setCaller(caller)
				.setNowMs(2_000)
				.setLazy(true)
				.setSourcePath("/vol")
				.setSourceSnapshotId(snapshotId))
			.build();
	}

	private static MdsCommand flatten(long fileId) {
		return MdsCommand.newBuilder()
			.setFlattenClone(FlattenCloneCommand.newBuilder().setFileId(fileId).setCaller("alice"))
			.build();
	}

	private static MdsCommand progress(long fileId, long nextChunk) {
		return MdsCommand.newBuilder()
			.setFlattenProgress(FlattenProgressCommand.newBuilder().setFileId(fileId).setNextChunk(nextChunk))
			.build();
	}

	private static MdsCommand finishFlatten(long fileId) {
		return MdsCommand.newBuilder().setFinishFlatten(FinishFlattenCommand.newBuilder().setFileId(fileId)).build();
	}

	private Object apply(MdsCommand command) {
		return this.machine.applyCommitted(++this.index, command);
	}

	private static void assertCode(Runnable call, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOf(CurveException.class)
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(code));
	}

}
