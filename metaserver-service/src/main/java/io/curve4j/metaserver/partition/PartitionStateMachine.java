package io.curve4j.metaserver.partition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.google.protobuf.InvalidProtocolBufferException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.TxPendingException;
import io.curve4j.common.fs.NewInodes;
import io.curve4j.common.raft.CheckpointSnapshots;
import io.curve4j.common.raft.CommandStateMachine;
import io.curve4j.common.store.Codec;
import io.curve4j.common.store.ColumnFamily;
import io.curve4j.common.store.KeyPrefix;
import io.curve4j.common.store.RocksStore;
import io.curve4j.membership.MembershipEpoch;
import io.curve4j.metaserver.partition.PartitionSchema.DentryKey;
import io.curve4j.metaserver.partition.PartitionSchema.InodeKey;
import io.curve4j.proto.metaserver.v1.AppendPiecesRequest;
import io.curve4j.proto.metaserver.v1.BatchOp;
import io.curve4j.proto.metaserver.v1.BatchRequest;
import io.curve4j.proto.metaserver.v1.BatchResponse;
import io.curve4j.proto.metaserver.v1.BatchResult;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.CompactPiecesRequest;
import io.curve4j.proto.metaserver.v1.CreateDentryRequest;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.CreatePartitionRequest;
import io.curve4j.proto.metaserver.v1.DeleteDentryRequest;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.DentryResponse;
import io.curve4j.proto.metaserver.v1.ForgetRetiredRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.LinkInodeRequest;
import io.curve4j.proto.metaserver.v1.MarkUploadedRequest;
import io.curve4j.proto.metaserver.v1.MetaCommand;
import io.curve4j.proto.metaserver.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.PendingRename;
import io.curve4j.proto.metaserver.v1.Piece;
import io.curve4j.proto.metaserver.v1.PrepareRenameRequest;
import io.curve4j.proto.metaserver.v1.RemoveXattrRequest;
import io.curve4j.proto.metaserver.v1.RenameMode;
import io.curve4j.proto.metaserver.v1.RenameRequest;
import io.curve4j.proto.metaserver.v1.RenameResponse;
import io.curve4j.proto.metaserver.v1.ReserveInodesRequest;
import io.curve4j.proto.metaserver.v1.ReserveInodesResponse;
import io.curve4j.proto.metaserver.v1.ResolveTxRequest;
import io.curve4j.proto.metaserver.v1.RetiredPiece;
import io.curve4j.proto.metaserver.v1.SetAttrRequest;
import io.curve4j.proto.metaserver.v1.SetXattrRequest;

/**
 * Applies a metaserver copyset's log to its {@link PartitionStore}: each entry's changes
 * and the entry's index in one RocksDB batch. Refusals ({@link CurveException}) are
 * deterministic and change nothing. Results: the {@link Inode} or {@link Dentry} changed,
 * a {@link RenameResponse}, or null.
 */
public final class PartitionStateMachine extends CommandStateMachine<MetaCommand> {

	/** POSIX NAME_MAX, in bytes. */
	static final int MAX_NAME_BYTES = 255;

	private static final long NANOS_PER_MILLI = 1_000_000L;

	private final PartitionStore store;

	private final MembershipEpoch epoch;

	/**
	 * @param initialPeers the copyset's members at creation, from which membership
	 * changes are counted
	 */
	public PartitionStateMachine(String name, PartitionStore store, List<String> initialPeers) {
		super(name, new CheckpointSnapshots(store), store.appliedIndex());
		this.store = store;
		this.epoch = new MembershipEpoch(name, initialPeers);
		store.membershipEpoch().ifPresent(this.epoch::restore);
	}

	/** Membership changes of the copyset counted so far (kept in the database, so in its snapshots too). */
	public long epoch() {
		return this.epoch.value();
	}

	@Override
	protected void membersCommitted(List<String> peers) {
		long before = this.epoch.value();
		this.epoch.committed(peers);
		if (this.epoch.value() != before) {
			this.store.saveMembershipEpoch(this.epoch.value());
		}
	}

	@Override
	protected void snapshotLoaded(long lastIncludedIndex) {
		this.store.membershipEpoch().ifPresent(this.epoch::restore);
	}

	public PartitionStore store() {
		return this.store;
	}

	@Override
	protected MetaCommand decode(long index, ByteBuffer data) {
		try {
			return MetaCommand.parseFrom(data);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "entry " + index + " is not a metaserver command");
		}
	}

	@Override
	protected Object apply(long index, MetaCommand command) {
		try (RocksStore.Batch batch = this.store.batch()) {
			Object result = new Change(batch, command.getTimeMs()).apply(command);
			this.store.write(batch, index);
			return result;
		}
	}

	/** One entry's changes, read and written through its batch. */
	private static final class Change {

		private final RocksStore.Batch batch;

		private final long nowMs;

		Change(RocksStore.Batch batch, long nowMs) {
			this.batch = batch;
			this.nowMs = nowMs;
		}

		Object apply(MetaCommand command) {
			return switch (command.getOpCase()) {
				case CREATE_PARTITION -> createPartition(command.getCreatePartition());
				case DELETE_PARTITION -> deletePartition(command.getDeletePartition().getPartition().getPartitionId());
				case CREATE_INODE -> createInode(command.getCreateInode());
				case SET_ATTR -> setAttr(command.getSetAttr());
				case APPEND_PIECES -> appendPieces(command.getAppendPieces());
				case LINK_INODE -> linkInode(command.getLinkInode());
				case SET_XATTR -> setXattr(command.getSetXattr());
				case REMOVE_XATTR -> removeXattr(command.getRemoveXattr());
				case CREATE_DENTRY -> createDentry(command.getCreateDentry());
				case DELETE_DENTRY -> deleteDentry(command.getDeleteDentry());
				case RENAME -> rename(command.getRename());
				case PREPARE_RENAME -> prepareRename(command.getPrepareRename());
				case RESOLVE_TX -> resolveTx(command.getResolveTx());
				case PURGE_INODE -> purgeInode(command.getPurgeInode().getPartition().getPartitionId(),
						command.getPurgeInode().getInodeId());
				case RESERVE_COMPACTION -> reserveCompaction(command.getReserveCompaction());
				case COMPACT_PIECES -> compactPieces(command.getCompactPieces());
				case FORGET_RETIRED -> forgetRetired(command.getForgetRetired());
				case MARK_UPLOADED -> markUploaded(command.getMarkUploaded());
				case RESERVE_INODES -> reserveInodes(command.getReserveInodes());
				case BATCH -> batch(command.getBatch());
				case OP_NOT_SET -> throw new CurveException(ErrorCode.INVALID_ARGUMENT, "an empty metaserver command");
			};
		}

		// partitions

		private Object createPartition(CreatePartitionRequest request) {
			int id = request.getPartition().getPartitionId();
			if (request.getStartInode() < 1 || request.getEndInode() <= request.getStartInode()) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "partition " + id + " needs an inode range "
						+ "1 <= start < end, not [" + request.getStartInode() + ", " + request.getEndInode() + ")");
			}
			Optional<PartitionRecord> existing = this.batch.get(PartitionSchema.PARTITIONS, id);
			if (existing.isPresent()) {
				PartitionRecord p = existing.get();
				if (p.getFsId() != request.getFsId() || p.getStartInode() != request.getStartInode()
						|| p.getEndInode() != request.getEndInode()) {
					throw new CurveException(ErrorCode.INVALID_ARGUMENT, "partition " + id + " exists for file system "
							+ p.getFsId() + " with inodes [" + p.getStartInode() + ", " + p.getEndInode() + ")");
				}
				if (p.getChunkSize() == 0 && request.getChunkSize() != 0) {
					// made before the layout was sent: learns it from the MDS's repeated create
					this.batch.put(PartitionSchema.PARTITIONS, id,
							p.toBuilder().setChunkSize(request.getChunkSize()).setBlockSize(request.getBlockSize()).build());
				}
				return null;
			}
			long next = request.getStartInode();
			if (request.hasRoot()) {
				Inode root = request.getRoot();
				if (root.getInodeId() < request.getStartInode() || root.getInodeId() >= request.getEndInode()) {
					throw new CurveException(ErrorCode.INVALID_ARGUMENT,
							"the root inode " + root.getInodeId() + " is outside partition " + id);
				}
				long now = this.nowMs * NANOS_PER_MILLI;
				putInode(id, root.toBuilder()
					.setFsId(request.getFsId())
					.setType(InodeType.DIRECTORY)
					.setNlink(2)
					.setMode(root.getMode() & 07777)
					.setAtimeNs(now)
					.setMtimeNs(now)
					.setCtimeNs(now)
					.build());
				next = Math.max(next, root.getInodeId() + 1);
			}
			this.batch.put(PartitionSchema.PARTITIONS, id, PartitionRecord.newBuilder()
				.setFsId(request.getFsId())
				.setPartitionId(id)
				.setStartInode(request.getStartInode())
				.setEndInode(request.getEndInode())
				.setNextInode(next)
				.setChunkSize(request.getChunkSize())
				.setBlockSize(request.getBlockSize())
				.build());
			return null;
		}

		private Object deletePartition(int id) {
			KeyPrefix prefix = PartitionSchema.PARTITIONS.prefix(Codec.u32(), id);
			for (ColumnFamily<InodeKey, ?> cf : List.of(PartitionSchema.INODES, PartitionSchema.PENDING,
					PartitionSchema.CREATE_REQUESTS, PartitionSchema.TRASH, PartitionSchema.RETIRED)) {
				List<InodeKey> keys = new ArrayList<>();
				this.batch.scan(cf, prefix, (key, value) -> keys.add(key));
				keys.forEach(key -> this.batch.delete(cf, key));
			}
			List<DentryKey> dentries = new ArrayList<>();
			this.batch.scan(PartitionSchema.DENTRIES, prefix, (key, dentry) -> dentries.add(key));
			this.batch.scan(PartitionSchema.HELD_NAMES, prefix, (key, tx) -> dentries.add(key));
			dentries.forEach(key -> {
				this.batch.delete(PartitionSchema.DENTRIES, key);
				this.batch.delete(PartitionSchema.HELD_NAMES, key);
			});
			this.batch.delete(PartitionSchema.PARTITIONS, id);
			return null;
		}

		// inodes

		private Inode createInode(CreateInodeRequest request) {
			int id = request.getPartition().getPartitionId();
			PartitionRecord partition = partition(id);
			InodeKey requestKey = null;
			if (request.hasRequestId()) {
				// one key per client request: client id and request number mixed into the u64 slot
				requestKey = new InodeKey(id, request.getRequestId().getClient() ^ request.getRequestId().getRequest() * 0x9E3779B97F4A7C15L);
				Optional<Long> made = this.batch.get(PartitionSchema.CREATE_REQUESTS, requestKey);
				if (made.isPresent()) {
					return inode(id, made.get());
				}
			}
			boolean reserved = request.getInodeId() != 0;
			if (reserved) {
				if (request.getInodeId() < partition.getStartInode() || request.getInodeId() >= partition.getNextInode()) {
					throw new CurveException(ErrorCode.INVALID_ARGUMENT, "inode id " + request.getInodeId()
							+ " was not reserved in partition " + id);
				}
				if (this.batch.get(PartitionSchema.INODES, new InodeKey(id, request.getInodeId())).isPresent()) {
					throw new CurveException(ErrorCode.INVALID_ARGUMENT, "inode id " + request.getInodeId() + " is in use");
				}
			}
			else if (partition.getNextInode() >= partition.getEndInode()) {
				throw fullPartition(partition);
			}
			if (request.getType() == InodeType.INODE_TYPE_UNSPECIFIED) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "an inode needs a type");
			}
			if (request.getType() == InodeType.SYMLINK && request.getSymlinkTarget().isEmpty()) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a symbolic link needs a target");
			}
			// named in the same entry: every refusal before anything is written
			Inode.Builder parent = null;
			DentryKey name = null;
			if (!request.getName().isEmpty()) {
				checkName(request.getName());
				parent = directory(id, request.getParent());
				name = new DentryKey(id, request.getParent(), request.getName());
				requireNotHeld(name);
				if (this.batch.get(PartitionSchema.DENTRIES, name).isPresent()) {
					throw new CurveException(ErrorCode.DENTRY_EXISTS, "'" + request.getName() + "' exists");
				}
			}
			long time = request.getTimeNs() != 0 ? request.getTimeNs() : this.nowMs * NANOS_PER_MILLI;
			long inodeId = reserved ? request.getInodeId() : partition.getNextInode();
			Inode inode = NewInodes.of(partition.getFsId(), inodeId, request, time);
			if (requestKey != null) {
				inode = inode.toBuilder().setCreateRequest(requestKey.inode()).build();
			}
			putInode(id, inode);
			if (!reserved) {
				this.batch.put(PartitionSchema.PARTITIONS, id, partition.toBuilder().setNextInode(inodeId + 1).build());
			}
			if (requestKey != null) {
				this.batch.put(PartitionSchema.CREATE_REQUESTS, requestKey, inodeId);
			}
			if (name != null) {
				this.batch.put(PartitionSchema.DENTRIES, name, Dentry.newBuilder().setParent(name.parent())
					.setName(name.name()).setInodeId(inodeId).setType(inode.getType()).build());
				touchDirectory(id, parent, inode.getType() == InodeType.DIRECTORY ? 1 : 0);
			}
			return inode;
		}

		private Inode setAttr(SetAttrRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			if (request.getSetMode()) {
				inode.setMode(request.getMode() & 07777);
			}
			if (request.getSetUid()) {
				inode.setUid(request.getUid());
			}
			if (request.getSetGid()) {
				inode.setGid(request.getGid());
			}
			if (request.getSetLength()) {
				if (inode.getType() == InodeType.DIRECTORY) {
					throw new CurveException(ErrorCode.IS_A_DIRECTORY, "a directory has no length to set");
				}
				if (request.getLength() < inode.getLength()) {
					cutPieces(inode, request.getLength(), partition(id).getBlockSize(), this.nowMs);
				}
				inode.setLength(request.getLength());
				inode.setMtimeNs(this.nowMs * NANOS_PER_MILLI);
			}
			if (request.getSetAtime()) {
				inode.setAtimeNs(request.getAtimeNs());
			}
			if (request.getSetMtime()) {
				inode.setMtimeNs(request.getMtimeNs());
			}
			inode.setCtimeNs(request.getCtimeNs() != 0 ? request.getCtimeNs() : this.nowMs * NANOS_PER_MILLI);
			return putInode(id, inode.build());
		}

		/**
		 * Drops the pieces past length and shortens those across it: what was there reads as
		 * zeros if the file grows again. The blocks no piece reads any more retire (when the
		 * block size is known).
		 */
		private static void cutPieces(Inode.Builder inode, long length, long blockSize, long nowMs) {
			Map<Long, ChunkPieces> chunks = new java.util.TreeMap<>(inode.getChunksMap());
			inode.clearChunks();
			for (Map.Entry<Long, ChunkPieces> chunk : chunks.entrySet()) {
				ChunkPieces.Builder kept = ChunkPieces.newBuilder();
				for (Piece piece : chunk.getValue().getPiecesList()) {
					long cutTo = Math.max(0, Math.min(piece.getLength(), length - piece.getOffset()));
					if (cutTo > 0) {
						kept.addPieces(cutTo < piece.getLength() ? piece.toBuilder().setLength(cutTo).build() : piece);
					}
					long keptBlocks = blockSize == 0 ? 0 : (cutTo + blockSize - 1) / blockSize;
					long blocks = blockSize == 0 ? 0 : (piece.getLength() + blockSize - 1) / blockSize;
					if (keptBlocks < blocks) {
						inode.addRetired(RetiredPiece.newBuilder().setPiece(piece).setFromBlock(keptBlocks).setRetiredMs(nowMs));
					}
				}
				if (kept.getPiecesCount() > 0) {
					inode.putChunks(chunk.getKey(), kept.build());
				}
			}
		}

		private Inode appendPieces(AppendPiecesRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			if (inode.getType() != InodeType.FILE) {
				throw new CurveException(inode.getType() == InodeType.DIRECTORY ? ErrorCode.IS_A_DIRECTORY
						: ErrorCode.INVALID_ARGUMENT, "only regular files hold data, not inode " + request.getInodeId());
			}
			for (Map.Entry<Long, ChunkPieces> chunk : new java.util.TreeMap<>(request.getPiecesMap()).entrySet()) {
				ChunkPieces had = inode.getChunksOrDefault(chunk.getKey(), ChunkPieces.getDefaultInstance());
				Set<Long> recorded = had.getPiecesList().stream().map(Piece::getChunkId).collect(Collectors.toSet());
				// a chunk id names one piece: one already recorded is a retried append's
				List<Piece> added = chunk.getValue().getPiecesList().stream()
					.filter((piece) -> !recorded.contains(piece.getChunkId()))
					.toList();
				inode.putChunks(chunk.getKey(), had.toBuilder().addAllPieces(added).build());
			}
			inode.setLength(Math.max(inode.getLength(), request.getNewLength()));
			long mtime = request.getMtimeNs() != 0 ? request.getMtimeNs() : this.nowMs * NANOS_PER_MILLI;
			inode.setMtimeNs(mtime).setCtimeNs(mtime);
			return putInode(id, inode.build());
		}

		private ReserveInodesResponse reserveInodes(ReserveInodesRequest request) {
			int id = request.getPartition().getPartitionId();
			PartitionRecord partition = partition(id);
			if (request.getCount() < 1) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "reserve at least one inode id");
			}
			long first = partition.getNextInode();
			if (first >= partition.getEndInode()) {
				throw fullPartition(partition);
			}
			long count = Math.min(request.getCount(), partition.getEndInode() - first);
			this.batch.put(PartitionSchema.PARTITIONS, id, partition.toBuilder().setNextInode(first + count).build());
			return ReserveInodesResponse.newBuilder().setFirstInode(first).setCount((int) count).build();
		}

		/**
		 * Each op on its own: a refused one has written nothing (every op checks before it
		 * writes), so the others apply as if it had not been sent.
		 */
		private BatchResponse batch(BatchRequest request) {
			BatchResponse.Builder response = BatchResponse.newBuilder();
			for (BatchOp op : request.getOpsList()) {
				try {
					Inode inode = switch (op.getOpCase()) {
						case CREATE_INODE -> createInode(op.getCreateInode().toBuilder().setPartition(request.getPartition()).build());
						case APPEND_PIECES -> appendPieces(op.getAppendPieces().toBuilder().setPartition(request.getPartition()).build());
						case DELETE_DENTRY -> {
							DentryResponse removed = deleteDentry(
									op.getDeleteDentry().toBuilder().setPartition(request.getPartition()).build());
							yield removed.hasInode() ? removed.getInode() : null;
						}
						case OP_NOT_SET -> throw new CurveException(ErrorCode.INVALID_ARGUMENT, "an empty batch op");
					};
					BatchResult.Builder result = BatchResult.newBuilder();
					if (inode != null) {
						result.setInode(inode);
					}
					response.addResults(result);
				}
				catch (CurveException ex) {
					response.addResults(BatchResult.newBuilder().setErrorCode(ex.code().name()).setErrorMessage(ex.getMessage()));
				}
			}
			return response.build();
		}

		private static CurveException fullPartition(PartitionRecord partition) {
			return new CurveException(ErrorCode.PARTITION_FULL, "partition " + partition.getPartitionId()
					+ " has handed out every inode id of [" + partition.getStartInode() + ", " + partition.getEndInode() + ")");
		}

		private Inode reserveCompaction(GetInodeRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode inode = inode(id, request.getInodeId());
			return putInode(id, inode.toBuilder().setCompactions(inode.getCompactions() + 1).build());
		}

		/** Atomically: the list is old or new, never half-replaced; newer pieces keep their place after the merged ones. */
		private Inode compactPieces(CompactPiecesRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			List<Piece> current = inode.getChunksOrDefault(request.getChunkIndex(), ChunkPieces.getDefaultInstance())
				.getPiecesList();
			List<Piece> replaced = request.getReplaced().getPiecesList();
			if (replaced.isEmpty() || current.size() < replaced.size()
					|| !current.subList(0, replaced.size()).equals(replaced)) {
				throw new CurveException(ErrorCode.PIECES_CHANGED, "chunk " + request.getChunkIndex() + " of inode "
						+ request.getInodeId() + " no longer starts with the compacted pieces");
			}
			List<Piece> pieces = new ArrayList<>(request.getMerged().getPiecesList());
			pieces.addAll(current.subList(replaced.size(), current.size()));
			inode.putChunks(request.getChunkIndex(), ChunkPieces.newBuilder().addAllPieces(pieces).build());
			for (Piece piece : replaced) {
				inode.addRetired(RetiredPiece.newBuilder().setPiece(piece).setRetiredMs(this.nowMs));
			}
			return putInode(id, inode.build());
		}

		private Inode forgetRetired(ForgetRetiredRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			List<RetiredPiece> kept = inode.getRetiredList()
				.stream()
				.filter(r -> r.getRetiredMs() > request.getRetiredByMs())
				.toList();
			if (kept.isEmpty()) {
				this.batch.delete(PartitionSchema.RETIRED, new InodeKey(id, request.getInodeId()));
			}
			return putInode(id, inode.clearRetired().addAllRetired(kept).build());
		}

		/** Clears the pending mark of the named pieces wherever they are in the lists; others are left as they are. */
		private Inode markUploaded(MarkUploadedRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			Set<Long> uploaded = new HashSet<>(request.getChunkIdsList());
			for (Map.Entry<Long, ChunkPieces> chunk : Map.copyOf(inode.getChunksMap()).entrySet()) {
				ChunkPieces.Builder marked = chunk.getValue().toBuilder();
				for (Piece.Builder piece : marked.getPiecesBuilderList()) {
					if (uploaded.contains(piece.getChunkId())) {
						piece.setPendingMount(0);
					}
				}
				inode.putChunks(chunk.getKey(), marked.build());
			}
			return putInode(id, inode.build());
		}

		private Inode linkInode(LinkInodeRequest request) {
			int id = request.getPartition().getPartitionId();
			if (request.getDelta() != 1 && request.getDelta() != -1) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a link count changes by 1 or -1, not " + request.getDelta());
			}
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			int nlink = Math.max(0, inode.getNlink() + request.getDelta());
			if (inode.getNlink() == 0 && nlink > 0) {
				// linked again before the cleaner came: out of the trash
				this.batch.delete(PartitionSchema.TRASH, new InodeKey(id, inode.getInodeId()));
			}
			inode.setNlink(nlink)
				.setUnlinkedMs(nlink == 0 ? this.nowMs : 0)
				.setCtimeNs(request.getCtimeNs() != 0 ? request.getCtimeNs() : this.nowMs * NANOS_PER_MILLI);
			return putInode(id, inode.build());
		}

		private Inode setXattr(SetXattrRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			if (request.getName().isEmpty() || request.getName().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "an extended attribute name has 1 to 255 bytes");
			}
			boolean exists = inode.containsXattrs(request.getName());
			if (request.getCreateOnly() && exists) {
				throw new CurveException(ErrorCode.XATTR_EXISTS, "extended attribute " + request.getName() + " exists");
			}
			if (request.getReplaceOnly() && !exists) {
				throw new CurveException(ErrorCode.XATTR_NOT_FOUND, "no extended attribute " + request.getName());
			}
			inode.putXattrs(request.getName(), request.getValue()).setCtimeNs(this.nowMs * NANOS_PER_MILLI);
			return putInode(id, inode.build());
		}

		private Inode removeXattr(RemoveXattrRequest request) {
			int id = request.getPartition().getPartitionId();
			Inode.Builder inode = inode(id, request.getInodeId()).toBuilder();
			if (!inode.containsXattrs(request.getName())) {
				throw new CurveException(ErrorCode.XATTR_NOT_FOUND, "no extended attribute " + request.getName());
			}
			inode.removeXattrs(request.getName()).setCtimeNs(this.nowMs * NANOS_PER_MILLI);
			return putInode(id, inode.build());
		}

		private Object purgeInode(int partitionId, long inodeId) {
			InodeKey key = new InodeKey(partitionId, inodeId);
			Optional<Inode> inode = this.batch.get(PartitionSchema.INODES, key);
			if (inode.isPresent() && inode.get().getNlink() == 0) {
				this.batch.delete(PartitionSchema.INODES, key);
				this.batch.delete(PartitionSchema.TRASH, key);
				this.batch.delete(PartitionSchema.RETIRED, key);
				if (inode.get().getCreateRequest() != 0) {
					this.batch.delete(PartitionSchema.CREATE_REQUESTS, new InodeKey(partitionId, inode.get().getCreateRequest()));
				}
			}
			return null;
		}

		// dentries

		private Dentry createDentry(CreateDentryRequest request) {
			int id = request.getPartition().getPartitionId();
			Dentry dentry = request.getDentry();
			checkName(dentry.getName());
			Inode.Builder parent = directory(id, dentry.getParent());
			DentryKey key = new DentryKey(id, dentry.getParent(), dentry.getName());
			requireNotHeld(key);
			if (this.batch.get(PartitionSchema.DENTRIES, key).isPresent()) {
				throw new CurveException(ErrorCode.DENTRY_EXISTS, "'" + dentry.getName() + "' exists");
			}
			if (dentry.getInodeId() == 0 || dentry.getType() == InodeType.INODE_TYPE_UNSPECIFIED) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a dentry names an inode and its type");
			}
			Dentry stored = dentry.toBuilder().clearPendingTx().build();
			this.batch.put(PartitionSchema.DENTRIES, key, stored);
			touchDirectory(id, parent, isDirectory(stored) ? 1 : 0);
			return stored;
		}

		private DentryResponse deleteDentry(DeleteDentryRequest request) {
			int id = request.getPartition().getPartitionId();
			DentryKey key = new DentryKey(id, request.getParent(), request.getName());
			requireNotHeld(key);
			Dentry dentry = this.batch.get(PartitionSchema.DENTRIES, key)
				.filter(d -> request.getExpectedInode() == 0 || d.getInodeId() == request.getExpectedInode())
				.orElseThrow(() -> new CurveException(ErrorCode.DENTRY_NOT_FOUND, "no '" + request.getName() + "'"
						+ (request.getExpectedInode() == 0 ? "" : " naming inode " + request.getExpectedInode())));
			if (request.getDirectory() && !isDirectory(dentry)) {
				throw new CurveException(ErrorCode.NOT_A_DIRECTORY, "'" + request.getName() + "' is not a directory");
			}
			if (!request.getDirectory() && isDirectory(dentry)) {
				throw new CurveException(ErrorCode.IS_A_DIRECTORY, "'" + request.getName() + "' is a directory");
			}
			if (isDirectory(dentry)) {
				requireEmpty(id, dentry.getInodeId(), request.getName());
			}
			this.batch.delete(PartitionSchema.DENTRIES, key);
			touchDirectory(id, directory(id, request.getParent()), isDirectory(dentry) ? -1 : 0);
			DentryResponse.Builder response = DentryResponse.newBuilder().setDentry(dentry);
			Optional<Inode> named = this.batch.get(PartitionSchema.INODES, new InodeKey(id, dentry.getInodeId()));
			if (request.getUnlink() && named.isPresent()) {
				// a directory loses its name and its "." together
				int nlink = isDirectory(dentry) ? 0 : Math.max(0, named.get().getNlink() - 1);
				response.setInode(putInode(id, named.get().toBuilder().setNlink(nlink)
					.setUnlinkedMs(nlink == 0 ? this.nowMs : 0)
					.setCtimeNs(this.nowMs * NANOS_PER_MILLI)
					.build()));
			}
			return response.build();
		}

		// renames

		private RenameResponse rename(RenameRequest request) {
			int id = request.getPartition().getPartitionId();
			checkName(request.getDstName());
			directory(id, request.getSrcParent());
			directory(id, request.getDstParent());
			DentryKey src = new DentryKey(id, request.getSrcParent(), request.getSrcName());
			DentryKey dst = new DentryKey(id, request.getDstParent(), request.getDstName());
			requireNotHeld(src);
			requireNotHeld(dst);
			Dentry source = this.batch.get(PartitionSchema.DENTRIES, src)
				.filter(d -> request.getExpectedSrcInode() == 0 || d.getInodeId() == request.getExpectedSrcInode())
				.orElseThrow(() -> new CurveException(ErrorCode.DENTRY_NOT_FOUND, "no '" + request.getSrcName() + "'"));
			Dentry target = this.batch.get(PartitionSchema.DENTRIES, dst).orElse(null);
			if (src.equals(dst) || target != null && target.getInodeId() == source.getInodeId()
					&& request.getMode() != RenameMode.RENAME_NOREPLACE) {
				// POSIX: renaming a name onto itself, or onto another link of the same file, does nothing
				return RenameResponse.getDefaultInstance();
			}
			checkTarget(id, request.getMode(), source.getType(), target, request.getDstName());
			Dentry newSource = request.getMode() == RenameMode.RENAME_EXCHANGE
					? target.toBuilder().setParent(src.parent()).setName(src.name()).build() : null;
			Dentry newTarget = source.toBuilder().setParent(dst.parent()).setName(dst.name()).build();
			setName(src, source, newSource);
			setName(dst, target, newTarget);
			return RenameResponse.newBuilder()
				.setReplacedInode(target != null && request.getMode() == RenameMode.RENAME_REPLACE ? target.getInodeId() : 0)
				.build();
		}

		/** What the target name may hold for the mode; a directory is replaced only by a directory, and only when empty. */
		private void checkTarget(int partitionId, RenameMode mode, InodeType sourceType, Dentry target, String name) {
			switch (mode) {
				case RENAME_NOREPLACE -> {
					if (target != null) {
						throw new CurveException(ErrorCode.DENTRY_EXISTS, "'" + name + "' exists");
					}
				}
				case RENAME_EXCHANGE -> {
					if (target == null) {
						throw new CurveException(ErrorCode.DENTRY_NOT_FOUND, "no '" + name + "' to exchange with");
					}
				}
				case RENAME_REPLACE -> {
					if (target != null) {
						boolean sourceDir = sourceType == InodeType.DIRECTORY;
						if (sourceDir && !isDirectory(target)) {
							throw new CurveException(ErrorCode.NOT_A_DIRECTORY, "'" + name + "' is not a directory");
						}
						if (!sourceDir && isDirectory(target)) {
							throw new CurveException(ErrorCode.IS_A_DIRECTORY, "'" + name + "' is a directory");
						}
						if (isDirectory(target)) {
							requireEmpty(partitionId, target.getInodeId(), name);
						}
					}
				}
				default -> throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a rename needs a mode");
			}
		}

		private Object prepareRename(PrepareRenameRequest request) {
			int id = request.getPartition().getPartitionId();
			InodeKey txKey = new InodeKey(id, request.getTxId());
			if (request.getTxId() == 0 || !request.getPrepareSource() && !request.getPrepareTarget()) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a prepared rename needs a transaction and a side");
			}
			if (this.batch.get(PartitionSchema.PENDING, txKey).isPresent()) {
				return null;
			}
			PendingRename.Builder pending = PendingRename.newBuilder().setTxId(request.getTxId()).setRequest(request);
			if (request.getPrepareSource()) {
				directory(id, request.getSrcParent());
				DentryKey src = new DentryKey(id, request.getSrcParent(), request.getSrcName());
				requireNotHeld(src);
				Dentry source = this.batch.get(PartitionSchema.DENTRIES, src)
					.filter(d -> request.getSrcInode() == 0 || d.getInodeId() == request.getSrcInode())
					.orElseThrow(() -> new CurveException(ErrorCode.DENTRY_NOT_FOUND, "no '" + request.getSrcName() + "'"));
				pending.setOldSource(source);
				this.batch.put(PartitionSchema.HELD_NAMES, src, request.getTxId());
			}
			if (request.getPrepareTarget()) {
				checkName(request.getDstName());
				directory(id, request.getDstParent());
				DentryKey dst = new DentryKey(id, request.getDstParent(), request.getDstName());
				requireNotHeld(dst);
				Dentry target = this.batch.get(PartitionSchema.DENTRIES, dst).orElse(null);
				long seen = target == null ? 0 : target.getInodeId();
				if (seen != request.getDstInode() && request.getMode() != RenameMode.RENAME_NOREPLACE) {
					throw new CurveException(ErrorCode.TX_ABORTED, "'" + request.getDstName() + "' changed since it was looked up");
				}
				checkTarget(id, request.getMode(), request.getSrcType(), target, request.getDstName());
				if (target != null) {
					pending.setOldTarget(target);
				}
				this.batch.put(PartitionSchema.HELD_NAMES, dst, request.getTxId());
			}
			this.batch.put(PartitionSchema.PENDING, txKey, pending.build());
			return null;
		}

		private Object resolveTx(ResolveTxRequest request) {
			int id = request.getPartition().getPartitionId();
			InodeKey txKey = new InodeKey(id, request.getTxId());
			Optional<PendingRename> found = this.batch.get(PartitionSchema.PENDING, txKey);
			if (found.isEmpty()) {
				return null;
			}
			PendingRename pending = found.get();
			PrepareRenameRequest r = pending.getRequest();
			DentryKey src = new DentryKey(id, r.getSrcParent(), r.getSrcName());
			DentryKey dst = new DentryKey(id, r.getDstParent(), r.getDstName());
			if (r.getPrepareSource()) {
				this.batch.delete(PartitionSchema.HELD_NAMES, src);
			}
			if (r.getPrepareTarget()) {
				this.batch.delete(PartitionSchema.HELD_NAMES, dst);
			}
			this.batch.delete(PartitionSchema.PENDING, txKey);
			if (!request.getCommit()) {
				return null;
			}
			if (r.getPrepareSource()) {
				Dentry exchanged = r.getMode() == RenameMode.RENAME_EXCHANGE ? Dentry.newBuilder()
					.setParent(src.parent())
					.setName(src.name())
					.setInodeId(r.getDstInode())
					.setType(r.getDstType())
					.build() : null;
				setName(src, pending.hasOldSource() ? pending.getOldSource() : null, exchanged);
			}
			if (r.getPrepareTarget()) {
				Dentry moved = Dentry.newBuilder()
					.setParent(dst.parent())
					.setName(dst.name())
					.setInodeId(r.getSrcInode())
					.setType(r.getSrcType())
					.build();
				setName(dst, pending.hasOldTarget() ? pending.getOldTarget() : null, moved);
			}
			return null;
		}

		/** Points a name at another entry (null: removes it), keeping the directory's link count and times. */
		private void setName(DentryKey key, Dentry before, Dentry after) {
			if (after == null) {
				this.batch.delete(PartitionSchema.DENTRIES, key);
			}
			else {
				this.batch.put(PartitionSchema.DENTRIES, key, after);
			}
			int subdirectories = (after != null && isDirectory(after) ? 1 : 0) - (before != null && isDirectory(before) ? 1 : 0);
			this.batch.get(PartitionSchema.INODES, new InodeKey(key.partition(), key.parent()))
				.ifPresent(parent -> touchDirectory(key.partition(), parent.toBuilder(), subdirectories));
		}

		// helpers

		private PartitionRecord partition(int id) {
			return this.batch.get(PartitionSchema.PARTITIONS, id)
				.orElseThrow(() -> new CurveException(ErrorCode.PARTITION_NOT_FOUND, "no partition " + id + " here"));
		}

		private Inode inode(int partitionId, long inodeId) {
			partition(partitionId);
			return this.batch.get(PartitionSchema.INODES, new InodeKey(partitionId, inodeId))
				.orElseThrow(() -> new CurveException(ErrorCode.INODE_NOT_FOUND, "no inode " + inodeId));
		}

		private Inode.Builder directory(int partitionId, long inodeId) {
			Inode inode = inode(partitionId, inodeId);
			if (inode.getType() != InodeType.DIRECTORY) {
				throw new CurveException(ErrorCode.NOT_A_DIRECTORY, "inode " + inodeId + " is not a directory");
			}
			return inode.toBuilder();
		}

		private void touchDirectory(int partitionId, Inode.Builder directory, int subdirectories) {
			long now = this.nowMs * NANOS_PER_MILLI;
			putInode(partitionId, directory.setNlink(directory.getNlink() + subdirectories).setMtimeNs(now).setCtimeNs(now).build());
		}

		/** A directory whose entries are in this partition must have none; elsewhere, the client checked. */
		private void requireEmpty(int partitionId, long directoryInode, String name) {
			boolean[] any = { false };
			this.batch.scan(PartitionSchema.DENTRIES,
					new KeyPrefix(PartitionSchema.DentryKeyCodec.directory(partitionId, directoryInode)),
					(key, entry) -> any[0] = true);
			if (any[0]) {
				throw new CurveException(ErrorCode.DIRECTORY_NOT_EMPTY, "'" + name + "' is not empty");
			}
		}

		private void requireNotHeld(DentryKey key) {
			Optional<Long> tx = this.batch.get(PartitionSchema.HELD_NAMES, key);
			if (tx.isPresent()) {
				throw new TxPendingException(tx.get(), key.name());
			}
		}

		/** Writes the inode, with its trash record while it has no link and its retired record while it has retired pieces. */
		private Inode putInode(int partitionId, Inode inode) {
			InodeKey key = new InodeKey(partitionId, inode.getInodeId());
			this.batch.put(PartitionSchema.INODES, key, inode);
			PartitionSchema.recordsOf(inode, (cf, value) -> this.batch.put(cf, key, value));
			return inode;
		}

		private static boolean isDirectory(Dentry dentry) {
			return dentry.getType() == InodeType.DIRECTORY;
		}

		static void checkName(String name) {
			if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is not a file name");
			}
			if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
				throw new CurveException(ErrorCode.NAME_TOO_LONG, "a file name has at most " + MAX_NAME_BYTES + " bytes");
			}
		}

	}

}
