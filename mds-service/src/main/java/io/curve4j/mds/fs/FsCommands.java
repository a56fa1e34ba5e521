package io.curve4j.mds.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsReader;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.PartitionKey;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.proto.fs.v1.PartitionStatus;
import io.curve4j.proto.fs.v1.TxState;
import io.curve4j.proto.mds.v1.AddPartitionCommand;
import io.curve4j.proto.mds.v1.BeginTxCommand;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.CreateFsCommand;
import io.curve4j.proto.mds.v1.DeleteFsCommand;
import io.curve4j.proto.mds.v1.EndTxCommand;
import io.curve4j.proto.mds.v1.FsRecord;
import io.curve4j.proto.mds.v1.FsTxRecord;
import io.curve4j.proto.mds.v1.LogicalPoolKind;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.MountCommand;
import io.curve4j.proto.mds.v1.MountRecord;
import io.curve4j.proto.mds.v1.PartitionDoneCommand;
import io.curve4j.proto.mds.v1.PartitionRecord;
import io.curve4j.proto.mds.v1.RefreshMountCommand;

/**
 * Applies the CurveFS commands: file systems, their partitions, mounts, chunk ids and
 * rename transactions. Times come from the leader in the command, so every member decides
 * alike (an expired lease, a passed deadline).
 */
@Component
class FsCommands implements MdsCommandHandler {

	/** Cluster-wide counters: ids are never handed out twice, even after a file system is deleted. */
	static final String FS_COUNTER = "fs";

	static final String MOUNT_COUNTER = "fs_mount";

	static final String CHUNK_COUNTER = "fs_chunk";

	static final String TX_COUNTER = "fs_tx";

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.CREATE_FS, MdsCommand.CommandCase.DELETE_FS,
				MdsCommand.CommandCase.ADD_PARTITION, MdsCommand.CommandCase.PARTITION_DONE,
				MdsCommand.CommandCase.MOUNT, MdsCommand.CommandCase.REFRESH_MOUNT, MdsCommand.CommandCase.UMOUNT,
				MdsCommand.CommandCase.EXPIRE_MOUNTS, MdsCommand.CommandCase.ALLOCATE_CHUNK_IDS,
				MdsCommand.CommandCase.BEGIN_TX, MdsCommand.CommandCase.END_TX);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		return switch (command.getCommandCase()) {
			case CREATE_FS -> create(command.getCreateFs(), tx);
			case DELETE_FS -> delete(command.getDeleteFs(), tx);
			case ADD_PARTITION -> addPartition(command.getAddPartition(), tx);
			case PARTITION_DONE -> partitionDone(command.getPartitionDone(), tx);
			case MOUNT -> mount(command.getMount(), tx);
			case REFRESH_MOUNT -> refresh(command.getRefreshMount(), tx);
			case UMOUNT -> {
				MountRecord mount = requireMount(tx, command.getUmount().getFsId(), command.getUmount().getMountId(), 0);
				tx.delete(MdsSchema.FS_MOUNTS, mount.getId());
				yield mount;
			}
			case EXPIRE_MOUNTS -> expireMounts(command.getExpireMounts().getNowMs(), tx);
			case ALLOCATE_CHUNK_IDS -> allocateChunkIds(command.getAllocateChunkIds().getFsId(),
					command.getAllocateChunkIds().getCount(), tx);
			case BEGIN_TX -> beginTx(command.getBeginTx(), tx);
			case END_TX -> endTx(command.getEndTx(), tx);
			default -> throw new IllegalArgumentException(command.getCommandCase().name());
		};
	}

	private static FsRecord create(CreateFsCommand command, MdsTx tx) {
		if (byName(tx, command.getName()).isPresent()) {
			throw new CurveException(ErrorCode.FS_EXISTS, "a file system named '" + command.getName() + "' exists");
		}
		FsRecord fs = FsRecord.newBuilder()
			.setId((int) tx.nextId(FS_COUNTER))
			.setName(command.getName())
			.setOwner(command.getOwner())
			.setChunkSize(command.getChunkSize())
			.setBlockSize(command.getBlockSize())
			.setCtimeMs(command.getNowMs())
			.setPartitionInodes(command.getPartitionInodes())
			.build();
		tx.put(MdsSchema.FILE_SYSTEMS, fs.getId(), fs);
		for (int i = 0; i < command.getPartitions(); i++) {
			newPartition(fs, tx);
		}
		return fs;
	}

	/**
	 * Records the file system's next partition (CREATING) on the next copyset of the
	 * fs-metadata pools, round robin over all of them (each pool's cursor is its
	 * next_copyset, unused otherwise: volumes never go to these pools). Partition n holds
	 * inode ids from 1 + (n - 1) * partition_inodes, so the first holds the root (1).
	 */
	private static PartitionRecord newPartition(FsRecord fs, MdsTx tx) {
		List<CopysetRecord> copysets = metadataCopysets(tx);
		if (copysets.isEmpty()) {
			throw noMetadataPool();
		}
		// one cursor for all pools: the one of the first pool
		LogicalPoolRecord first = tx.get(MdsSchema.LOGICAL_POOLS, copysets.get(0).getLogicalPoolId()).orElseThrow();
		CopysetRecord copyset = copysets.get((int) (first.getNextCopyset() % copysets.size()));
		tx.put(MdsSchema.LOGICAL_POOLS, first.getId(),
				first.toBuilder().setNextCopyset((first.getNextCopyset() + 1) % copysets.size()).build());
		int partitionId = partitions(tx, fs.getId()).stream().mapToInt(PartitionRecord::getPartitionId).max().orElse(0)
				+ 1;
		long start = 1 + (partitionId - 1L) * fs.getPartitionInodes();
		PartitionRecord partition = PartitionRecord.newBuilder()
			.setFsId(fs.getId())
			.setPartitionId(partitionId)
			.setStartInode(start)
			.setEndInode(start + fs.getPartitionInodes())
			.setLogicalPoolId(copyset.getLogicalPoolId())
			.setCopysetId(copyset.getCopysetId())
			.setStatus(PartitionStatus.PARTITION_CREATING)
			.build();
		tx.put(MdsSchema.FS_PARTITIONS, new PartitionKey(fs.getId(), partitionId), partition);
		return partition;
	}

	/** Copysets with members of every fs-metadata pool, in key order (the same on every member). */
	static List<CopysetRecord> metadataCopysets(MdsReader db) {
		List<CopysetRecord> copysets = new ArrayList<>();
		for (LogicalPoolRecord pool : db.list(MdsSchema.LOGICAL_POOLS)) {
			if (pool.getKind() == LogicalPoolKind.LOGICAL_POOL_KIND_FS_METADATA) {
				db.list(MdsSchema.COPYSETS)
					.stream()
					.filter(c -> c.getLogicalPoolId() == pool.getId() && c.getChunkServerIdsCount() > 0)
					.forEach(copysets::add);
			}
		}
		return copysets;
	}

	static CurveException noMetadataPool() {
		return new CurveException(ErrorCode.NO_METADATA_POOL, "no logical pool of kind fs-metadata has copysets: "
				+ "add one to the topology (kind: fs-metadata) on servers where metaservers run");
	}

	private static FsRecord delete(DeleteFsCommand command, MdsTx tx) {
		FsRecord fs = byName(tx, command.getName())
			.filter(f -> new Caller(command.getCaller()).mayUse(f.getOwner()))
			.orElseThrow(() -> notFound(command.getName()));
		long mounts = tx.list(MdsSchema.FS_MOUNTS)
			.stream()
			.filter(m -> m.getFsId() == fs.getId() && m.getExpiresMs() > command.getNowMs())
			.count();
		if (mounts > 0) {
			throw new CurveException(ErrorCode.FS_MOUNTED, "file system '" + fs.getName() + "' is mounted " + mounts
					+ " time(s); unmount it first");
		}
		tx.list(MdsSchema.FS_MOUNTS)
			.stream()
			.filter(m -> m.getFsId() == fs.getId())
			.forEach(m -> tx.delete(MdsSchema.FS_MOUNTS, m.getId()));
		for (PartitionRecord p : partitions(tx, fs.getId())) {
			tx.put(MdsSchema.FS_PARTITIONS, new PartitionKey(fs.getId(), p.getPartitionId()),
					p.toBuilder().setStatus(PartitionStatus.PARTITION_DELETING).build());
		}
		tx.delete(MdsSchema.FILE_SYSTEMS, fs.getId());
		return fs;
	}

	/** The newest partition when it is newer than the caller's, else a new one. */
	private static PartitionRecord addPartition(AddPartitionCommand command, MdsTx tx) {
		FsRecord fs = requireFs(tx, command.getFsId());
		List<PartitionRecord> partitions = partitions(tx, fs.getId());
		PartitionRecord newest = partitions.get(partitions.size() - 1);
		if (newest.getPartitionId() > command.getKnownPartitionId()) {
			return newest;
		}
		return newPartition(fs, tx);
	}

	private static Object partitionDone(PartitionDoneCommand command, MdsTx tx) {
		PartitionKey key = new PartitionKey(command.getFsId(), command.getPartitionId());
		Optional<PartitionRecord> partition = tx.get(MdsSchema.FS_PARTITIONS, key);
		if (partition.isEmpty()) {
			return Boolean.FALSE;
		}
		PartitionStatus status = partition.get().getStatus();
		if (command.getDeleted() && status == PartitionStatus.PARTITION_DELETING) {
			tx.delete(MdsSchema.FS_PARTITIONS, key);
		}
		else if (!command.getDeleted() && status == PartitionStatus.PARTITION_CREATING) {
			tx.put(MdsSchema.FS_PARTITIONS, key, partition.get().toBuilder().setStatus(PartitionStatus.PARTITION_READY).build());
		}
		// anything else: a late answer for a partition deleted meanwhile, changes nothing
		return Boolean.TRUE;
	}

	private static MountRecord mount(MountCommand command, MdsTx tx) {
		FsRecord fs = requireFs(tx, command.getFsId());
		new Caller(command.getCaller()).requireOwner(fs.getOwner(), "file system '" + fs.getName() + "'");
		MountRecord mount = MountRecord.newBuilder()
			.setId(tx.nextId(MOUNT_COUNTER))
			.setFsId(fs.getId())
			.setHost(command.getHost())
			.setMountPoint(command.getMountPoint())
			.setCacheMode(command.getCacheMode())
			.setExpiresMs(command.getNowMs() + command.getLeaseMs())
			.setCaller(command.getCaller())
			.build();
		tx.put(MdsSchema.FS_MOUNTS, mount.getId(), mount);
		return mount;
	}

	private static MountRecord refresh(RefreshMountCommand command, MdsTx tx) {
		MountRecord mount = requireMount(tx, command.getFsId(), command.getMountId(), command.getNowMs());
		MountRecord renewed = mount.toBuilder().setExpiresMs(command.getNowMs() + command.getLeaseMs()).build();
		tx.put(MdsSchema.FS_MOUNTS, mount.getId(), renewed);
		return renewed;
	}

	/** The mount, alive at nowMs (0: whether or not its lease ran out). */
	private static MountRecord requireMount(MdsReader db, int fsId, long mountId, long nowMs) {
		return db.get(MdsSchema.FS_MOUNTS, mountId)
			.filter(m -> m.getFsId() == fsId && (nowMs == 0 || m.getExpiresMs() > nowMs))
			.orElseThrow(() -> new CurveException(ErrorCode.MOUNT_NOT_FOUND, "no mount " + mountId
					+ " of file system " + fsId + " (its lease expired, or it was unmounted): mount again"));
	}

	private static List<MountRecord> expireMounts(long nowMs, MdsTx tx) {
		List<MountRecord> expired = tx.list(MdsSchema.FS_MOUNTS).stream().filter(m -> m.getExpiresMs() <= nowMs).toList();
		expired.forEach(m -> tx.delete(MdsSchema.FS_MOUNTS, m.getId()));
		return expired;
	}

	/** The first id of count new ones, from one cluster-wide counter. */
	private static Long allocateChunkIds(int fsId, int count, MdsTx tx) {
		requireFs(tx, fsId);
		String key = MdsSchema.counterKey(CHUNK_COUNTER);
		long last = tx.get(MdsSchema.COUNTERS, key).orElse(0L);
		tx.put(MdsSchema.COUNTERS, key, last + count);
		return last + 1;
	}

	private static FsTxRecord beginTx(BeginTxCommand command, MdsTx tx) {
		requireFs(tx, command.getFsId());
		requireMount(tx, command.getFsId(), command.getMountId(), command.getNowMs());
		FsTxRecord record = FsTxRecord.newBuilder()
			.setId(tx.nextId(TX_COUNTER))
			.setFsId(command.getFsId())
			.setMountId(command.getMountId())
			.setState(TxState.TX_PENDING)
			.setBeginMs(command.getNowMs())
			.setDeadlineMs(command.getDeadlineMs())
			.addAllPartitionIds(command.getPartitionIdsList())
			.build();
		tx.put(MdsSchema.FS_TXS, record.getId(), record);
		return record;
	}

	/**
	 * Ends a PENDING transaction; an ended one is answered as it is. A commit past the
	 * deadline aborts it instead (the caller answers TX_ABORTED): after the deadline any
	 * client may have aborted it already and must find the same outcome.
	 */
	private static FsTxRecord endTx(EndTxCommand command, MdsTx tx) {
		FsTxRecord record = tx.get(MdsSchema.FS_TXS, command.getTxId())
			.filter(t -> t.getFsId() == command.getFsId())
			.orElseThrow(() -> new CurveException(ErrorCode.TX_NOT_FOUND,
					"no transaction " + command.getTxId() + " in file system " + command.getFsId()));
		if (record.getState() != TxState.TX_PENDING) {
			return record;
		}
		boolean pastDeadline = command.getNowMs() > record.getDeadlineMs();
		TxState state;
		if (command.getCommit()) {
			state = pastDeadline ? TxState.TX_ABORTED : TxState.TX_COMMITTED;
		}
		else {
			if (!pastDeadline && command.getMountId() != record.getMountId()) {
				throw new CurveException(ErrorCode.TX_PENDING, "transaction " + record.getId()
						+ " belongs to another mount until its deadline (" + record.getDeadlineMs() + " ms)");
			}
			state = TxState.TX_ABORTED;
		}
		FsTxRecord ended = record.toBuilder().setState(state).build();
		tx.put(MdsSchema.FS_TXS, ended.getId(), ended);
		return ended;
	}

	static Optional<FsRecord> byName(MdsReader db, String name) {
		return db.list(MdsSchema.FILE_SYSTEMS).stream().filter(f -> f.getName().equals(name)).findFirst();
	}

	static FsRecord requireFs(MdsReader db, int fsId) {
		return db.get(MdsSchema.FILE_SYSTEMS, fsId)
			.orElseThrow(() -> new CurveException(ErrorCode.FS_NOT_FOUND, "no file system with id " + fsId));
	}

	static List<PartitionRecord> partitions(MdsReader db, int fsId) {
		return db.list(MdsSchema.FS_PARTITIONS, MdsSchema.partitionsOf(fsId));
	}

	static CurveException notFound(String name) {
		return new CurveException(ErrorCode.FS_NOT_FOUND, "no file system named '" + name + "' among yours");
	}

}
