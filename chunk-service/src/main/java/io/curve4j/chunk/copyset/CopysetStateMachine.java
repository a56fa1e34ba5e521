package io.curve4j.chunk.copyset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;

import io.curve4j.chunk.chunkfile.ChunkStore;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.raft.CommandStateMachine;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.raft.v1.ChunkCommand;
import io.curve4j.proto.raft.v1.PageFill;
import io.curve4j.proto.raft.v1.RepairPagesCommand;
import io.curve4j.proto.raft.v1.WriteChunkCommand;
import io.curve4j.membership.MembershipEpoch;

/**
 * Applies a copyset's log ({@link ChunkCommand}s) to its {@link ChunkStore}.
 *
 * <p>
 * Invariants: every entry is an overwrite of a range (with the copy-on-write of the pages
 * it overwrites, each copied once; in a lazy clone's chunk, with the source content the
 * entry carries for unwritten pages it covers in part), a recover of a clone's unwritten
 * pages (from source content the entry carries: apply reads no object store), a delete
 * of a chunk or of its snapshot copy, a repair
 * of bad pages (which changes only pages that do not check out) or a scan (which changes
 * nothing), so applying
 * the log again from any earlier point over the current files gives the same files. That
 * is why no applied index is stored with the data and why a snapshot
 * ({@link CopysetSnapshots}) may hold files newer than its index. A write or delete that
 * fails with an I/O error (disk full, corrupt file) halts the group: the entry is not
 * marked applied, and a restart replays it. A write the chunk refuses (a stale sequence
 * number, a second snapshot) is refused alike on every replica and changes nothing; in a
 * batch entry it fails alone, the others apply.
 */
final class CopysetStateMachine extends CommandStateMachine<ChunkCommand> {

	private static final Logger log = LoggerFactory.getLogger(CopysetStateMachine.class);

	private final ChunkStore store;

	private final WriteFences fences;

	private final MembershipEpoch epoch;

	private final ScanDigests scans = new ScanDigests();

	CopysetStateMachine(String groupId, ChunkStore store, List<String> initialPeers) {
		this(groupId, store, new WriteFences(), new MembershipEpoch(groupId, initialPeers));
	}

	private CopysetStateMachine(String groupId, ChunkStore store, WriteFences fences, MembershipEpoch epoch) {
		super(groupId, new CopysetSnapshots(store, fences, epoch), 0);
		this.store = store;
		this.fences = fences;
		this.epoch = epoch;
	}

	/** Aliases the entry's bytes instead of copying the payload; they are used only inside apply. */
	@Override
	protected ChunkCommand decode(long index, ByteBuffer data) {
		try {
			CodedInputStream in = UnsafeByteOperations.unsafeWrap(data).newCodedInput();
			in.enableAliasing(true);
			return ChunkCommand.parseFrom(in);
		}
		catch (IOException ex) {
			// Only a proposer bug or a corrupt log gets here; the Raft log checksums entries.
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "not a chunk command: " + ex.getMessage());
		}
	}

	@Override
	protected Object apply(long index, ChunkCommand command) {
		try {
			switch (command.getCommandCase()) {
				case WRITE -> {
					this.fences.reserve(retries(List.of(command.getWrite())), index);
					write(command.getWrite(), index);
				}
				case WRITES -> {
					List<WriteChunkCommand> writes = command.getWrites().getWritesList();
					this.fences.reserve(retries(writes), index);
					List<WriteResult> results = new ArrayList<>(writes.size());
					for (WriteChunkCommand write : writes) {
						try {
							write(write, index);
							results.add(new WriteResult(index, null));
						}
						catch (CurveException refused) {
							results.add(new WriteResult(index, refused));
						}
					}
					return results;
				}
				case DELETE -> {
					WriteId id = command.getDelete().getWriteId();
					this.fences.reserve(id.getAttempt() > 1 ? 1 : 0, index);
					if (this.fences.admit(id, index)) {
						this.store.delete(command.getDelete().getChunkId(), command.getDelete().getSn(),
								command.getDelete().getClone());
					}
				}
				case REPAIR -> repair(command.getRepair(), index);
				case RECOVER -> this.store.recover(command.getRecover().getChunkId(), command.getRecover().getSn(),
						Integer.toUnsignedLong(command.getRecover().getOffset()),
						command.getRecover().getData().asReadOnlyByteBuffer(), index);
				case DELETE_SNAPSHOT -> this.store.deleteSnapshotOrCorrectSn(command.getDeleteSnapshot().getChunkId(),
						command.getDeleteSnapshot().getCorrectedSn());
				case SCAN -> this.scans.record(index, command.getScan().getChunkId(),
						this.store.checksumDigest(command.getScan().getChunkId()));
				default -> throw new CurveException(ErrorCode.INVALID_ARGUMENT, "empty chunk command");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(name() + ": entry " + index, ex);
		}
		return index;
	}

	/** Applies one client write, unless another attempt of it, a retry among them, was applied already. */
	private void write(WriteChunkCommand write, long index) throws IOException {
		if (this.fences.admit(write.getWriteId(), index)) {
			Map<Integer, ByteBuffer> fills = new HashMap<>();
			for (PageFill fill : write.getFillsList()) {
				fills.put(fill.getPage(), fill.getData().asReadOnlyByteBuffer());
			}
			this.store.write(write.getChunkId(), write.getSn(), Integer.toUnsignedLong(write.getOffset()),
					write.getData().asReadOnlyByteBuffer(), index, write.getClone(), fills);
		}
	}

	/** Writes of an entry that may set a fence. */
	private static int retries(List<WriteChunkCommand> writes) {
		return (int) writes.stream().filter(write -> write.getWriteId().getAttempt() > 1).count();
	}

	/** Takes the good copy of pages on this replica if its own do not check out (on the others, nothing changes). */
	private void repair(RepairPagesCommand repair, long index) throws IOException {
		int pages = this.store.repair(repair.getChunkId(), Integer.toUnsignedLong(repair.getOffset()),
				repair.getData().asReadOnlyByteBuffer(), repair.getAsOfIndex());
		if (pages > 0) {
			log.warn("{}: entry {} repaired {} bad page(s) of chunk {} at offset {}", name(), index, pages,
					repair.getChunkId(), Integer.toUnsignedLong(repair.getOffset()));
		}
	}

	@Override
	protected void membersCommitted(List<String> peers) {
		this.epoch.committed(peers);
	}

	/** What this replica digested at the scan entry at index, if it still remembers. */
	Optional<Copyset.ScanDigest> scanDigest(long index) {
		return this.scans.at(index);
	}

	/** Membership changes since the copyset was created. */
	long epoch() {
		return this.epoch.value();
	}

}
