package io.curve4j.common.raft;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;

import io.curve4j.common.error.CurveException;

/**
 * Base of every state machine (MDS, copyset). Subclasses decode and apply one committed
 * entry in {@link #apply(long, ByteBuffer)}; this class completes the proposer's future
 * with the result, tracks leadership and the committed configuration, and halts the
 * group when an entry cannot be applied.
 *
 * <p>
 * Invariants: {@code apply} is deterministic (anything random or time-dependent is
 * decided by the leader before proposing and carried in the entry) and must tolerate
 * entries it already applied before a restart (store the applied index with the state,
 * or make the effect idempotent). A {@link CurveException} from {@code apply} is a
 * deterministic rejection: the state is unchanged on every replica, the proposer gets
 * the exception and the group goes on. Anything else is a bug or a broken disk: the
 * group rolls back and stops rather than let replicas diverge.
 */
public abstract class RaftStateMachine extends StateMachineAdapter {

	private static final Logger log = LoggerFactory.getLogger(RaftStateMachine.class);

	private volatile long leaderTerm = -1;

	private volatile List<String> committedPeers = List.of();

	private volatile long appliedIndex;

	/**
	 * Applies one committed entry.
	 * @return the result handed to the proposer (may be null)
	 */
	protected abstract Object apply(long index, ByteBuffer data);

	@Override
	public final void onApply(Iterator iter) {
		while (iter.hasNext()) {
			Closure done = iter.done();
			long index = iter.getIndex();
			Object result;
			try {
				result = apply(index, iter.getData());
			}
			catch (CurveException rejected) {
				this.appliedIndex = index;
				if (done instanceof ProposeClosure pc) {
					pc.future.completeExceptionally(rejected);
				}
				iter.next();
				continue;
			}
			catch (Throwable fatal) {
				log.error("{}: cannot apply entry {}, halting the group", getClass().getSimpleName(), index, fatal);
				iter.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "apply failed: %s", fatal));
				return;
			}
			this.appliedIndex = index;
			if (done instanceof ProposeClosure pc) {
				pc.future.complete(result);
			}
			iter.next();
		}
	}

	@Override
	public void onLeaderStart(long term) {
		this.leaderTerm = term;
		log.info("{}: became leader in term {}", getClass().getSimpleName(), term);
	}

	@Override
	public void onLeaderStop(Status status) {
		this.leaderTerm = -1;
		log.info("{}: stepped down: {}", getClass().getSimpleName(), status);
	}

	@Override
	public void onConfigurationCommitted(Configuration conf) {
		// as endpoints ("host:port"), the form every member list here uses
		this.committedPeers = conf.getPeers().stream().map(p -> p.getEndpoint().toString()).toList();
	}

	@Override
	public void onError(RaftException e) {
		log.error("{}: Raft group failed: {}", getClass().getSimpleName(), e.getStatus(), e);
	}

	/** Default: no snapshot support; subclasses that allow snapshots override both. */
	@Override
	public void onSnapshotSave(SnapshotWriter writer, Closure done) {
		done.run(new Status(RaftError.EINVAL, "%s does not take snapshots", getClass().getSimpleName()));
	}

	@Override
	public boolean onSnapshotLoad(SnapshotReader reader) {
		log.error("{} cannot load snapshots", getClass().getSimpleName());
		return false;
	}

	public boolean isLeader() {
		return this.leaderTerm > 0;
	}

	public long leaderTerm() {
		return this.leaderTerm;
	}

	/** Raft addresses (host:port) of the last committed configuration as this replica saw it. */
	public List<String> committedPeers() {
		return this.committedPeers;
	}

	public long appliedIndex() {
		return this.appliedIndex;
	}

	/** Lets subclasses that restore state from disk report where they stand. */
	protected void setAppliedIndex(long index) {
		this.appliedIndex = index;
	}

	/** Closure of a proposal made through {@link RaftGroup#propose(byte[])}. */
	static final class ProposeClosure implements Closure {

		final CompletableFuture<Object> future = new CompletableFuture<>();

		private final RaftGroup group;

		ProposeClosure(RaftGroup group) {
			this.group = group;
		}

		@Override
		public void run(Status status) {
			// Reached only when the entry did not commit here (onApply completes it otherwise).
			if (!status.isOk() && !this.future.isDone()) {
				this.future.completeExceptionally(this.group.failure(status));
			}
		}

	}

}
