package io.curve4j.mds.raft;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;

import io.curve4j.common.raft.CheckpointSnapshots;
import io.curve4j.common.raft.CommandStateMachine;
import io.curve4j.proto.mds.v1.MdsCommand;

/**
 * The MDS state machine: every committed {@link MdsCommand} goes to the handler of its
 * capability, and its changes are written to RocksDB in one batch together with the
 * entry's index ({@link MdsTx#commit}), so entries replayed after a restart are skipped.
 * Snapshots are RocksDB checkpoints ({@link CheckpointSnapshots}).
 */
public final class MdsStateMachine extends CommandStateMachine<MdsCommand> {

	static final String NAME = "mds";

	private final MdsStore store;

	private final Map<MdsCommand.CommandCase, MdsCommandHandler> handlers = new EnumMap<>(MdsCommand.CommandCase.class);

	private volatile long leaderSinceNanos;

	public MdsStateMachine(MdsStore store, List<MdsCommandHandler> handlers) {
		super(NAME, new CheckpointSnapshots(store), store.appliedIndex());
		this.store = store;
		for (MdsCommandHandler handler : handlers) {
			for (MdsCommand.CommandCase c : handler.commands()) {
				if (this.handlers.putIfAbsent(c, handler) != null) {
					throw new IllegalStateException("two handlers for " + c);
				}
			}
		}
	}

	@Override
	protected MdsCommand decode(long index, ByteBuffer data) {
		try {
			return MdsCommand.parseFrom(data);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("entry " + index + " is not an MdsCommand", ex);
		}
	}

	@Override
	protected Object apply(long index, MdsCommand command) {
		MdsCommandHandler handler = this.handlers.get(command.getCommandCase());
		if (handler == null) {
			// A command this version does not know: applying nothing would diverge from members that do.
			throw new IllegalStateException("no handler for " + command.getCommandCase() + " at entry " + index);
		}
		try (MdsTx tx = new MdsTx(this.store)) {
			Object result = handler.apply(command, tx);
			tx.commit(index);
			return result;
		}
	}

	@Override
	protected void leaderStarted(long term) {
		this.leaderSinceNanos = System.nanoTime();
	}

	/** {@link System#nanoTime()} when this member last became leader. */
	public long leaderSinceNanos() {
		return this.leaderSinceNanos;
	}

}
