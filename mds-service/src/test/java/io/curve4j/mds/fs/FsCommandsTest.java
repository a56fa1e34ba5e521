package io.curve4j.mds.fs;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.CopysetKey;
import io.curve4j.mds.raft.MdsStateMachine;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.proto.fs.v1.PartitionStatus;
import io.curve4j.proto.fs.v1.TxState;
import io.curve4j.proto.mds.v1.AllocateChunkIdsCommand;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.BeginTxCommand;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.CreateFsCommand;
import io.curve4j.proto.mds.v1.DeleteFsCommand;
import io.curve4j.proto.mds.v1.EndTxCommand;
import io.curve4j.proto.mds.v1.ExpireMountsCommand;
import io.curve4j.proto.mds.v1.FsRecord;
import io.curve4j.proto.mds.v1.FsTxRecord;
import io.curve4j.proto.mds.v1.LogicalPoolKind;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.MountCommand;
import io.curve4j.proto.mds.v1.MountRecord;
import io.curve4j.proto.mds.v1.PartitionRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file system commands through the state machine on a real RocksDB, without Raft:
 * placement round robin over the fs-metadata pool only, the leader's times deciding
 * leases and deadlines, and chunk ids that a replayed entry does not hand out again.
 */
class FsCommandsTest {

	@TempDir
	Path dir;

	private MdsStore store;

	private MdsStateMachine machine;

	private long index;

	/** A block pool (1, 2 copysets) and a fs-metadata pool (2, 4 copysets); stands in for the topology's handler. */
	static final class Seed implements MdsCommandHandler {

		@Override
		public Set<MdsCommand.CommandCase> commands() {
			return Set.of(MdsCommand.CommandCase.APPLY_TOPOLOGY);
		}

		@Override
		public Object apply(MdsCommand command, MdsTx tx) {
			pool(tx, 1, LogicalPoolKind.LOGICAL_POOL_KIND_BLOCK, 2);
			pool(tx, 2, LogicalPoolKind.LOGICAL_POOL_KIND_FS_METADATA, 4);
			return null;
		}

		private static void pool(MdsTx tx, int id, LogicalPoolKind kind, int copysets) {
			tx.put(MdsSchema.LOGICAL_POOLS, id,
					LogicalPoolRecord.newBuilder().setId(id).setName("p" + id).setCopysets(copysets).setKind(kind).build());
			for (int c = 1; c <= copysets; c++) {
				tx.put(MdsSchema.COPYSETS, new CopysetKey(id, c), CopysetRecord.newBuilder()
					.setLogicalPoolId(id)
					.setCopysetId(c)
					.addAllChunkServerIds(List.of(1, 2, 3))
					.build());
			}
		}

	}

	@BeforeEach
	void open() {
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new Seed(), new FsCommands()));
		apply(MdsCommand.newBuilder().setApplyTopology(ApplyTopologyCommand.getDefaultInstance()).build());
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	@Test
	void partitionsGoRoundRobinOverTheMetadataPoolOnly() {
		FsRecord first = (FsRecord) apply(create("a"));
		FsRecord second = (FsRecord) apply(create("b"));
		assertThat(second.getId()).isGreaterThan(first.getId());
		List<PartitionRecord> a = FsCommands.partitions(this.store, first.getId());
		List<PartitionRecord> b = FsCommands.partitions(this.store, second.getId());
		assertThat(a).allSatisfy(p -> {
			assertThat(p.getLogicalPoolId()).isEqualTo(2);
			assertThat(p.getStatus()).isEqualTo(PartitionStatus.PARTITION_CREATING);
		});
		assertThat(a).extracting(PartitionRecord::getCopysetId).containsExactly(1, 2, 3);
		assertThat(b).extracting(PartitionRecord::getCopysetId).containsExactly(4, 1, 2);
		assertThat(a).extracting(PartitionRecord::getStartInode).containsExactly(1L, 101L, 201L);
		assertThat(a).extracting(PartitionRecord::getEndInode).containsExactly(101L, 201L, 301L);
		assertCode(() -> apply(create("a")), ErrorCode.FS_EXISTS);
		assertThat(this.store.list(MdsSchema.FILE_SYSTEMS)).hasSize(2);
	}

	@Test
	void leasesAndDeadlinesFollowTheLeadersClockInTheEntry() {
		FsRecord fs = (FsRecord) apply(create("a"));
		assertCode(() -> apply(mount(fs.getId(), "bob", 1_000)), ErrorCode.NOT_OWNER);
		MountRecord m = (MountRecord) apply(mount(fs.getId(), "alice", 1_000));
		assertThat(m.getExpiresMs()).isEqualTo(3_000);
		assertCode(() -> apply(deleteFs("a", 2_999)), ErrorCode.FS_MOUNTED);
		apply(MdsCommand.newBuilder().setExpireMounts(ExpireMountsCommand.newBuilder().setNowMs(2_999)).build());
		assertThat(this.store.get(MdsSchema.FS_MOUNTS, m.getId())).isPresent();

		FsTxRecord tx = (FsTxRecord) apply(MdsCommand.newBuilder()
			.setBeginTx(BeginTxCommand.newBuilder()
				.setFsId(fs.getId())
				.setMountId(m.getId())
				.setNowMs(2_000)
				.setDeadlineMs(2_500))
			.build());
		assertThat(tx.getState()).isEqualTo(TxState.TX_PENDING);
		assertCode(() -> apply(endTx(fs.getId(), tx.getId(), m.getId() + 1, false, 2_500)), ErrorCode.TX_PENDING);
		// a commit past the deadline aborts: whoever asks later finds the same outcome
		assertThat(((FsTxRecord) apply(endTx(fs.getId(), tx.getId(), m.getId(), true, 2_501))).getState())
			.isEqualTo(TxState.TX_ABORTED);
		assertThat(((FsTxRecord) apply(endTx(fs.getId(), tx.getId(), m.getId(), true, 2_000))).getState())
			.isEqualTo(TxState.TX_ABORTED);

		apply(MdsCommand.newBuilder().setExpireMounts(ExpireMountsCommand.newBuilder().setNowMs(3_000)).build());
		assertThat(this.store.get(MdsSchema.FS_MOUNTS, m.getId())).isEmpty();
		apply(deleteFs("a", 3_000));
		assertThat(this.store.list(MdsSchema.FILE_SYSTEMS)).isEmpty();
		assertThat(this.store.list(MdsSchema.FS_PARTITIONS)).hasSize(3)
			.allSatisfy(p -> assertThat(p.getStatus()).isEqualTo(PartitionStatus.PARTITION_DELETING));
	}

	@Test
	void aReplayedAllocationHandsOutNoIdTwice() {
		FsRecord fs = (FsRecord) apply(create("a"));
		MdsCommand allocate = MdsCommand.newBuilder()
			.setAllocateChunkIds(AllocateChunkIdsCommand.newBuilder().setFsId(fs.getId()).setCount(10))
			.build();
		assertThat(apply(allocate)).isEqualTo(1L);
		long applied = this.index;
		this.store.close();
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new Seed(), new FsCommands()));
		assertThat(this.machine.applyCommitted(applied, allocate)).isNull();
		assertThat(apply(allocate)).isEqualTo(11L);
	}

	private static MdsCommand create(String name) {
		return MdsCommand.newBuilder()
			.setCreateFs(CreateFsCommand.newBuilder()
				.setName(name)
				.setOwner("alice")
				.setNowMs(1_000)
				.setChunkSize(64L << 20)
				.setBlockSize(4L << 20)
				.setPartitionInodes(100)
				.setPartitions(3))
			.build();
	}

	private static MdsCommand mount(int fsId, String caller, long now) {
		return MdsCommand.newBuilder()
			.setMount(MountCommand.newBuilder().setFsId(fsId).setCaller(caller).setNowMs(now).setLeaseMs(2_000))
			.build();
	}

	private static MdsCommand deleteFs(String name, long now) {
		return MdsCommand.newBuilder()
			.setDeleteFs(DeleteFsCommand.newBuilder().setName(name).setCaller("alice").setNowMs(now))
			.build();
	}

	private static MdsCommand endTx(int fsId, long txId, long mountId, boolean commit, long now) {
		return MdsCommand.newBuilder()
			.setEndTx(EndTxCommand.newBuilder()
				.setFsId(fsId)
				.setTxId(txId)
				.setMountId(mountId)
				.setCommit(commit)
				.setNowMs(now))
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
