package io.curve4j.chunk.copyset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.ByteString;

import io.curve4j.chunk.chunkfile.CheckedRead;
import io.curve4j.chunk.chunkfile.ChunkFileHeader;
import io.curve4j.chunk.chunkfile.ChunkStore;
import io.curve4j.chunk.chunkfile.SnapshotRead;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.membership.HostedCopyset;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.raft.v1.ChunkCommand;
import io.curve4j.proto.raft.v1.DeleteChunkSnapshotOrCorrectSnCommand;
import io.curve4j.proto.raft.v1.DeleteChunkCommand;
import io.curve4j.proto.raft.v1.RecoverChunkCommand;
import io.curve4j.proto.raft.v1.RepairPagesCommand;
import io.curve4j.proto.raft.v1.ScanChunkCommand;
import io.curve4j.proto.raft.v1.WriteChunkCommand;
import io.curve4j.proto.raft.v1.WriteChunksCommand;

/**
 * One copyset replica on this chunkserver: its Raft group, the state machine applying the
 * group's log and the chunk files it applies to.
 *
 * <p>
 * Writes and deletes go through the log and complete after they are applied here, so
 * only the leader accepts them. Reads run on the leader after a read-index check (under
 * its lease when leases are on), on a reader thread rather than the Raft thread that
 * confirms the index. A follower answers with {@link NotLeaderException} naming the
 * leader it knows.
 */
public final class Copyset implements HostedCopyset, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Copyset.class);

	private final CopysetId id;

	private final ChunkStore store;

	private final CopysetStateMachine stateMachine;

	private final RaftGroup group;

	Copyset(CopysetId id, ChunkStore store, CopysetStateMachine stateMachine, RaftGroup group) {
		this.id = id;
		this.store = store;
		this.stateMachine = stateMachine;
		this.group = group;
	}

	public CopysetId id() {
		return this.id;
	}

	@Override
	public CopysetKey key() {
		return this.id.toProto();
	}

	/** Bytes of this replica's chunk files. */
	public long usedBytes() {
		return this.store.usedBytes();
	}

	/**
	 * Writes through the log, all in one entry and in this order; completes once applied
	 * here with one result per write, in order: applied, or refused by its chunk (a stale
	 * sequence number: see {@link ChunkStore#write}). A write another attempt of which was
	 * applied already is dropped there (see {@link WriteFences}). Each write has passed
	 * {@link #checkWrite}: the caller checks, so that a bad write fails alone.
	 */
	public CompletableFuture<List<WriteResult>> write(List<WriteChunkCommand> writes) {
		ChunkCommand command = ChunkCommand.newBuilder()
			.setWrites(WriteChunksCommand.newBuilder().addAllWrites(writes))
			.build();
		return this.group.propose(command.toByteArray()).thenApply(Copyset::writeResults);
	}

	@SuppressWarnings("unchecked")
	private static List<WriteResult> writeResults(Object applied) {
		return (List<WriteResult>) applied;
	}

	/**
	 * Ends the chunk's part in a volume snapshot through the log (see
	 * {@link ChunkStore#deleteSnapshotOrCorrectSn}).
	 */
	public CompletableFuture<Void> deleteSnapshotOrCorrectSn(long chunkId, long correctedSn) {
		ChunkCommand command = ChunkCommand.newBuilder()
			.setDeleteSnapshot(
					DeleteChunkSnapshotOrCorrectSnCommand.newBuilder().setChunkId(chunkId).setCorrectedSn(correctedSn))
			.build();
		return this.group.propose(command.toByteArray()).thenApply(index -> null);
	}

	/**
	 * Reads a range of the chunk as it was at the volume snapshot {@code snapshotSn}, on
	 * the leader, as {@link #read}; the read has passed {@link #checkRead}.
	 */
	public CompletableFuture<SnapshotRead> readSnapshot(long snapshotSn, ChunkRead read) {
		return onLeader(() -> this.store.readSnapshot(read.chunkId(), snapshotSn, read.offset(), read.length()));
	}

	/**
	 * Copies a lazy clone's source content into the pages of a range its chunk never
	 * wrote, through the log (see {@link ChunkStore#recover}); {@code source} holds whole
	 * pages from {@code offset}.
	 */
	public CompletableFuture<Void> recover(long chunkId, long sn, long offset, ByteString source) {
		ChunkCommand command = ChunkCommand.newBuilder()
			.setRecover(RecoverChunkCommand.newBuilder()
				.setChunkId(chunkId)
				.setSn(sn)
				.setOffset(Math.toIntExact(offset))
				.setData(source))
			.build();
		return this.group.propose(command.toByteArray()).thenApply(index -> null);
	}

	/**
	 * The pages of a range a lazy clone's chunk has not written, as this replica knows now
	 * (see {@link ChunkStore#unwritten}); only on the leader, which decides what a write
	 * needs from the source.
	 */
	public BitSet unwritten(long chunkId, long offset, int length) {
		if (!this.group.isLeader()) {
			throw notLeader();
		}
		try {
			return this.store.unwritten(chunkId, offset, length);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Fails with {@code IO_NOT_ALIGNED} or {@code IO_OUT_OF_RANGE} unless the write fits a chunk. */
	public void checkWrite(WriteChunkCommand write) {
		ChunkStore.checkRange(Integer.toUnsignedLong(write.getOffset()), write.getData().size(), this.store.chunkSize());
	}

	/**
	 * Deletes a chunk through the log; fenced like a write when it carries a write id,
	 * and keeping a snapshot's content like a write with sn; of a lazy clone's chunk when
	 * {@code clone} (see {@link ChunkStore#delete(long, long, boolean)}).
	 */
	public CompletableFuture<Void> delete(long chunkId, long sn, WriteId writeId, boolean clone) {
		ChunkCommand command = ChunkCommand.newBuilder()
			.setDelete(DeleteChunkCommand.newBuilder().setChunkId(chunkId).setSn(sn).setWriteId(writeId).setClone(clone))
			.build();
		return this.group.propose(command.toByteArray()).thenApply(index -> null);
	}

	/**
	 * Reads on the leader after one lease (or read-index) check for them all, on the Raft
	 * host's read threads; one checked read per read, in order. Never-written ranges are
	 * zeros. Pages a read names bad must be replaced before anything is served. Each read
	 * has passed {@link #checkRead}, as for {@link #write}.
	 */
	public CompletableFuture<List<CheckedRead>> read(List<ChunkRead> reads) {
		return onLeader(() -> {
			List<CheckedRead> data = new ArrayList<>(reads.size());
			for (ChunkRead read : reads) {
				data.add(this.store.read(read.chunkId(), read.offset(), read.length()));
			}
			return data;
		});
	}

	/**
	 * This replica's own copy of a range, whatever its role and however far it has
	 * applied the log: for the repair of another replica and for the scrub.
	 */
	public CheckedRead readLocal(ChunkRead read) {
		checkRead(read);
		try {
			return this.store.read(read.chunkId(), read.offset(), read.length());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Proposes a consistency scan of the chunk: each replica digests its page checksums
	 * at the entry. Completes with the entry's index once applied here.
	 */
	public CompletableFuture<Long> scan(long chunkId) {
		ChunkCommand command = ChunkCommand.newBuilder()
			.setScan(ScanChunkCommand.newBuilder().setChunkId(chunkId))
			.build();
		return this.group.propose(command.toByteArray()).thenApply(Long.class::cast);
	}

	/** This replica's digest at the scan entry at index; empty before it applied it, or long after. */
	public Optional<ScanDigest> scanDigest(long index) {
		return this.stateMachine.scanDigest(index);
	}

	/**
	 * A chunk's digest at a scan entry.
	 * @param digest CRC32C of the replica's page checksums of the chunk
	 */
	public record ScanDigest(long chunkId, int digest) {
	}

	/** Bytes of data in each chunk of this copyset. */
	public int chunkSize() {
		return this.store.chunkSize();
	}

	/** The chunks this replica holds. */
	public List<Long> chunkIds() {
		try {
			return this.store.chunkIds();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Proposes a good copy of whole pages, as a replica held them after applying
	 * {@code asOf}; each replica whose own pages there do not check out takes it.
	 */
	public CompletableFuture<Void> repair(long chunkId, long offset, ByteBuffer pages, long asOf) {
		ChunkCommand command = ChunkCommand.newBuilder()
			.setRepair(RepairPagesCommand.newBuilder()
				.setChunkId(chunkId)
				.setOffset(Math.toIntExact(offset))
				.setData(ByteString.copyFrom(pages.duplicate()))
				.setAsOfIndex(asOf))
			.build();
		return this.group.propose(command.toByteArray()).thenApply(index -> null);
	}

	/** Fails with {@code IO_NOT_ALIGNED} or {@code IO_OUT_OF_RANGE} unless the read fits a chunk. */
	public void checkRead(ChunkRead read) {
		ChunkStore.checkRange(read.offset(), read.length(), this.store.chunkSize());
	}

	/**
	 * The chunk's header as the leader has it (empty when the chunk does not exist) and,
	 * when {@code snapshotSn} is positive, its content sn at that volume snapshot (see
	 * {@link ChunkStore#snapshotContentSn}), in one read.
	 */
	public CompletableFuture<ChunkInfo> info(long chunkId, long snapshotSn) {
		return onLeader(() -> new ChunkInfo(this.store.info(chunkId),
				snapshotSn > 0 ? this.store.snapshotContentSn(chunkId, snapshotSn) : 0));
	}

	/**
	 * A chunk as the leader has it.
	 * @param header empty when the chunk does not exist
	 * @param snapshotContentSn the content sn at the snapshot asked about; 0 when none was
	 */
	public record ChunkInfo(Optional<ChunkFileHeader> header, long snapshotContentSn) {
	}

	private <T> CompletableFuture<T> onLeader(Callable<T> read) {
		if (!this.group.isLeader()) {
			return CompletableFuture.failedFuture(notLeader());
		}
		return this.group.readLinearizable(read);
	}

	@Override
	public NotLeaderException notLeader() {
		return new NotLeaderException("not the leader of copyset " + this.id, this.group.leader());
	}

	@Override
	public boolean isLeader() {
		return this.group.isLeader();
	}

	/** Raft address of the leader; empty when unknown. */
	@Override
	public String leader() {
		return this.group.leader();
	}

	/** Raft address of this replica. */
	public String self() {
		return this.group.self();
	}

	public List<String> peers() {
		return this.group.peers();
	}

	/**
	 * Members of the last configuration this replica saw committed (what {@link #epoch()}
	 * counts); the initial members until one is.
	 */
	@Override
	public List<String> committedPeers() {
		List<String> committed = this.stateMachine.committedPeers();
		return committed.isEmpty() ? this.group.peers() : committed;
	}

	/** Term of the leader this replica knows (its own term when it leads). */
	@Override
	public long term() {
		return this.stateMachine.term();
	}

	/** Membership changes since creation, as carried by the log and snapshots. */
	@Override
	public long epoch() {
		return this.stateMachine.epoch();
	}

	@Override
	public long appliedIndex() {
		return this.stateMachine.appliedIndex();
	}

	/** Raw Raft group, for membership changes. */
	@Override
	public RaftGroup group() {
		return this.group;
	}

	/** Stops the Raft group, then closes the chunk files it applied to. */
	@Override
	public void close() {
		this.group.close();
		try {
			this.store.close();
		}
		catch (IOException ex) {
			log.warn("copyset {}: closing chunk files failed: {}", this.id, ex.toString());
		}
	}

}
