package io.curve4j.mds.fs;

import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.raft.PeriodicRounds;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.fs.v1.FsCapability;
import io.curve4j.proto.fs.v1.FsInfo;
import io.curve4j.proto.fs.v1.MountRequest;
import io.curve4j.proto.fs.v1.MountResponse;
import io.curve4j.proto.fs.v1.ObjectStoreInfo;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.fs.v1.PartitionStatus;
import io.curve4j.proto.fs.v1.TxState;
import io.curve4j.proto.mds.v1.AddPartitionCommand;
import io.curve4j.proto.mds.v1.AllocateChunkIdsCommand;
import io.curve4j.proto.mds.v1.BeginTxCommand;
import io.curve4j.proto.mds.v1.CreateFsCommand;
import io.curve4j.proto.mds.v1.DeleteFsCommand;
import io.curve4j.proto.mds.v1.EndTxCommand;
import io.curve4j.proto.mds.v1.ExpireMountsCommand;
import io.curve4j.proto.mds.v1.FsRecord;
import io.curve4j.proto.mds.v1.FsTxRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.MountCommand;
import io.curve4j.proto.mds.v1.MountRecord;
import io.curve4j.proto.mds.v1.PartitionDoneCommand;
import io.curve4j.proto.mds.v1.PartitionRecord;
import io.curve4j.proto.mds.v1.RefreshMountCommand;
import io.curve4j.proto.mds.v1.UmountCommand;

/**
 * CurveFS file systems on the leader, for users (REST) and mounts (gRPC): every change is
 * one Raft entry ({@link FsCommands}). Partitions are recorded CREATING and created on
 * their metaserver copysets right after (then READY); the leader's rounds retry those not
 * created yet, delete those of deleted file systems, drop mounts whose lease ran out and
 * abort rename transactions left PENDING past their deadline. Followers do nothing.
 */
@Service
public class FileSystems implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(FileSystems.class);

	static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	static final int INITIAL_PARTITIONS = 3;

	static final long CHUNK_SIZE = 64L << 20;

	static final long BLOCK_SIZE = 4L << 20;

	/** Most chunk ids one call may take. */
	static final int MAX_CHUNK_IDS = 1 << 20;

	private final MdsRaft raft;

	private final MdsStore store;

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final MdsProperties.Fs settings;

	/** Null without a data key: capabilities are then not signed (metaservers check nothing). */
	private final FsCapabilities capabilities;

	private final MetaPartitions metaservers;

	private final PeriodicRounds rounds;

	public FileSystems(MdsRaft raft, MdsStore store, TopologyService topology, ChunkServerStates states,
			MdsProperties properties) {
		this.raft = raft;
		this.store = store;
		this.topology = topology;
		this.states = states;
		this.settings = properties.getFs();
		String dataKey = properties.getAuth().resolveDataKey();
		this.capabilities = dataKey == null ? null : FsCapabilities.fromSecret(dataKey);
		this.metaservers = new MetaPartitions(this.capabilities);
		this.rounds = new PeriodicRounds("mds-fs", this::round, this.settings.getInterval());
	}

	/** A file system with its partitions and mounts. */
	public record FsState(FsRecord fs, List<PartitionRecord> partitions, List<MountRecord> mounts) {

		public boolean ready() {
			return this.partitions.stream().allMatch(p -> p.getStatus() == PartitionStatus.PARTITION_READY);
		}

	}

	/** Creates a file system owned by the caller, and its partitions on the metaservers. */
	public FsState create(String name, Caller caller) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new CurveException(ErrorCode.INVALID_FS_NAME,
					"a file system name is 1 to 64 letters, digits, '.', '_' or '-'; got '" + name + "'");
		}
		FsRecord fs = (FsRecord) this.raft.propose(MdsCommand.newBuilder()
			.setCreateFs(CreateFsCommand.newBuilder()
				.setName(name)
				.setOwner(caller.name())
				.setNowMs(System.currentTimeMillis())
				.setChunkSize(CHUNK_SIZE)
				.setBlockSize(BLOCK_SIZE)
				.setPartitionInodes(this.settings.getPartitionInodes())
				.setPartitions(INITIAL_PARTITIONS))
			.build());
		settle(fs.getId());
		return state(fs);
	}

	/** The caller's file systems (all for root), by id. */
	public List<FsState> list(Caller caller) {
		return this.raft.read(() -> this.store.list(MdsSchema.FILE_SYSTEMS)
			.stream()
			.filter(fs -> caller.mayUse(fs.getOwner()))
			.map(this::state)
			.toList());
	}

	/** FS_NOT_FOUND also when it is another user's. */
	public FsState get(String name, Caller caller) {
		return this.raft.read(() -> FsCommands.byName(this.store, name)
			.filter(fs -> caller.mayUse(fs.getOwner()))
			.map(this::state)
			.orElseThrow(() -> FsCommands.notFound(name)));
	}

	/**
	 * Deletes a file system that is not mounted; its partitions are removed from the
	 * metaservers now or by a later round. Its objects in S3 stay (left to a garbage
	 * collection of the bucket).
	 */
	public void delete(String name, Caller caller) {
		FsRecord fs = (FsRecord) this.raft.propose(MdsCommand.newBuilder()
			.setDeleteFs(DeleteFsCommand.newBuilder()
				.setName(name == null ? "" : name)
				.setCaller(caller.name())
				.setNowMs(System.currentTimeMillis()))
			.build());
		settle(fs.getId());
	}

	public FsInfo info(String name, Caller caller) {
		return toInfo(get(name, caller).fs());
	}

	public MountResponse mount(MountRequest request, Caller caller) {
		FsRecord fs = get(request.getFsName(), caller).fs();
		MountRecord mount = (MountRecord) this.raft.propose(MdsCommand.newBuilder()
			.setMount(MountCommand.newBuilder()
				.setFsId(fs.getId())
				.setHost(request.getHost())
				.setMountPoint(request.getMountPoint())
				.setCacheMode(request.getCacheMode())
				.setCaller(caller.name())
				.setNowMs(System.currentTimeMillis())
				.setLeaseMs(this.settings.getMountLease().toMillis()))
			.build());
		return mountResponse(fs, mount);
	}

	public MountResponse refresh(int fsId, long mountId, Caller caller) {
		FsRecord fs = fs(fsId, caller);
		MountRecord mount = (MountRecord) this.raft.propose(MdsCommand.newBuilder()
			.setRefreshMount(RefreshMountCommand.newBuilder()
				.setFsId(fsId)
				.setMountId(mountId)
				.setNowMs(System.currentTimeMillis())
				.setLeaseMs(this.settings.getMountLease().toMillis()))
			.build());
		return mountResponse(fs, mount);
	}

	public void umount(int fsId, long mountId, Caller caller) {
		fs(fsId, caller);
		this.raft.propose(MdsCommand.newBuilder()
			.setUmount(UmountCommand.newBuilder().setFsId(fsId).setMountId(mountId))
			.build());
	}

	public List<PartitionInfo> partitions(int fsId, Caller caller) {
		fs(fsId, caller);
		return partitionInfos(fsId);
	}

	/** A partition newer than the caller's newest, added now unless another caller added one already. */
	public List<PartitionInfo> addPartition(int fsId, int knownPartitionId, Caller caller) {
		fs(fsId, caller);
		this.raft.propose(MdsCommand.newBuilder()
			.setAddPartition(AddPartitionCommand.newBuilder().setFsId(fsId).setKnownPartitionId(knownPartitionId))
			.build());
		settle(fsId);
		return partitionInfos(fsId);
	}

	/** The first of count chunk ids never handed out before. */
	public long allocateChunkIds(int fsId, int count, Caller caller) {
		if (count < 1 || count > MAX_CHUNK_IDS) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"ask for 1 to " + MAX_CHUNK_IDS + " chunk ids, not " + count);
		}
		fs(fsId, caller);
		return (Long) this.raft.propose(MdsCommand.newBuilder()
			.setAllocateChunkIds(AllocateChunkIdsCommand.newBuilder().setFsId(fsId).setCount(count))
			.build());
	}

	public FsTxRecord beginTx(int fsId, long mountId, List<Integer> partitionIds, Caller caller) {
		fs(fsId, caller);
		long now = System.currentTimeMillis();
		return (FsTxRecord) this.raft.propose(MdsCommand.newBuilder()
			.setBeginTx(BeginTxCommand.newBuilder()
				.setFsId(fsId)
				.setMountId(mountId)
				.addAllPartitionIds(partitionIds)
				.setNowMs(now)
				.setDeadlineMs(now + this.settings.getTxTimeout().toMillis()))
			.build());
	}

	/** The commit point of a rename: TX_ABORTED when it was aborted or its deadline passed first. */
	public FsTxRecord commitTx(int fsId, long txId, long mountId, Caller caller) {
		FsTxRecord tx = endTx(fsId, txId, mountId, true, caller);
		if (tx.getState() != TxState.TX_COMMITTED) {
			throw new CurveException(ErrorCode.TX_ABORTED, "transaction " + txId
					+ " was aborted (by a client, or its deadline passed): nothing of it happened");
		}
		return tx;
	}

	public FsTxRecord abortTx(int fsId, long txId, long mountId, Caller caller) {
		return endTx(fsId, txId, mountId, false, caller);
	}

	public FsTxRecord getTx(int fsId, long txId, Caller caller) {
		fs(fsId, caller);
		return this.raft.read(() -> this.store.get(MdsSchema.FS_TXS, txId))
			.filter(t -> t.getFsId() == fsId)
			.orElseThrow(() -> new CurveException(ErrorCode.TX_NOT_FOUND,
					"no transaction " + txId + " in file system " + fsId));
	}

	private FsTxRecord endTx(int fsId, long txId, long mountId, boolean commit, Caller caller) {
		fs(fsId, caller);
		return (FsTxRecord) this.raft.propose(MdsCommand.newBuilder()
			.setEndTx(EndTxCommand.newBuilder()
				.setFsId(fsId)
				.setTxId(txId)
				.setMountId(mountId)
				.setCommit(commit)
				.setNowMs(System.currentTimeMillis()))
			.build());
	}

	/** The file system by id, if the caller may use it. */
	private FsRecord fs(int fsId, Caller caller) {
		return this.raft.read(() -> this.store.get(MdsSchema.FILE_SYSTEMS, fsId))
			.filter(fs -> caller.mayUse(fs.getOwner()))
			.orElseThrow(() -> new CurveException(ErrorCode.FS_NOT_FOUND, "no file system with id " + fsId
					+ " among yours"));
	}

	private FsState state(FsRecord fs) {
		return new FsState(fs, FsCommands.partitions(this.store, fs.getId()), this.store.list(MdsSchema.FS_MOUNTS)
			.stream()
			.filter(m -> m.getFsId() == fs.getId())
			.toList());
	}

	private MountResponse mountResponse(FsRecord fs, MountRecord mount) {
		long lease = this.settings.getMountLease().toMillis();
		long expires = System.currentTimeMillis() + 3 * lease;
		int rights = FsCapabilities.READ | FsCapabilities.WRITE;
		FsCapability capability = this.capabilities != null
				? this.capabilities.issue(fs.getId(), mount.getId(), rights, expires)
				: FsCapability.newBuilder()
					.setFsId(fs.getId())
					.setMountId(mount.getId())
					.setRights(rights)
					.setExpiresMs(expires)
					.build();
		MdsProperties.ObjectStore s3 = this.settings.getObjectStore();
		return MountResponse.newBuilder()
			.setFs(toInfo(fs))
			.setMountId(mount.getId())
			.setLeaseMs(lease)
			.setCapability(capability)
			.addAllPartitions(partitionInfos(fs.getId()))
			.setObjectStore(ObjectStoreInfo.newBuilder()
				.setEndpoint(s3.getEndpoint())
				.setBucket(s3.getBucket())
				.setRegion(s3.getRegion())
				.setAccessKey(s3.getAccessKey())
				.setSecretKey(s3.getSecretKey())
				.setKeyPrefix(s3.getKeyPrefix()))
			.build();
	}

	static FsInfo toInfo(FsRecord fs) {
		return FsInfo.newBuilder()
			.setFsId(fs.getId())
			.setName(fs.getName())
			.setOwner(fs.getOwner())
			.setChunkSize(fs.getChunkSize())
			.setBlockSize(fs.getBlockSize())
			.setCtimeMs(fs.getCtimeMs())
			.setRootInode(MetaPartitions.ROOT_INODE)
			.setPartitionInodes(fs.getPartitionInodes())
			.build();
	}

	private List<PartitionInfo> partitionInfos(int fsId) {
		return this.raft.read(() -> {
			Topology current = Topology.load(this.store);
			return FsCommands.partitions(this.store, fsId).stream().map(p -> {
				CopysetKey key = CopysetKey.newBuilder()
					.setLogicalPoolId(p.getLogicalPoolId())
					.setCopysetId(p.getCopysetId())
					.build();
				PartitionInfo.Builder info = PartitionInfo.newBuilder()
					.setFsId(p.getFsId())
					.setPartitionId(p.getPartitionId())
					.setStartInode(p.getStartInode())
					.setEndInode(p.getEndInode())
					.setStatus(p.getStatus());
				current.copyset(key).ifPresent(c -> info.setCopyset(this.states.members(current, c)));
				return info.build();
			}).toList();
		});
	}

	/** Creates (or deletes) the partitions of one file system not settled yet; what fails is left to the rounds. */
	private void settle(int fsId) {
		try {
			settle(this.raft.read(() -> FsCommands.partitions(this.store, fsId)));
		}
		catch (RuntimeException ex) {
			log.info("partitions of file system {} not settled yet, the next round retries: {}", fsId, ex.toString());
		}
	}

	private void settle(List<PartitionRecord> partitions) {
		Topology current = this.topology.current();
		for (PartitionRecord p : partitions) {
			if (p.getStatus() == PartitionStatus.PARTITION_READY) {
				continue;
			}
			FsRecord fs = this.raft.read(() -> this.store.get(MdsSchema.FILE_SYSTEMS, p.getFsId())).orElse(null);
			boolean deleting = p.getStatus() == PartitionStatus.PARTITION_DELETING;
			if (this.raft.isLeader() && this.metaservers.settle(p, fs, current, this.states)) {
				this.raft.propose(MdsCommand.newBuilder()
					.setPartitionDone(PartitionDoneCommand.newBuilder()
						.setFsId(p.getFsId())
						.setPartitionId(p.getPartitionId())
						.setDeleted(deleting))
					.build());
			}
		}
	}

	void round() {
		try {
			if (!this.raft.isLeader()) {
				return;
			}
			long now = System.currentTimeMillis();
			boolean expired = this.raft
				.read(() -> this.store.list(MdsSchema.FS_MOUNTS).stream().anyMatch(m -> m.getExpiresMs() <= now));
			if (expired) {
				this.raft.propose(MdsCommand.newBuilder()
					.setExpireMounts(ExpireMountsCommand.newBuilder().setNowMs(now))
					.build());
			}
			List<FsTxRecord> overdue = this.raft.read(() -> this.store.list(MdsSchema.FS_TXS)
				.stream()
				.filter(t -> t.getState() == TxState.TX_PENDING && t.getDeadlineMs() < now)
				.toList());
			for (FsTxRecord tx : overdue) {
				this.raft.propose(MdsCommand.newBuilder()
					.setEndTx(EndTxCommand.newBuilder().setFsId(tx.getFsId()).setTxId(tx.getId()).setNowMs(now))
					.build());
			}
			settle(this.raft.read(() -> this.store.list(MdsSchema.FS_PARTITIONS)
				.stream()
				.filter(p -> p.getStatus() != PartitionStatus.PARTITION_READY)
				.toList()));
		}
		catch (RuntimeException ex) {
			// a lost leadership or an unreachable metaserver: the next round takes it up again
			log.warn("file system round stopped: {}", ex.toString());
		}
	}

	@Override
	public void start() {
		this.rounds.start();
	}

	@Override
	public void stop() {
		this.rounds.stop();
		this.metaservers.close();
	}

	@Override
	public boolean isRunning() {
		return this.rounds.isRunning();
	}

}
