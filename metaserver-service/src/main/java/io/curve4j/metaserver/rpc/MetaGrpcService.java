package io.curve4j.metaserver.rpc;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import io.grpc.stub.StreamObserver;

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.TxPendingException;
import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.metaserver.compaction.Compactor;
import io.curve4j.metaserver.copyset.MetaCopyset;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.proto.metaserver.v1.AppendPiecesRequest;
import io.curve4j.proto.metaserver.v1.BatchRequest;
import io.curve4j.proto.metaserver.v1.BatchResponse;
import io.curve4j.proto.metaserver.v1.BatchResult;
import io.curve4j.proto.metaserver.v1.CreateDentryRequest;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.CreatePartitionRequest;
import io.curve4j.proto.metaserver.v1.CreatePartitionResponse;
import io.curve4j.proto.metaserver.v1.DeleteDentryRequest;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.DentryResponse;
import io.curve4j.proto.metaserver.v1.GetDentryRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeResponse;
import io.curve4j.proto.metaserver.v1.LinkInodeRequest;
import io.curve4j.proto.metaserver.v1.ListDentryRequest;
import io.curve4j.proto.metaserver.v1.ListDentryResponse;
import io.curve4j.proto.metaserver.v1.ListInodesRequest;
import io.curve4j.proto.metaserver.v1.ListInodesResponse;
import io.curve4j.proto.metaserver.v1.MarkUploadedRequest;
import io.curve4j.proto.metaserver.v1.MetaCommand;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.PartitionRequest;
import io.curve4j.proto.metaserver.v1.PartitionStats;
import io.curve4j.proto.metaserver.v1.PrepareRenameRequest;
import io.curve4j.proto.metaserver.v1.RemoveXattrRequest;
import io.curve4j.proto.metaserver.v1.RenameRequest;
import io.curve4j.proto.metaserver.v1.RenameResponse;
import io.curve4j.proto.metaserver.v1.ReserveInodesRequest;
import io.curve4j.proto.metaserver.v1.ReserveInodesResponse;
import io.curve4j.proto.metaserver.v1.ResolveTxRequest;
import io.curve4j.proto.metaserver.v1.ResolveTxResponse;
import io.curve4j.proto.metaserver.v1.SetAttrRequest;
import io.curve4j.proto.metaserver.v1.SetXattrRequest;

/**
 * MetaService: every call names its copyset and partition and carries the mount's
 * {@link FsCapabilities capability}, checked here before anything else (when the cluster
 * has a data key). Changes are proposed with this leader's clock and answered once
 * applied; reads run on the leader after a read-index check. A name held by a rename
 * transaction answers every change with TX_PENDING; lookups and listings answer the state
 * before the transaction with {@code pending_tx} set on the held entries, so a reader sees
 * the old names (never half a rename) and knows what to resolve. A held name that has no
 * entry before the transaction (a rename's new name) answers a lookup with TX_PENDING: "not
 * found" could be wrong once the MDS has committed the rename.
 */
public final class MetaGrpcService extends MetaServiceGrpc.MetaServiceImplBase {

	/** Entries per ListDentry page at most. */
	static final int MAX_PAGE = 1000;

	private final MetaCopysets copysets;

	/** Null when the cluster has no data key: nothing is checked, as on the chunkservers. */
	private final FsCapabilities capabilities;

	private final Clock clock;

	/** Null without an object store: nothing is compacted. */
	private final Compactor compactor;

	public MetaGrpcService(MetaCopysets copysets, FsCapabilities capabilities, Clock clock, Compactor compactor) {
		this.copysets = copysets;
		this.capabilities = capabilities;
		this.clock = clock;
		this.compactor = compactor;
	}

	@Override
	public void createPartition(CreatePartitionRequest request, StreamObserver<CreatePartitionResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			check(request.getPartition(), request.getFsId(), FsCapabilities.ADMIN);
			return propose(request.getPartition(), MetaCommand.newBuilder().setCreatePartition(
					request.toBuilder().setPartition(stripped(request.getPartition()))),
					r -> CreatePartitionResponse.getDefaultInstance());
		});
	}

	@Override
	public void deletePartition(PartitionRequest request, StreamObserver<CreatePartitionResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.ADMIN);
			return propose(request.getPartition(), MetaCommand.newBuilder().setDeletePartition(
					request.toBuilder().setPartition(stripped(request.getPartition()))),
					r -> CreatePartitionResponse.getDefaultInstance());
		});
	}

	@Override
	public void getPartitionStats(PartitionRequest request, StreamObserver<PartitionStats> responses) {
		GrpcAnswers.async(responses, () -> {
			int id = checkPartition(request.getPartition(), FsCapabilities.READ).getPartitionId();
			return copyset(request.getPartition()).read(() -> copyset(request.getPartition()).store().stats(id));
		});
	}

	@Override
	public void getInode(GetInodeRequest request, StreamObserver<InodeResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			int id = checkPartition(request.getPartition(), FsCapabilities.READ).getPartitionId();
			MetaCopyset copyset = copyset(request.getPartition());
			return copyset.read(() -> InodeResponse.newBuilder()
				.setInode(copyset.store()
					.inode(id, request.getInodeId())
					.orElseThrow(() -> new CurveException(ErrorCode.INODE_NOT_FOUND, "no inode " + request.getInodeId())))
				.build());
		});
	}

	@Override
	public void createInode(CreateInodeRequest request, StreamObserver<InodeResponse> responses) {
		change(request.getPartition(), MetaCommand.newBuilder().setCreateInode(
				request.toBuilder().setPartition(stripped(request.getPartition()))), responses);
	}

	@Override
	public void setAttr(SetAttrRequest request, StreamObserver<InodeResponse> responses) {
		change(request.getPartition(), MetaCommand.newBuilder().setSetAttr(
				request.toBuilder().setPartition(stripped(request.getPartition()))), responses);
	}

	@Override
	public void appendPieces(AppendPiecesRequest request, StreamObserver<InodeResponse> responses) {
		change(request.getPartition(), MetaCommand.newBuilder().setAppendPieces(
				request.toBuilder().setPartition(stripped(request.getPartition()))), responses,
				compactIfWanted(request.getPartition()));
	}

	@Override
	public void markUploaded(MarkUploadedRequest request, StreamObserver<InodeResponse> responses) {
		change(request.getPartition(), MetaCommand.newBuilder().setMarkUploaded(
				request.toBuilder().setPartition(stripped(request.getPartition()))), responses,
				compactIfWanted(request.getPartition()));
	}

	@Override
	public void reserveInodes(ReserveInodesRequest request, StreamObserver<ReserveInodesResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.WRITE);
			return propose(request.getPartition(), MetaCommand.newBuilder().setReserveInodes(
					request.toBuilder().setPartition(stripped(request.getPartition()))), r -> (ReserveInodesResponse) r);
		});
	}

	@Override
	public void applyBatch(BatchRequest request, StreamObserver<BatchResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.WRITE);
			if (request.getOpsCount() > MAX_PAGE) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a batch has at most " + MAX_PAGE + " ops");
			}
			Consumer<Inode> compact = compactIfWanted(request.getPartition());
			return propose(request.getPartition(), MetaCommand.newBuilder().setBatch(
					request.toBuilder().setPartition(stripped(request.getPartition()))), r -> {
						BatchResponse done = (BatchResponse) r;
						done.getResultsList().stream().filter(BatchResult::hasInode).map(BatchResult::getInode).forEach(compact);
						return done;
					});
		});
	}

	/**
	 * Offers an inode a change left with pieces to merge to the compactor (pieces appended,
	 * alone or in a batch, or uploaded at last): the collector's rounds do not look for them.
	 */
	private Consumer<Inode> compactIfWanted(PartitionRef partition) {
		return (inode) -> {
			if (this.compactor != null && this.compactor.wants(inode)) {
				this.compactor.offer(new Compactor.InodeRef(partition.getCopyset(), partition.getPartitionId(),
						inode.getInodeId()));
			}
		};
	}

	@Override
	public void listInodes(ListInodesRequest request, StreamObserver<ListInodesResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			int id = checkPartition(request.getPartition(), FsCapabilities.READ).getPartitionId();
			if (request.getLimit() > MAX_PAGE) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a page has at most " + MAX_PAGE + " inodes");
			}
			int limit = request.getLimit() == 0 ? MAX_PAGE : request.getLimit();
			MetaCopyset copyset = copyset(request.getPartition());
			return copyset.read(() -> ListInodesResponse.newBuilder()
				.addAllInodes(copyset.store().inodes(id, request.getStartAfter(), limit))
				.build());
		});
	}

	@Override
	public void linkInode(LinkInodeRequest request, StreamObserver<InodeResponse> responses) {
		change(request.getPartition(), MetaCommand.newBuilder().setLinkInode(
				request.toBuilder().setPartition(stripped(request.getPartition()))), responses);
	}

	@Override
	public void setXattr(SetXattrRequest request, StreamObserver<InodeResponse> responses) {
		change(request.getPartition(), MetaCommand.newBuilder().setSetXattr(
				request.toBuilder().setPartition(stripped(request.getPartition()))), responses);
	}

	@Override
	public void removeXattr(RemoveXattrRequest request, StreamObserver<InodeResponse> responses) {
		change(request.getPartition(), MetaCommand.newBuilder().setRemoveXattr(
				request.toBuilder().setPartition(stripped(request.getPartition()))), responses);
	}

	@Override
	public void getDentry(GetDentryRequest request, StreamObserver<DentryResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			int id = checkPartition(request.getPartition(), FsCapabilities.READ).getPartitionId();
			MetaCopyset copyset = copyset(request.getPartition());
			return copyset.read(() -> {
				Optional<Dentry> dentry = copyset.store().dentry(id, request.getParent(), request.getName());
				if (dentry.isEmpty()) {
					long tx = copyset.store().heldBy(id, request.getParent(), request.getName());
					if (tx != 0) {
						throw new TxPendingException(tx, request.getName());
					}
				}
				DentryResponse.Builder response = DentryResponse.newBuilder().setDentry(dentry.orElseThrow(
						() -> new CurveException(ErrorCode.DENTRY_NOT_FOUND, "no '" + request.getName() + "'")));
				if (request.getWithInode()) {
					copyset.store().inode(id, dentry.get().getInodeId()).ifPresent(response::setInode);
				}
				return response.build();
			});
		});
	}

	@Override
	public void listDentry(ListDentryRequest request, StreamObserver<ListDentryResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			int id = checkPartition(request.getPartition(), FsCapabilities.READ).getPartitionId();
			if (request.getLimit() > MAX_PAGE) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a page holds at most " + MAX_PAGE + " entries");
			}
			int limit = request.getLimit() == 0 ? MAX_PAGE : request.getLimit();
			MetaCopyset copyset = copyset(request.getPartition());
			return copyset.read(() -> {
				List<Dentry> page = copyset.store().list(id, request.getParent(), request.getStartAfter(), limit + 1);
				ListDentryResponse.Builder response = ListDentryResponse.newBuilder()
					.addAllDentries(page.subList(0, Math.min(limit, page.size())))
					.setMore(page.size() > limit);
				if (request.getWithDirectory()) {
					copyset.store().inode(id, request.getParent()).ifPresent(response::setDirectory);
				}
				return response.build();
			});
		});
	}

	@Override
	public void createDentry(CreateDentryRequest request, StreamObserver<DentryResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.WRITE);
			return propose(request.getPartition(), MetaCommand.newBuilder().setCreateDentry(
					request.toBuilder().setPartition(stripped(request.getPartition()))),
					r -> DentryResponse.newBuilder().setDentry((Dentry) r).build());
		});
	}

	@Override
	public void deleteDentry(DeleteDentryRequest request, StreamObserver<DentryResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.WRITE);
			return propose(request.getPartition(), MetaCommand.newBuilder().setDeleteDentry(
					request.toBuilder().setPartition(stripped(request.getPartition()))),
					r -> (DentryResponse) r);
		});
	}

	@Override
	public void rename(RenameRequest request, StreamObserver<RenameResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.WRITE);
			return propose(request.getPartition(), MetaCommand.newBuilder().setRename(
					request.toBuilder().setPartition(stripped(request.getPartition()))), RenameResponse.class::cast);
		});
	}

	@Override
	public void prepareRename(PrepareRenameRequest request, StreamObserver<RenameResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.WRITE);
			return propose(request.getPartition(), MetaCommand.newBuilder().setPrepareRename(
					request.toBuilder().setPartition(stripped(request.getPartition()))),
					r -> RenameResponse.getDefaultInstance());
		});
	}

	@Override
	public void resolveTx(ResolveTxRequest request, StreamObserver<ResolveTxResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(request.getPartition(), FsCapabilities.WRITE);
			return propose(request.getPartition(), MetaCommand.newBuilder().setResolveTx(
					request.toBuilder().setPartition(stripped(request.getPartition()))),
					r -> ResolveTxResponse.getDefaultInstance());
		});
	}

	/** A change that answers with the inode it leaves. */
	private void change(PartitionRef partition, MetaCommand.Builder command, StreamObserver<InodeResponse> responses) {
		change(partition, command, responses, inode -> {
		});
	}

	/** A change that answers with the inode it leaves, once {@code applied} has seen it. */
	private void change(PartitionRef partition, MetaCommand.Builder command, StreamObserver<InodeResponse> responses,
			Consumer<Inode> applied) {
		GrpcAnswers.async(responses, () -> {
			checkPartition(partition, FsCapabilities.WRITE);
			return propose(partition, command, r -> {
				applied.accept((Inode) r);
				return InodeResponse.newBuilder().setInode((Inode) r).build();
			});
		});
	}

	private <T> CompletableFuture<T> propose(PartitionRef partition, MetaCommand.Builder command,
			Function<Object, T> answer) {
		return copyset(partition).propose(command.setTimeMs(this.clock.millis()).build()).thenApply(answer);
	}

	private MetaCopyset copyset(PartitionRef partition) {
		if (!partition.hasCopyset()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a metaserver call names its copyset");
		}
		return this.copysets.get(partition.getCopyset());
	}

	/** The partition, once the capability allows the right on its file system. */
	private PartitionRecord checkPartition(PartitionRef partition, int right) {
		PartitionRecord record = copyset(partition).store()
			.partition(partition.getPartitionId())
			.orElseThrow(() -> new CurveException(ErrorCode.PARTITION_NOT_FOUND,
					"no partition " + partition.getPartitionId() + " in this copyset"));
		check(partition, record.getFsId(), right);
		return record;
	}

	private void check(PartitionRef partition, int fsId, int right) {
		if (this.capabilities != null) {
			this.capabilities.check(partition.getCapability(), fsId, right, this.clock.millis());
		}
	}

	/** The capability stays out of the log: it proves the call, not the change. */
	private static PartitionRef stripped(PartitionRef partition) {
		return partition.toBuilder().clearCapability().build();
	}

}
