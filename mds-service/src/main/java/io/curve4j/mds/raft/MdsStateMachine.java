package io.curve4j.mds.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.InvalidProtocolBufferException;

import io.curve4j.common.raft.RaftStateMachine;
import io.curve4j.proto.mds.v1.MdsCommand;

/**
 * The MDS state machine: every committed {@link MdsCommand} goes to the handler of its
 * capability and its changes are written to RocksDB in one batch together with the
 * entry's index.
 *
 * <p>
 * Invariants: entries at or below the stored applied index are already in the
 * database and are skipped (a restart replays the log from the last snapshot); a
 * snapshot is a RocksDB checkpoint whose files sit flat in the snapshot directory with a
 * {@code db-} prefix (jraft copies snapshot files by name, flat names need no
 * directories on the receiving side); loading a snapshot replaces the database unless
 * the local one is already at or past it.
 */
public final class MdsStateMachine extends RaftStateMachine {

	private static final Logger log = LoggerFactory.getLogger(MdsStateMachine.class);

	private static final String SNAPSHOT_PREFIX = "db-";

	private final MdsStore store;

	private final Map<MdsCommand.CommandCase, MdsCommandHandler> handlers = new EnumMap<>(MdsCommand.CommandCase.class);

	private volatile long leaderSinceNanos;

	public MdsStateMachine(MdsStore store, List<MdsCommandHandler> handlers) {
		this.store = store;
		for (MdsCommandHandler handler : handlers) {
			for (MdsCommand.CommandCase c : handler.commands()) {
				if (this.handlers.putIfAbsent(c, handler) != null) {
					throw new IllegalStateException("two handlers for " + c);
				}
			}
		}
		setAppliedIndex(store.appliedIndex());
	}

	@Override
	protected Object apply(long index, ByteBuffer data) {
		try {
			return applyCommand(index, MdsCommand.parseFrom(data));
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("entry " + index + " is not an MdsCommand", ex);
		}
	}

	/**
	 * Applies one decoded command at index (skipped when the database already holds it).
	 * @return the handler's result, null for a skipped entry
	 */
	public Object applyCommand(long index, MdsCommand command) {
		if (index <= this.store.appliedIndex()) {
			return null;
		}
		MdsCommandHandler handler = this.handlers.get(command.getCommandCase());
		if (handler == null) {
			// A command this version does not know: applying nothing would diverge from members that do.
			throw new IllegalStateException("no handler for " + command.getCommandCase() + " at entry " + index);
		}
		MdsTx tx = new MdsTx(this.store);
		Object result = handler.apply(command, tx);
		tx.commit(index);
		return result;
	}

	@Override
	public void onLeaderStart(long term) {
		this.leaderSinceNanos = System.nanoTime();
		super.onLeaderStart(term);
	}

	/** {@link System#nanoTime()} when this member last became leader. */
	public long leaderSinceNanos() {
		return this.leaderSinceNanos;
	}

	@Override
	public void onSnapshotSave(SnapshotWriter writer, Closure done) {
		Path dir = Path.of(writer.getPath());
		Path staging = dir.resolve("checkpoint");
		try {
			this.store.checkpoint(staging);
			try (Stream<Path> files = Files.list(staging)) {
				for (Path file : files.toList()) {
					String name = SNAPSHOT_PREFIX + file.getFileName();
					Files.move(file, dir.resolve(name));
					if (!writer.addFile(name)) {
						throw new IOException("snapshot writer refused " + name);
					}
				}
			}
			Files.delete(staging);
			done.run(Status.OK());
		}
		catch (IOException | RuntimeException ex) {
			log.error("MDS snapshot failed", ex);
			done.run(new Status(RaftError.EIO, "MDS snapshot failed: %s", ex));
		}
	}

	@Override
	public boolean onSnapshotLoad(SnapshotReader reader) {
		SnapshotMeta meta = reader.load();
		if (meta == null) {
			log.error("MDS snapshot at {} has no meta", reader.getPath());
			return false;
		}
		if (this.store.appliedIndex() >= meta.getLastIncludedIndex()) {
			// The local database already holds everything the snapshot has (a plain restart).
			setAppliedIndex(this.store.appliedIndex());
			return true;
		}
		Path dir = Path.of(reader.getPath());
		Path staging = dir.resolveSibling(dir.getFileName() + ".load");
		try {
			FileUtils.deleteDirectory(staging.toFile());
			Files.createDirectories(staging);
			for (String name : reader.listFiles()) {
				if (name.startsWith(SNAPSHOT_PREFIX)) {
					Files.copy(dir.resolve(name), staging.resolve(name.substring(SNAPSHOT_PREFIX.length())));
				}
			}
			this.store.restore(staging);
			FileUtils.deleteDirectory(staging.toFile());
		}
		catch (IOException | RuntimeException ex) {
			log.error("cannot load MDS snapshot {}", reader.getPath(), ex);
			return false;
		}
		setAppliedIndex(this.store.appliedIndex());
		log.info("MDS state restored from snapshot at index {}", meta.getLastIncludedIndex());
		return true;
	}

}
