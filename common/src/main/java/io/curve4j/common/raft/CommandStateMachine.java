package io.curve4j.common.raft;

import java.nio.ByteBuffer;
import java.util.List;

import io.curve4j.common.error.CurveException;

/**
 * Base of every replicated state (the MDS, copysets, and the groups to come): decodes each
 * committed entry into a command of type {@code C}, skips entries the state already holds,
 * applies the rest, and saves and loads snapshots through one {@link SnapshotStore}. It
 * knows nothing of jraft: {@link RaftGroup} runs it.
 *
 * <p>
 * Invariants for subclasses: {@link #apply} is deterministic (anything random or
 * time-dependent is decided by the leader before proposing and carried in the command).
 * A {@link CurveException} thrown by {@link #decode} or {@link #apply} is a deterministic
 * rejection: the state is unchanged on every replica, the proposer gets the exception and
 * the group goes on. Anything else is a bug or a broken disk: the group stops rather than
 * let replicas diverge, and a restart replays the entry. A state that persists itself
 * writes the entry's index in the same atomic write as the entry's changes and reports it
 * through the constructor and {@link SnapshotStore#load}, so that entries replayed after a
 * restart are skipped here.
 */
public abstract class CommandStateMachine<C> {

	private final String name;

	private final SnapshotStore snapshots;

	private volatile long appliedIndex;

	private volatile long leaderTerm = -1;

	private volatile long term;

	private volatile List<String> committedPeers = List.of();

	/**
	 * @param name for logs, e.g. the group id
	 * @param snapshots how the state goes into snapshots and back
	 * @param appliedIndex index of the last entry the state already holds (0 for a state
	 * that is rebuilt from snapshot and log at every start)
	 */
	protected CommandStateMachine(String name, SnapshotStore snapshots, long appliedIndex) {
		this.name = name;
		this.snapshots = snapshots;
		this.appliedIndex = appliedIndex;
	}

	/** Decodes an entry's payload; {@code data} is valid only during the call. */
	protected abstract C decode(long index, ByteBuffer data);

	/**
	 * Applies one committed command.
	 * @return the result handed to the proposer (may be null)
	 */
	protected abstract Object apply(long index, C command);

	/** This replica became leader in term. */
	protected void leaderStarted(long term) {
	}

	/** This replica stopped leading. */
	protected void leaderStopped() {
	}

	/** A configuration committed: its members as endpoints ("host:port"). */
	protected void membersCommitted(List<String> peers) {
	}

	/** A snapshot replaced the state. */
	protected void snapshotLoaded(long lastIncludedIndex) {
	}

	/**
	 * Applies the command committed at index, unless the state already holds that entry
	 * (then nothing happens and the result is null). Throws what {@link #apply} throws.
	 */
	public final Object applyCommitted(long index, C command) {
		if (index <= this.appliedIndex) {
			return null;
		}
		try {
			Object result = apply(index, command);
			this.appliedIndex = index;
			return result;
		}
		catch (CurveException rejected) {
			// deterministic: every replica rejects it alike, so the entry counts as applied
			this.appliedIndex = index;
			throw rejected;
		}
	}

	/** Decodes and applies the entry committed at index, as {@link #applyCommitted}. */
	final Object applyEntry(long index, ByteBuffer data) {
		if (index <= this.appliedIndex) {
			return null;
		}
		C command;
		try {
			command = decode(index, data);
		}
		catch (CurveException rejected) {
			this.appliedIndex = index;
			throw rejected;
		}
		return applyCommitted(index, command);
	}

	public final String name() {
		return this.name;
	}

	public final SnapshotStore snapshots() {
		return this.snapshots;
	}

	/** Index of the last entry applied here. */
	public final long appliedIndex() {
		return this.appliedIndex;
	}

	public final boolean isLeader() {
		return this.leaderTerm > 0;
	}

	/** Term in which this replica leads; -1 when it does not. */
	public final long leaderTerm() {
		return this.leaderTerm;
	}

	/** Term of the leader this replica knows (its own when it leads); 0 before it knows one. */
	public final long term() {
		return this.term;
	}

	/** Members of the last configuration this replica saw committed; empty before the first. */
	public final List<String> committedPeers() {
		return this.committedPeers;
	}

	// Called by the jraft adapter, on the state machine's thread.

	final void startLeading(long term) {
		this.leaderTerm = term;
		this.term = term;
		leaderStarted(term);
	}

	final void stopLeading() {
		this.leaderTerm = -1;
		leaderStopped();
	}

	final void startFollowing(long term) {
		this.term = term;
	}

	final void commitMembers(List<String> peers) {
		this.committedPeers = List.copyOf(peers);
		membersCommitted(this.committedPeers);
	}

	final void loaded(long index, long lastIncludedIndex) {
		this.appliedIndex = index;
		snapshotLoaded(lastIncludedIndex);
	}

}
