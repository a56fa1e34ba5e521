package io.curve4j.chunk.copyset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;

import io.curve4j.chunk.chunkfile.ChunkStore;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.raft.RaftStateMachine;
import io.curve4j.proto.raft.v1.ChunkCommand;
import io.curve4j.proto.raft.v1.WriteChunkCommand;

/**
 * Applies a copyset's log ({@link ChunkCommand}s) to its {@link ChunkStore}.
 *
 * <p>
 * Invariants: every entry is an overwrite of a range or a delete of a chunk, so applying
 * the log again from any earlier point over the current files gives the same files. That
 * is why no applied index is stored with the data and why a snapshot may hold files newer
 * than its index: a snapshot is the chunk files forced to disk and hard-linked into the
 * snapshot directory, plus a manifest (file names, the configuration epoch and the
 * {@link WriteFences write fences}). A write
 * or delete that fails with an I/O error (disk full, corrupt file) halts the group: the
 * entry is not marked applied, and a restart replays it.
 */
final class CopysetStateMachine extends RaftStateMachine {

	private static final Logger log = LoggerFactory.getLogger(CopysetStateMachine.class);

	static final String MANIFEST = "chunks.manifest";

	private static final String EPOCH_LINE = "epoch ";

	private static final String FENCE_LINE = "fence ";

	private final String groupId;

	private final ChunkStore store;

	private final WriteFences fences = new WriteFences();

	private volatile long term;

	private volatile long epoch;

	/** Members the epoch counted last; the initial ones until a configuration commits. */
	private volatile Set<String> lastPeers;

	CopysetStateMachine(String groupId, ChunkStore store, List<String> initialPeers) {
		this.groupId = groupId;
		this.store = store;
		this.lastPeers = Set.copyOf(initialPeers);
	}

	@Override
	protected Object apply(long index, ByteBuffer data) {
		ChunkCommand command = decode(data);
		try {
			switch (command.getCommandCase()) {
				case WRITE -> write(command.getWrite());
				case WRITES -> {
					for (WriteChunkCommand write : command.getWrites().getWritesList()) {
						write(write);
					}
				}
				case DELETE -> this.store.delete(command.getDelete().getChunkId());
				default -> throw new CurveException(ErrorCode.INVALID_ARGUMENT, "empty chunk command");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(this.groupId + ": entry " + index, ex);
		}
		return index;
	}

	/** Applies one client write, unless another attempt of it, a retry among them, was applied already. */
	private void write(WriteChunkCommand write) throws IOException {
		if (this.fences.admit(write.getWriteId())) {
			this.store.write(write.getChunkId(), write.getSn(), Integer.toUnsignedLong(write.getOffset()),
					write.getData().asReadOnlyByteBuffer());
		}
	}

	/** Aliases the entry's bytes instead of copying the payload; they are used only inside apply. */
	private static ChunkCommand decode(ByteBuffer data) {
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
	public void onLeaderStart(long term) {
		this.term = term;
		super.onLeaderStart(term);
	}

	@Override
	public void onStartFollowing(LeaderChangeContext ctx) {
		this.term = ctx.getTerm();
	}

	/**
	 * Counts membership changes. jraft reports the joint entry of each change and the
	 * configuration of every snapshot it loads; only a member set different from the last
	 * one (the initial members before any) raises the epoch. Counting from the initial
	 * members matters: a replica that never loaded a snapshot would otherwise miss the
	 * first change, and the MDS would wait forever for the epoch that records it. Peers are
	 * compared as endpoints, the form {@link #committedPeers()} gives.
	 */
	@Override
	public void onConfigurationCommitted(Configuration conf) {
		super.onConfigurationCommitted(conf);
		Set<String> peers = Set.copyOf(committedPeers());
		if (!this.lastPeers.isEmpty() && !peers.equals(this.lastPeers)) {
			this.epoch++;
			log.info("{}: members {} at epoch {}", this.groupId, peers, this.epoch);
		}
		this.lastPeers = peers;
	}


	@Override
	public void onSnapshotSave(SnapshotWriter writer, Closure done) {
		try {
			Path dir = Path.of(writer.getPath());
			List<String> names = this.store.sync();
			for (String name : names) {
				Files.createLink(dir.resolve(name), this.store.dir().resolve(name));
				if (!writer.addFile(name)) {
					throw new IOException("snapshot writer refused " + name);
				}
			}
			List<String> manifest = new ArrayList<>(names);
			manifest.add(EPOCH_LINE + this.epoch);
			this.fences.lines().forEach(fence -> manifest.add(FENCE_LINE + fence));
			Files.write(dir.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
			if (!writer.addFile(MANIFEST)) {
				throw new IOException("snapshot writer refused " + MANIFEST);
			}
			done.run(Status.OK());
		}
		catch (IOException | RuntimeException ex) {
			log.error("{}: snapshot failed", this.groupId, ex);
			done.run(new Status(RaftError.EIO, "%s: snapshot failed: %s", this.groupId, ex));
		}
	}

	@Override
	public boolean onSnapshotLoad(SnapshotReader reader) {
		Path dir = Path.of(reader.getPath());
		try {
			List<String> names = new ArrayList<>();
			List<String> fenceLines = new ArrayList<>();
			long snapshotEpoch = 0;
			for (String line : Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
				if (line.startsWith(EPOCH_LINE)) {
					snapshotEpoch = Long.parseLong(line.substring(EPOCH_LINE.length()));
				}
				else if (line.startsWith(FENCE_LINE)) {
					fenceLines.add(line.substring(FENCE_LINE.length()));
				}
				else if (!line.isBlank()) {
					names.add(line);
				}
			}
			this.store.restore(dir, names);
			this.fences.restore(fenceLines);
			// The snapshot's configuration arrives next through onConfigurationCommitted; it is not a change.
			this.epoch = snapshotEpoch;
			this.lastPeers = Set.of();
			log.info("{}: loaded snapshot with {} chunk files", this.groupId, names.size());
			return true;
		}
		catch (IOException | RuntimeException ex) {
			log.error("{}: cannot load snapshot from {}", this.groupId, dir, ex);
			return false;
		}
	}

	/** Term of the current leader as this replica knows it. */
	long term() {
		return this.term;
	}

	/** Membership changes since the copyset was created. */
	long epoch() {
		return this.epoch;
	}

}
