package io.curve4j.metaserver.partition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.TxPendingException;
import io.curve4j.common.store.RocksStore;
import io.curve4j.metaserver.partition.PartitionSchema.InodeKey;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.metaserver.v1.AppendPiecesRequest;
import io.curve4j.proto.metaserver.v1.BatchOp;
import io.curve4j.proto.metaserver.v1.BatchRequest;
import io.curve4j.proto.metaserver.v1.BatchResponse;
import io.curve4j.proto.metaserver.v1.BatchResult;
import io.curve4j.proto.metaserver.v1.CompactPiecesRequest;
import io.curve4j.proto.metaserver.v1.ForgetRetiredRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.RetiredPiece;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.CreateDentryRequest;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.CreatePartitionRequest;
import io.curve4j.proto.metaserver.v1.DeleteDentryRequest;
import io.curve4j.proto.metaserver.v1.DentryResponse;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.LinkInodeRequest;
import io.curve4j.proto.metaserver.v1.MetaCommand;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.MarkUploadedRequest;
import io.curve4j.proto.metaserver.v1.Piece;
import io.curve4j.proto.metaserver.v1.PrepareRenameRequest;
import io.curve4j.proto.metaserver.v1.RemoveXattrRequest;
import io.curve4j.proto.metaserver.v1.RenameMode;
import io.curve4j.proto.metaserver.v1.RenameRequest;
import io.curve4j.proto.metaserver.v1.RenameResponse;
import io.curve4j.proto.metaserver.v1.ReserveInodesRequest;
import io.curve4j.proto.metaserver.v1.ReserveInodesResponse;
import io.curve4j.proto.metaserver.v1.ResolveTxRequest;
import io.curve4j.proto.metaserver.v1.SetAttrRequest;
import io.curve4j.proto.metaserver.v1.SetXattrRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every change a metaserver partition applies, with its refusals, on a real RocksDB. */
class PartitionStateMachineTest {

	private static final int P = 7;

	private static final long ROOT = 1;

	@TempDir
	Path dir;

	private PartitionStore store;

	private PartitionStateMachine machine;

	private long index;

	@BeforeEach
	void createPartitionWithRoot() {
		open();
		apply(MetaCommand.newBuilder()
			.setCreatePartition(CreatePartitionRequest.newBuilder()
				.setPartition(ref())
				.setFsId(3)
				.setStartInode(1)
				.setEndInode(10_000)
				.setRoot(Inode.newBuilder().setInodeId(ROOT).setMode(0755))));
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	private void open() {
		this.store = new PartitionStore(this.dir.resolve("db"));
		this.machine = new PartitionStateMachine("test", this.store, List.of("127.0.0.1:1"));
		this.index = this.store.appliedIndex();
	}

	@Test
	void rootAndNewInodesGetIdsOfTheRangeAndRetriedCreatesGetTheSameInode() {
		Inode root = this.store.inode(P, ROOT).orElseThrow();
		assertThat(root.getType()).isEqualTo(InodeType.DIRECTORY);
		assertThat(root.getNlink()).isEqualTo(2);
		assertThat(root.getFsId()).isEqualTo(3);
		Inode file = createInode(InodeType.FILE, 0644);
		assertThat(file.getInodeId()).isEqualTo(2);
		assertThat(file.getMode()).isEqualTo(0644);
		assertThat(file.getNlink()).isEqualTo(1);

		CreateInodeRequest retried = CreateInodeRequest.newBuilder()
			.setPartition(ref())
			.setType(InodeType.FILE)
			.setRequestId(WriteId.newBuilder().setClient(42).setRequest(9))
			.build();
		Inode first = (Inode) apply(MetaCommand.newBuilder().setCreateInode(retried));
		Inode again = (Inode) apply(MetaCommand.newBuilder().setCreateInode(retried));
		assertThat(again.getInodeId()).isEqualTo(first.getInodeId()).isEqualTo(3);
		assertThat(createInode(InodeType.FILE, 0600).getInodeId()).isEqualTo(4);
		// the same create again under an existing range changes nothing
		apply(MetaCommand.newBuilder()
			.setCreatePartition(CreatePartitionRequest.newBuilder().setPartition(ref()).setFsId(3).setStartInode(1).setEndInode(10_000)));
		assertRefused(() -> apply(MetaCommand.newBuilder()
			.setCreatePartition(CreatePartitionRequest.newBuilder().setPartition(ref()).setFsId(3).setStartInode(1).setEndInode(20))),
				ErrorCode.INVALID_ARGUMENT);
	}

	@Test
	void aCreateWithANameAndAnUnlinkAreEachOneEntry() {
		long before = this.index;
		Inode dir = (Inode) apply(MetaCommand.newBuilder().setCreateInode(CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.DIRECTORY).setMode(0755).setParent(ROOT).setName("d")));
		assertThat(this.index).isEqualTo(before + 1);
		assertThat(this.store.dentry(P, ROOT, "d").orElseThrow().getInodeId()).isEqualTo(dir.getInodeId());
		assertThat(this.store.inode(P, ROOT).orElseThrow().getNlink()).as("the subdirectory's ..").isEqualTo(3);
		Inode file = (Inode) apply(MetaCommand.newBuilder().setCreateInode(CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.FILE).setMode(0644).setParent(dir.getInodeId()).setName("f")));

		// refusals make nothing: a taken name, a name too long, a parent that is not a directory
		long next = this.store.stats(P).getNextInode();
		assertRefused(() -> apply(MetaCommand.newBuilder().setCreateInode(CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.FILE).setParent(dir.getInodeId()).setName("f"))), ErrorCode.DENTRY_EXISTS);
		assertRefused(() -> apply(MetaCommand.newBuilder().setCreateInode(CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.FILE).setParent(dir.getInodeId()).setName("n".repeat(256)))),
				ErrorCode.NAME_TOO_LONG);
		assertRefused(() -> apply(MetaCommand.newBuilder().setCreateInode(CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.FILE).setParent(file.getInodeId()).setName("x"))), ErrorCode.NOT_A_DIRECTORY);
		assertThat(this.store.stats(P).getNextInode()).isEqualTo(next);

		DentryResponse unlinked = (DentryResponse) apply(MetaCommand.newBuilder().setDeleteDentry(DeleteDentryRequest
			.newBuilder().setPartition(ref()).setParent(dir.getInodeId()).setName("f").setUnlink(true)));
		assertThat(unlinked.getDentry().getInodeId()).isEqualTo(file.getInodeId());
		assertThat(unlinked.getInode().getNlink()).isZero();
		assertThat(this.store.inode(P, file.getInodeId()).orElseThrow().getNlink()).isZero();
		DentryResponse removed = (DentryResponse) apply(MetaCommand.newBuilder().setDeleteDentry(DeleteDentryRequest
			.newBuilder().setPartition(ref()).setParent(ROOT).setName("d").setDirectory(true).setUnlink(true)));
		assertThat(removed.getInode().getNlink()).as("a directory loses its name and its . together").isZero();
		assertThat(this.store.inode(P, ROOT).orElseThrow().getNlink()).isEqualTo(2);
		// without unlink the inode keeps its count: the caller lowers it
		Inode kept = (Inode) apply(MetaCommand.newBuilder().setCreateInode(CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.FILE).setParent(ROOT).setName("k")));
		DentryResponse plain = (DentryResponse) apply(MetaCommand.newBuilder().setDeleteDentry(DeleteDentryRequest
			.newBuilder().setPartition(ref()).setParent(ROOT).setName("k")));
		assertThat(plain.hasInode()).isFalse();
		assertThat(this.store.inode(P, kept.getInodeId()).orElseThrow().getNlink()).isOne();
	}

	@Test
	void aFullPartitionRefusesNewInodes() {
		apply(MetaCommand.newBuilder()
			.setCreatePartition(CreatePartitionRequest.newBuilder()
				.setPartition(PartitionRef.newBuilder().setPartitionId(8))
				.setFsId(3)
				.setStartInode(20_000)
				.setEndInode(20_002)));
		CreateInodeRequest create = CreateInodeRequest.newBuilder()
			.setPartition(PartitionRef.newBuilder().setPartitionId(8))
			.setType(InodeType.FILE)
			.build();
		assertThat(((Inode) apply(MetaCommand.newBuilder().setCreateInode(create))).getInodeId()).isEqualTo(20_000);
		assertThat(((Inode) apply(MetaCommand.newBuilder().setCreateInode(create))).getInodeId()).isEqualTo(20_001);
		assertRefused(() -> apply(MetaCommand.newBuilder().setCreateInode(create)), ErrorCode.PARTITION_FULL);
		assertRefused(() -> apply(MetaCommand.newBuilder().setCreateInode(create.toBuilder().setPartition(
				PartitionRef.newBuilder().setPartitionId(99)))), ErrorCode.PARTITION_NOT_FOUND);
	}

	@Test
	void dentriesRefuseTakenBadAndLongNamesAndNonDirectories() {
		Inode file = createInode(InodeType.FILE, 0644);
		link(ROOT, "a", file);
		assertRefused(() -> link(ROOT, "a", file), ErrorCode.DENTRY_EXISTS);
		assertRefused(() -> link(ROOT, "n".repeat(256), file), ErrorCode.NAME_TOO_LONG);
		link(ROOT, "n".repeat(255), file);
		assertRefused(() -> link(ROOT, "x/y", file), ErrorCode.INVALID_ARGUMENT);
		assertRefused(() -> link(ROOT, "..", file), ErrorCode.INVALID_ARGUMENT);
		assertRefused(() -> link(file.getInodeId(), "inside", file), ErrorCode.NOT_A_DIRECTORY);
		assertRefused(() -> link(12345, "orphan", file), ErrorCode.INODE_NOT_FOUND);
		assertThat(this.store.list(P, ROOT, "", 10)).extracting(Dentry::getName).containsExactly("a", "n".repeat(255));
	}

	@Test
	void rmdirRefusesNonEmptyAndUnlinkRefusesDirectoriesAndTheRootCountsSubdirectories() {
		Inode sub = createInode(InodeType.DIRECTORY, 0755);
		link(ROOT, "sub", sub);
		assertThat(this.store.inode(P, ROOT).orElseThrow().getNlink()).isEqualTo(3);
		link(sub.getInodeId(), "f", createInode(InodeType.FILE, 0644));
		assertRefused(() -> delete(ROOT, "sub", true), ErrorCode.DIRECTORY_NOT_EMPTY);
		assertRefused(() -> delete(ROOT, "sub", false), ErrorCode.IS_A_DIRECTORY);
		assertRefused(() -> delete(sub.getInodeId(), "f", true), ErrorCode.NOT_A_DIRECTORY);
		assertRefused(() -> delete(ROOT, "missing", false), ErrorCode.DENTRY_NOT_FOUND);
		delete(sub.getInodeId(), "f", false);
		delete(ROOT, "sub", true);
		assertThat(this.store.inode(P, ROOT).orElseThrow().getNlink()).isEqualTo(2);
		assertThat(this.store.list(P, ROOT, "", 10)).isEmpty();
	}

	@Test
	void truncateDropsAndCutsPiecesAndAppendsGrowTheFile() {
		Inode file = createInode(InodeType.FILE, 0644);
		apply(MetaCommand.newBuilder()
			.setAppendPieces(AppendPiecesRequest.newBuilder()
				.setPartition(ref())
				.setInodeId(file.getInodeId())
				.putPieces(0, ChunkPieces.newBuilder().addPieces(piece(1, 0, 100)).addPieces(piece(2, 50, 100)).build())
				.setNewLength(150)));
		Inode written = this.store.inode(P, file.getInodeId()).orElseThrow();
		assertThat(written.getLength()).isEqualTo(150);
		assertThat(written.getChunksMap().get(0L).getPiecesList()).extracting(Piece::getChunkId).containsExactly(1L, 2L);

		Inode cut = (Inode) apply(MetaCommand.newBuilder()
			.setSetAttr(SetAttrRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).setSetLength(true).setLength(40)));
		assertThat(cut.getLength()).isEqualTo(40);
		assertThat(cut.getChunksMap().get(0L).getPiecesList()).containsExactly(piece(1, 0, 40));
		Inode gone = (Inode) apply(MetaCommand.newBuilder()
			.setSetAttr(SetAttrRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).setSetLength(true).setLength(0)));
		assertThat(gone.getChunksMap()).isEmpty();
		Inode grown = (Inode) apply(MetaCommand.newBuilder()
			.setSetAttr(SetAttrRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).setSetLength(true).setLength(4096)
				.setSetMode(true).setMode(0100600).setSetUid(true).setUid(5).setSetMtime(true).setMtimeNs(77)));
		assertThat(grown.getLength()).isEqualTo(4096);
		assertThat(grown.getMode()).isEqualTo(0600);
		assertThat(grown.getUid()).isEqualTo(5);
		assertThat(grown.getMtimeNs()).isEqualTo(77);
		assertRefused(() -> apply(MetaCommand.newBuilder()
			.setSetAttr(SetAttrRequest.newBuilder().setPartition(ref()).setInodeId(ROOT).setSetLength(true).setLength(1))),
				ErrorCode.IS_A_DIRECTORY);
		assertRefused(() -> apply(MetaCommand.newBuilder()
			.setAppendPieces(AppendPiecesRequest.newBuilder().setPartition(ref()).setInodeId(ROOT).setNewLength(1))),
				ErrorCode.IS_A_DIRECTORY);
	}

	@Test
	void aCompactionSwapsOnlyTheListItReadKeepingNewerPiecesAndRetiresTheOldOnes() {
		Inode file = createInode(InodeType.FILE, 0644);
		append(file, piece(1, 0, 100), piece(2, 50, 100));
		Inode reserved = (Inode) apply(MetaCommand.newBuilder()
			.setReserveCompaction(GetInodeRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId())));
		assertThat(reserved.getCompactions()).isEqualTo(1);
		ChunkPieces read = reserved.getChunksMap().get(0L);
		// a client appends between the read and the swap: its piece stays, after the merged one
		append(file, piece(3, 10, 5));
		Piece merged = piece(1, 0, 150).toBuilder().setVersion(1).build();
		Inode swapped = (Inode) apply(MetaCommand.newBuilder().setTimeMs(5_000).setCompactPieces(compact(file, read, merged)));
		assertThat(swapped.getChunksMap().get(0L).getPiecesList()).containsExactly(merged, piece(3, 10, 5));
		assertThat(swapped.getRetiredList()).extracting(RetiredPiece::getPiece).containsExactly(piece(1, 0, 100), piece(2, 50, 100));
		assertThat(swapped.getRetiredList()).allSatisfy(r -> assertThat(r.getRetiredMs()).isEqualTo(5_000));
		assertThat(swapped.getLength()).isEqualTo(150);
		assertThat(this.store.retiredBy(P, 5_000, 10)).as("the collector finds it by its retired record").containsExactly(swapped);
		assertThat(this.store.retiredBy(P, 4_999, 10)).isEmpty();

		// the same swap again, or one over a list that changed, is refused and changes nothing
		assertRefused(() -> apply(MetaCommand.newBuilder().setCompactPieces(compact(file, read, merged))), ErrorCode.PIECES_CHANGED);
		assertRefused(() -> apply(MetaCommand.newBuilder().setCompactPieces(compact(file, ChunkPieces.getDefaultInstance(), merged))),
				ErrorCode.PIECES_CHANGED);
		assertThat(this.store.inode(P, file.getInodeId()).orElseThrow()).isEqualTo(swapped);

		Inode forgotten = (Inode) apply(MetaCommand.newBuilder()
			.setForgetRetired(ForgetRetiredRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).setRetiredByMs(4_999)));
		assertThat(forgotten.getRetiredList()).hasSize(2);
		assertThat(this.store.retiredBy(P, 5_000, 10)).hasSize(1);
		forgotten = (Inode) apply(MetaCommand.newBuilder()
			.setForgetRetired(ForgetRetiredRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).setRetiredByMs(5_000)));
		assertThat(forgotten.getRetiredList()).isEmpty();
		assertThat(this.store.retiredBy(P, Long.MAX_VALUE, 10)).as("nothing retired left: no record").isEmpty();
	}

	@Test
	void aTruncateRetiresTheBlocksItCutsOffOnceThePartitionKnowsItsBlockSize() {
		// the MDS's repeated create brings the layout to a partition made without it
		apply(MetaCommand.newBuilder()
			.setCreatePartition(CreatePartitionRequest.newBuilder().setPartition(ref()).setFsId(3).setStartInode(1)
				.setEndInode(10_000).setChunkSize(1024).setBlockSize(32)));
		assertThat(this.store.partition(P).orElseThrow().getBlockSize()).isEqualTo(32);
		Inode file = createInode(InodeType.FILE, 0644);
		append(file, piece(1, 0, 100), piece(2, 200, 10));
		Inode cut = (Inode) apply(MetaCommand.newBuilder().setTimeMs(9)
			.setSetAttr(SetAttrRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).setSetLength(true).setLength(40)));
		// piece 1 keeps blocks 0 and 1 (bytes 0..39), blocks 2 and 3 retire; piece 2 retires whole
		assertThat(cut.getChunksMap().get(0L).getPiecesList()).containsExactly(piece(1, 0, 40));
		assertThat(cut.getRetiredList()).containsExactly(
				RetiredPiece.newBuilder().setPiece(piece(1, 0, 100)).setFromBlock(2).setRetiredMs(9).build(),
				RetiredPiece.newBuilder().setPiece(piece(2, 200, 10)).setFromBlock(0).setRetiredMs(9).build());
	}

	@Test
	void markUploadedClearsThePendingMarkOfTheNamedPiecesOnly() {
		Inode file = createInode(InodeType.FILE, 0644);
		Piece first = piece(1, 0, 100).toBuilder().setPendingMount(42).build();
		Piece second = piece(2, 50, 100).toBuilder().setPendingMount(42).build();
		append(file, first, second);
		Inode marked = (Inode) apply(MetaCommand.newBuilder()
			.setMarkUploaded(MarkUploadedRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId())
				.addChunkIds(2).addChunkIds(99)));
		// piece 2 is uploaded; piece 1 still waits; the unknown chunk id changes nothing
		assertThat(marked.getChunksMap().get(0L).getPiecesList()).containsExactly(first, piece(2, 50, 100));
		assertThat(marked.getLength()).isEqualTo(150);
		assertRefused(() -> apply(MetaCommand.newBuilder()
			.setMarkUploaded(MarkUploadedRequest.newBuilder().setPartition(ref()).setInodeId(9_999).addChunkIds(1))),
				ErrorCode.INODE_NOT_FOUND);
	}

	@Test
	void reservedIdsAreSkippedByTheCounterAndUsableOnlyOnceAndOnlyWhenReserved() {
		ReserveInodesResponse reserved = (ReserveInodesResponse) apply(MetaCommand.newBuilder()
			.setReserveInodes(ReserveInodesRequest.newBuilder().setPartition(ref()).setCount(3)));
		assertThat(reserved.getFirstInode()).isEqualTo(2);
		assertThat(reserved.getCount()).isEqualTo(3);
		assertThat(createInode(InodeType.FILE, 0644).getInodeId()).as("the counter passed the reservation").isEqualTo(5);

		CreateInodeRequest named = CreateInodeRequest.newBuilder().setPartition(ref()).setType(InodeType.FILE).setMode(0600)
			.setParent(ROOT).setName("a").setInodeId(3).setRequestId(WriteId.newBuilder().setClient(7).setRequest(1)).build();
		Inode a = (Inode) apply(MetaCommand.newBuilder().setCreateInode(named));
		assertThat(a.getInodeId()).isEqualTo(3);
		assertThat(this.store.dentry(P, ROOT, "a").orElseThrow().getInodeId()).isEqualTo(3);
		assertThat(((Inode) apply(MetaCommand.newBuilder().setCreateInode(named))).getInodeId()).as("a retry").isEqualTo(3);
		assertRefused(() -> apply(MetaCommand.newBuilder().setCreateInode(named.toBuilder().clearRequestId().setName("b"))),
				ErrorCode.INVALID_ARGUMENT);
		assertRefused(() -> apply(MetaCommand.newBuilder().setCreateInode(named.toBuilder().clearRequestId().setName("c")
			.setInodeId(6))), ErrorCode.INVALID_ARGUMENT);
		assertThat(this.store.dentry(P, ROOT, "c")).as("a refused create names nothing").isEmpty();

		apply(MetaCommand.newBuilder().setCreatePartition(CreatePartitionRequest.newBuilder()
			.setPartition(PartitionRef.newBuilder().setPartitionId(8)).setFsId(3).setStartInode(20_000).setEndInode(20_002)));
		ReserveInodesRequest all = ReserveInodesRequest.newBuilder().setPartition(PartitionRef.newBuilder().setPartitionId(8))
			.setCount(10).build();
		assertThat(((ReserveInodesResponse) apply(MetaCommand.newBuilder().setReserveInodes(all))).getCount())
			.as("what is left of the range").isEqualTo(2);
		assertRefused(() -> apply(MetaCommand.newBuilder().setReserveInodes(all)), ErrorCode.PARTITION_FULL);
		assertRefused(() -> apply(MetaCommand.newBuilder().setReserveInodes(all.toBuilder().setCount(0))),
				ErrorCode.INVALID_ARGUMENT);
	}

	@Test
	void aBatchAppliesEachOpOnItsOwnInOneEntryAndARetriedAppendAddsNothing() {
		apply(MetaCommand.newBuilder().setReserveInodes(ReserveInodesRequest.newBuilder().setPartition(ref()).setCount(2)));
		Piece piece = piece(11, 0, 4096);
		AppendPiecesRequest append = AppendPiecesRequest.newBuilder().setInodeId(2)
			.putPieces(0, ChunkPieces.newBuilder().addPieces(piece).build()).setNewLength(4096).build();
		BatchRequest batch = BatchRequest.newBuilder()
			.setPartition(ref())
			.addOps(BatchOp.newBuilder().setCreateInode(CreateInodeRequest.newBuilder().setType(InodeType.FILE)
				.setParent(ROOT).setName("x").setInodeId(2)))
			.addOps(BatchOp.newBuilder().setAppendPieces(append))
			// refused: the name is taken; the op after it still applies
			.addOps(BatchOp.newBuilder().setCreateInode(CreateInodeRequest.newBuilder().setType(InodeType.FILE)
				.setParent(ROOT).setName("x").setInodeId(3)))
			.addOps(BatchOp.newBuilder().setCreateInode(CreateInodeRequest.newBuilder().setType(InodeType.FILE)
				.setParent(ROOT).setName("y").setInodeId(3)))
			.build();
		long before = this.index;
		BatchResponse done = (BatchResponse) apply(MetaCommand.newBuilder().setBatch(batch));
		assertThat(this.index).isEqualTo(before + 1);
		assertThat(done.getResultsList()).extracting(BatchResult::getErrorCode).containsExactly("", "", "DENTRY_EXISTS", "");
		assertThat(done.getResults(1).getInode().getLength()).isEqualTo(4096);
		assertThat(this.store.dentry(P, ROOT, "y").orElseThrow().getInodeId()).isEqualTo(3);

		apply(MetaCommand.newBuilder().setAppendPieces(append.toBuilder().setPartition(ref())));
		assertThat(this.store.inode(P, 2).orElseThrow().getChunksMap().get(0L).getPiecesList())
			.as("the piece once, however often its append is retried").containsExactly(piece);
	}

	@Test
	void aBatchUnlinksANameOnlyWhileItNamesTheExpectedInodeAndANewFileMayTakeItInTheSameEntry() {
		apply(MetaCommand.newBuilder().setReserveInodes(ReserveInodesRequest.newBuilder().setPartition(ref()).setCount(2)));
		DeleteDentryRequest unlinkX = DeleteDentryRequest.newBuilder().setParent(ROOT).setName("x").setExpectedInode(2)
			.setUnlink(true).build();
		BatchRequest batch = BatchRequest.newBuilder()
			.setPartition(ref())
			.addOps(BatchOp.newBuilder().setCreateInode(CreateInodeRequest.newBuilder().setType(InodeType.FILE)
				.setParent(ROOT).setName("x").setInodeId(2)))
			.addOps(BatchOp.newBuilder().setDeleteDentry(unlinkX))
			.addOps(BatchOp.newBuilder().setCreateInode(CreateInodeRequest.newBuilder().setType(InodeType.FILE)
				.setParent(ROOT).setName("x").setInodeId(3)))
			// sent again (a lost answer): "x" names inode 3 now, which it must keep
			.addOps(BatchOp.newBuilder().setDeleteDentry(unlinkX))
			.build();
		BatchResponse done = (BatchResponse) apply(MetaCommand.newBuilder().setTimeMs(5_000).setBatch(batch));
		assertThat(done.getResultsList()).extracting(BatchResult::getErrorCode)
			.containsExactly("", "", "", "DENTRY_NOT_FOUND");
		assertThat(done.getResults(1).getInode().getNlink()).as("the unlinked inode, left with no link").isZero();
		assertThat(this.store.unlinkedBefore(P, 5_001, 10)).as("in the trash").extracting(Inode::getInodeId).containsExactly(2L);
		assertThat(this.store.dentry(P, ROOT, "x").orElseThrow().getInodeId()).isEqualTo(3);
		assertThat(this.store.inode(P, 3).orElseThrow().getNlink()).isEqualTo(1);

		apply(MetaCommand.newBuilder().setCreateInode(CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.DIRECTORY).setMode(0755).setParent(ROOT).setName("d")));
		BatchResponse directory = (BatchResponse) apply(MetaCommand.newBuilder().setBatch(BatchRequest.newBuilder()
			.setPartition(ref())
			.addOps(BatchOp.newBuilder().setDeleteDentry(DeleteDentryRequest.newBuilder().setParent(ROOT).setName("d")
				.setUnlink(true)))));
		assertThat(directory.getResults(0).getErrorCode()).as("unlink is for non-directories").isEqualTo("IS_A_DIRECTORY");
		assertThat(this.store.dentry(P, ROOT, "d")).isPresent();
	}

	private void append(Inode file, Piece... pieces) {
		long end = java.util.Arrays.stream(pieces).mapToLong(p -> p.getOffset() + p.getLength()).max().orElse(0);
		apply(MetaCommand.newBuilder()
			.setAppendPieces(AppendPiecesRequest.newBuilder()
				.setPartition(ref())
				.setInodeId(file.getInodeId())
				.putPieces(0, ChunkPieces.newBuilder().addAllPieces(List.of(pieces)).build())
				.setNewLength(end)));
	}

	private static CompactPiecesRequest compact(Inode file, ChunkPieces replaced, Piece merged) {
		return CompactPiecesRequest.newBuilder()
			.setPartition(ref())
			.setInodeId(file.getInodeId())
			.setChunkIndex(0)
			.setReplaced(replaced)
			.setMerged(ChunkPieces.newBuilder().addPieces(merged))
			.build();
	}

	@Test
	void extendedAttributesHonourCreateAndReplace() {
		Inode file = createInode(InodeType.FILE, 0644);
		SetXattrRequest set = SetXattrRequest.newBuilder()
			.setPartition(ref())
			.setInodeId(file.getInodeId())
			.setName("user.color")
			.setValue(ByteString.copyFromUtf8("blue"))
			.build();
		assertRefused(() -> apply(MetaCommand.newBuilder().setSetXattr(set.toBuilder().setReplaceOnly(true))), ErrorCode.XATTR_NOT_FOUND);
		apply(MetaCommand.newBuilder().setSetXattr(set.toBuilder().setCreateOnly(true)));
		assertRefused(() -> apply(MetaCommand.newBuilder().setSetXattr(set.toBuilder().setCreateOnly(true))), ErrorCode.XATTR_EXISTS);
		apply(MetaCommand.newBuilder().setSetXattr(set.toBuilder().setReplaceOnly(true).setValue(ByteString.copyFromUtf8("red"))));
		assertThat(this.store.inode(P, file.getInodeId()).orElseThrow().getXattrsMap().get("user.color").toStringUtf8()).isEqualTo("red");
		RemoveXattrRequest remove = RemoveXattrRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).setName("user.color").build();
		apply(MetaCommand.newBuilder().setRemoveXattr(remove));
		assertRefused(() -> apply(MetaCommand.newBuilder().setRemoveXattr(remove)), ErrorCode.XATTR_NOT_FOUND);
	}

	@Test
	void anInodeWithoutLinksGoesToTheTrashAndIsPurgedOnlyThen() {
		Inode file = createInode(InodeType.FILE, 0644);
		LinkInodeRequest.Builder link = LinkInodeRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId());
		assertThat(((Inode) apply(MetaCommand.newBuilder().setLinkInode(link.setDelta(1)))).getNlink()).isEqualTo(2);
		GetInodeRequest purge = GetInodeRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId()).build();
		apply(MetaCommand.newBuilder().setPurgeInode(purge));
		assertThat(this.store.inode(P, file.getInodeId())).isPresent();
		apply(MetaCommand.newBuilder().setLinkInode(link.setDelta(-1)));
		Inode unlinked = (Inode) apply(MetaCommand.newBuilder().setTimeMs(5_000).setLinkInode(link.setDelta(-1)));
		assertThat(unlinked.getNlink()).isZero();
		assertThat(unlinked.getUnlinkedMs()).isEqualTo(5_000);
		assertThat(this.store.unlinkedBefore(P, 5_001, 10)).extracting(Inode::getInodeId).containsExactly(file.getInodeId());
		assertThat(this.store.unlinkedBefore(P, 5_000, 10)).isEmpty();
		assertRefused(() -> apply(MetaCommand.newBuilder().setLinkInode(link.setDelta(2))), ErrorCode.INVALID_ARGUMENT);
		apply(MetaCommand.newBuilder().setPurgeInode(purge));
		assertThat(this.store.inode(P, file.getInodeId())).isEmpty();
	}

	@Test
	void theTrashIsReadFromItsRecordsAndAPurgeTakesTheCreateRequestWithIt() {
		CreateInodeRequest create = CreateInodeRequest.newBuilder()
			.setPartition(ref()).setType(InodeType.FILE).setMode(0644).setParent(ROOT).setName("f")
			.setRequestId(WriteId.newBuilder().setClient(5).setRequest(1))
			.build();
		Inode file = (Inode) apply(MetaCommand.newBuilder().setCreateInode(create));
		assertThat(file.getCreateRequest()).isNotZero();
		apply(MetaCommand.newBuilder().setTimeMs(5_000).setDeleteDentry(DeleteDentryRequest.newBuilder()
			.setPartition(ref()).setParent(ROOT).setName("f").setUnlink(true)));
		Inode relinked = createInode(InodeType.FILE, 0644);
		LinkInodeRequest.Builder link = LinkInodeRequest.newBuilder().setPartition(ref()).setInodeId(relinked.getInodeId());
		apply(MetaCommand.newBuilder().setTimeMs(6_000).setLinkInode(link.setDelta(-1)));
		assertThat(this.store.unlinkedBefore(P, 10_000, 10)).extracting(Inode::getInodeId)
			.containsExactly(file.getInodeId(), relinked.getInodeId());
		apply(MetaCommand.newBuilder().setLinkInode(link.setDelta(1)));
		this.store.close();
		open();
		assertThat(this.store.unlinkedBefore(P, 10_000, 10)).as("linked again: out of the trash, after a restart too")
			.extracting(Inode::getInodeId).containsExactly(file.getInodeId());
		assertThat(this.store.unlinkedBefore(P, 5_000, 10)).isEmpty();

		apply(MetaCommand.newBuilder().setPurgeInode(GetInodeRequest.newBuilder().setPartition(ref()).setInodeId(file.getInodeId())));
		assertThat(this.store.unlinkedBefore(P, 10_000, 10)).isEmpty();
		// the request's record went with its inode: the same request now makes a new file
		Inode again = (Inode) apply(MetaCommand.newBuilder().setCreateInode(create));
		assertThat(again.getInodeId()).isNotEqualTo(file.getInodeId());
		assertThat(this.store.dentry(P, ROOT, "f").orElseThrow().getInodeId()).isEqualTo(again.getInodeId());
	}

	@Test
	void aDatabaseFromBeforeTheTrashAndRetiredRecordsGetsThemOnceWhenOpened() {
		this.store.close();
		InodeKey unlinked = new InodeKey(P, 100);
		InodeKey linked = new InodeKey(P, 101);
		InodeKey madeLinked = new InodeKey(P, 77);
		InodeKey madeGone = new InodeKey(P, 78);
		Path db = this.dir.resolve("db");
		try (RocksStore rocks = new RocksStore(db, PartitionSchema.DEFINITION); RocksStore.Batch old = rocks.batch()) {
			old.put(PartitionSchema.INODES, unlinked, Inode.newBuilder().setInodeId(100).setType(InodeType.FILE)
				.setUnlinkedMs(5_000).build());
			old.put(PartitionSchema.INODES, linked, Inode.newBuilder().setInodeId(101).setType(InodeType.FILE).setNlink(1)
				.addRetired(RetiredPiece.newBuilder().setPiece(piece(9, 0, 10)).setRetiredMs(7_000))
				.addRetired(RetiredPiece.newBuilder().setPiece(piece(8, 0, 10)).setRetiredMs(6_000))
				.build());
			old.put(PartitionSchema.CREATE_REQUESTS, madeLinked, 101L);
			old.put(PartitionSchema.CREATE_REQUESTS, madeGone, 555L);
			old.delete(PartitionSchema.COUNTERS, PartitionSchema.RECORDS_VERSION);
			old.commit();
		}
		open();
		assertThat(this.store.unlinkedBefore(P, 5_001, 10)).extracting(Inode::getInodeId).containsExactly(100L);
		assertThat(this.store.inode(P, 101).orElseThrow().getCreateRequest()).isEqualTo(77);
		assertThat(this.store.retiredBy(P, 6_000, 10)).extracting(Inode::getInodeId).containsExactly(101L);
		assertThat(this.store.retiredBy(P, 5_999, 10)).isEmpty();
		this.store.close();
		try (RocksStore rocks = new RocksStore(db, PartitionSchema.DEFINITION)) {
			assertThat(rocks.get(PartitionSchema.CREATE_REQUESTS, madeGone)).as("its inode is gone").isEmpty();
			assertThat(rocks.get(PartitionSchema.CREATE_REQUESTS, madeLinked)).contains(101L);
			assertThat(rocks.get(PartitionSchema.COUNTERS, PartitionSchema.RECORDS_VERSION)).contains(PartitionSchema.RECORDS);
		}
		open();
	}

	@Test
	void renamesInOnePartitionReplaceRefuseAndExchange() {
		Inode a = createInode(InodeType.FILE, 0644);
		Inode b = createInode(InodeType.FILE, 0644);
		Inode dir = createInode(InodeType.DIRECTORY, 0755);
		Inode other = createInode(InodeType.DIRECTORY, 0755);
		link(ROOT, "a", a);
		link(ROOT, "b", b);
		link(ROOT, "dir", dir);
		link(ROOT, "other", other);
		link(other.getInodeId(), "inner", createInode(InodeType.FILE, 0644));

		assertRefused(() -> rename(ROOT, "a", ROOT, "b", RenameMode.RENAME_NOREPLACE), ErrorCode.DENTRY_EXISTS);
		assertRefused(() -> rename(ROOT, "a", ROOT, "dir", RenameMode.RENAME_REPLACE), ErrorCode.IS_A_DIRECTORY);
		assertRefused(() -> rename(ROOT, "dir", ROOT, "a", RenameMode.RENAME_REPLACE), ErrorCode.NOT_A_DIRECTORY);
		assertRefused(() -> rename(ROOT, "dir", ROOT, "other", RenameMode.RENAME_REPLACE), ErrorCode.DIRECTORY_NOT_EMPTY);
		assertRefused(() -> rename(ROOT, "a", ROOT, "missing", RenameMode.RENAME_EXCHANGE), ErrorCode.DENTRY_NOT_FOUND);
		assertRefused(() -> rename(ROOT, "missing", ROOT, "x", RenameMode.RENAME_REPLACE), ErrorCode.DENTRY_NOT_FOUND);

		RenameResponse replaced = rename(ROOT, "a", ROOT, "b", RenameMode.RENAME_REPLACE);
		assertThat(replaced.getReplacedInode()).isEqualTo(b.getInodeId());
		assertThat(this.store.dentry(P, ROOT, "b").orElseThrow().getInodeId()).isEqualTo(a.getInodeId());
		assertThat(this.store.dentry(P, ROOT, "a")).isEmpty();

		rename(ROOT, "b", ROOT, "dir", RenameMode.RENAME_EXCHANGE);
		assertThat(this.store.dentry(P, ROOT, "b").orElseThrow().getInodeId()).isEqualTo(dir.getInodeId());
		assertThat(this.store.dentry(P, ROOT, "dir").orElseThrow().getType()).isEqualTo(InodeType.FILE);

		// a directory moved into another one: the link counts follow
		assertThat(this.store.inode(P, ROOT).orElseThrow().getNlink()).isEqualTo(4);
		rename(ROOT, "b", other.getInodeId(), "moved", RenameMode.RENAME_REPLACE);
		assertThat(this.store.inode(P, ROOT).orElseThrow().getNlink()).isEqualTo(3);
		assertThat(this.store.inode(P, other.getInodeId()).orElseThrow().getNlink()).isEqualTo(3);
		assertThat(this.store.list(P, other.getInodeId(), "", 10)).extracting(Dentry::getName).containsExactly("inner", "moved");
	}

	@Test
	void aPreparedRenameHoldsItsNamesUntilResolvedAndCommitsOrAborts() {
		Inode file = createInode(InodeType.FILE, 0644);
		link(ROOT, "src", file);
		PrepareRenameRequest source = PrepareRenameRequest.newBuilder()
			.setPartition(ref())
			.setTxId(11)
			.setSrcParent(ROOT)
			.setSrcName("src")
			.setDstParent(500_000)
			.setDstName("dst")
			.setMode(RenameMode.RENAME_REPLACE)
			.setPrepareSource(true)
			.setSrcInode(file.getInodeId())
			.setSrcType(InodeType.FILE)
			.build();
		apply(MetaCommand.newBuilder().setPrepareRename(source));
		apply(MetaCommand.newBuilder().setPrepareRename(source));
		assertThat(this.store.heldBy(P, ROOT, "src")).isEqualTo(11);
		// lookups and listings answer the state before the transaction, the held entry marked
		assertThat(this.store.dentry(P, ROOT, "src").orElseThrow().getPendingTx()).isEqualTo(11);
		assertThat(this.store.list(P, ROOT, "", 10)).singleElement()
			.satisfies(d -> assertThat(d.getInodeId()).isEqualTo(file.getInodeId()))
			.satisfies(d -> assertThat(d.getPendingTx()).isEqualTo(11));
		assertThatThrownBy(() -> delete(ROOT, "src", false)).isInstanceOfSatisfying(TxPendingException.class,
				e -> assertThat(e.txId()).isEqualTo(11));
		assertRefused(() -> apply(MetaCommand.newBuilder().setPrepareRename(source.toBuilder().setTxId(12))), ErrorCode.TX_PENDING);
		// aborted: the name is back as it was
		apply(MetaCommand.newBuilder().setResolveTx(ResolveTxRequest.newBuilder().setPartition(ref()).setTxId(11).setCommit(false)));
		assertThat(this.store.heldBy(P, ROOT, "src")).isZero();
		assertThat(this.store.dentry(P, ROOT, "src").orElseThrow().getPendingTx()).isZero();

		// a target side here, committed: the name points at the moved inode
		Inode old = createInode(InodeType.FILE, 0644);
		link(ROOT, "dst", old);
		PrepareRenameRequest target = source.toBuilder()
			.setTxId(13)
			.setSrcParent(600_000)
			.setDstParent(ROOT)
			.setPrepareSource(false)
			.setPrepareTarget(true)
			.setSrcInode(99_999)
			.setDstInode(old.getInodeId())
			.build();
		assertRefused(() -> apply(MetaCommand.newBuilder().setPrepareRename(target.toBuilder().setDstInode(0))), ErrorCode.TX_ABORTED);
		apply(MetaCommand.newBuilder().setPrepareRename(target));
		assertThat(this.store.dentry(P, ROOT, "dst").orElseThrow().getInodeId()).isEqualTo(old.getInodeId());
		assertThat(this.store.dentry(P, ROOT, "dst").orElseThrow().getPendingTx()).isEqualTo(13);
		apply(MetaCommand.newBuilder().setResolveTx(ResolveTxRequest.newBuilder().setPartition(ref()).setTxId(13).setCommit(true)));
		apply(MetaCommand.newBuilder().setResolveTx(ResolveTxRequest.newBuilder().setPartition(ref()).setTxId(13).setCommit(true)));
		assertThat(this.store.dentry(P, ROOT, "dst").orElseThrow().getInodeId()).isEqualTo(99_999);
		assertThat(this.store.dentry(P, ROOT, "dst").orElseThrow().getPendingTx()).isZero();
		assertThat(this.store.heldBy(P, ROOT, "dst")).isZero();
	}

	@Test
	void aDirectoryOfAHundredThousandEntriesListsInPagesInNameOrder() {
		Inode file = createInode(InodeType.FILE, 0644);
		for (int i = 0; i < 100_000; i++) {
			link(ROOT, String.format("e%05d", i), file);
		}
		List<String> all = new ArrayList<>();
		String after = "";
		while (true) {
			List<Dentry> page = this.store.list(P, ROOT, after, 1000);
			page.forEach(d -> all.add(d.getName()));
			if (page.size() < 1000) {
				break;
			}
			after = page.get(page.size() - 1).getName();
		}
		assertThat(all).hasSize(100_000).isSorted().doesNotHaveDuplicates();
		assertThat(this.store.stats(P).getDentryCount()).isEqualTo(100_000);
	}

	@Test
	void aRestartKeepsEverythingAndSkipsEntriesAlreadyApplied() {
		Inode file = createInode(InodeType.FILE, 0644);
		link(ROOT, "kept", file);
		long applied = this.store.appliedIndex();
		this.store.close();
		open();
		assertThat(this.store.appliedIndex()).isEqualTo(applied);
		assertThat(this.store.dentry(P, ROOT, "kept").orElseThrow().getInodeId()).isEqualTo(file.getInodeId());
		// the log replays an entry the database already holds: nothing happens
		assertThat(this.machine.applyCommitted(applied, MetaCommand.newBuilder()
			.setCreateDentry(CreateDentryRequest.newBuilder().setPartition(ref())
				.setDentry(Dentry.newBuilder().setParent(ROOT).setName("kept").setInodeId(1).setType(InodeType.FILE)))
			.build())).isNull();
		assertThat(this.store.dentry(P, ROOT, "kept").orElseThrow().getInodeId()).isEqualTo(file.getInodeId());
	}

	private Object apply(MetaCommand.Builder command) {
		return this.machine.applyCommitted(++this.index, command.build());
	}

	private static PartitionRef ref() {
		return PartitionRef.newBuilder().setPartitionId(P).build();
	}

	private Inode createInode(InodeType type, int mode) {
		return (Inode) apply(MetaCommand.newBuilder()
			.setCreateInode(CreateInodeRequest.newBuilder().setPartition(ref()).setType(type).setMode(mode).setParent(ROOT)));
	}

	private void link(long parent, String name, Inode inode) {
		apply(MetaCommand.newBuilder()
			.setCreateDentry(CreateDentryRequest.newBuilder()
				.setPartition(ref())
				.setDentry(Dentry.newBuilder().setParent(parent).setName(name).setInodeId(inode.getInodeId()).setType(inode.getType()))));
	}

	private void delete(long parent, String name, boolean directory) {
		apply(MetaCommand.newBuilder()
			.setDeleteDentry(DeleteDentryRequest.newBuilder().setPartition(ref()).setParent(parent).setName(name).setDirectory(directory)));
	}

	private RenameResponse rename(long srcParent, String src, long dstParent, String dst, RenameMode mode) {
		return (RenameResponse) apply(MetaCommand.newBuilder()
			.setRename(RenameRequest.newBuilder()
				.setPartition(ref())
				.setSrcParent(srcParent)
				.setSrcName(src)
				.setDstParent(dstParent)
				.setDstName(dst)
				.setMode(mode)));
	}

	private static Piece piece(long chunkId, long offset, long length) {
		return Piece.newBuilder().setChunkId(chunkId).setOffset(offset).setLength(length).build();
	}

	private static void assertRefused(ThrowingCallable call, ErrorCode code) {
		assertThatThrownBy(call).isInstanceOfSatisfying(CurveException.class, e -> assertThat(e.code()).isEqualTo(code));
	}

}
