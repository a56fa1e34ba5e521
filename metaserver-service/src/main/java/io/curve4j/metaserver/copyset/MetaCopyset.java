package io.curve4j.metaserver.copyset;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.membership.HostedCopyset;
import io.curve4j.metaserver.partition.PartitionStateMachine;
import io.curve4j.metaserver.partition.PartitionStore;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.metaserver.v1.MetaCommand;

/**
 * One metaserver copyset replica: its Raft group and the partitions' database. Changes go
 * through the log and complete once applied here, so only the leader accepts them; reads
 * run on the leader after a read-index check. A follower answers NOT_LEADER with the
 * leader it knows.
 */
public final class MetaCopyset implements HostedCopyset, AutoCloseable {

	private final CopysetKey key;

	private final PartitionStore store;

	private final PartitionStateMachine stateMachine;

	private final RaftGroup group;

	MetaCopyset(CopysetKey key, PartitionStore store, PartitionStateMachine stateMachine, RaftGroup group) {
		this.key = key;
		this.store = store;
		this.stateMachine = stateMachine;
		this.group = group;
	}

	@Override
	public CopysetKey key() {
		return this.key;
	}

	@Override
	public RaftGroup group() {
		return this.group;
	}

	public PartitionStore store() {
		return this.store;
	}

	@Override
	public boolean isLeader() {
		return this.stateMachine.isLeader();
	}

	@Override
	public String leader() {
		return this.group.leader();
	}

	@Override
	public List<String> committedPeers() {
		List<String> committed = this.stateMachine.committedPeers();
		return committed.isEmpty() ? this.group.peers() : committed;
	}

	@Override
	public long term() {
		return this.stateMachine.term();
	}

	@Override
	public long appliedIndex() {
		return this.stateMachine.appliedIndex();
	}

	@Override
	public long epoch() {
		return this.stateMachine.epoch();
	}

	@Override
	public NotLeaderException notLeader() {
		return new NotLeaderException("not the leader of " + this.group.groupId(), this.group.leader());
	}

	/** Proposes a change; completes with the state machine's result once a majority has it and it is applied here. */
	public CompletableFuture<Object> propose(MetaCommand command) {
		return this.group.propose(command.toByteArray());
	}

	/**
	 * {@link #propose} for the metaserver's own background work (trash, compaction,
	 * collection): waits up to {@code timeout}; a refusal comes back as its
	 * {@link CurveException}, anything else (no answer, interrupted, lost leadership) as an
	 * {@link IllegalStateException}, the change's outcome then unknown.
	 */
	public Object proposeAndWait(MetaCommand command, Duration timeout) {
		try {
			return propose(command).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while proposing to " + this.group.groupId(), ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof CurveException refused) {
				throw refused;
			}
			throw new IllegalStateException(this.group.groupId() + ": " + ex.getCause(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("no answer from " + this.group.groupId() + " within " + timeout, ex);
		}
	}

	/** Runs a read on the leader once it has applied everything committed before the call. */
	public <T> CompletableFuture<T> read(Callable<T> read) {
		return this.group.readLinearizable(read);
	}

	@Override
	public void close() {
		this.group.close();
		this.store.close();
	}

}
