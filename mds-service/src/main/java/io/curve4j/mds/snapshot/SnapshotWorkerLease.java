package io.curve4j.mds.snapshot;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsRaft;

/**
 * Which snapshot service works the catalog: one holder at a time, with a lease it renews.
 * Soft state on the leader, like the sessions: a new leader does not know the previous
 * holder, so after a term change it grants the lease to nobody for one lease (the holder
 * may still be working), then to whoever asks first.
 */
@Component
class SnapshotWorkerLease {

	/** The answer to an acquire: whether the caller holds it now, and who does. */
	record Grant(boolean held, String holder) {
	}

	private final MdsRaft raft;

	private final Duration lease;

	private String holder = "";

	private long expiresAtNanos;

	/** The term this member led when it last granted; a new term starts from nobody. */
	private long term;

	SnapshotWorkerLease(MdsRaft raft, MdsProperties properties) {
		this.raft = raft;
		this.lease = properties.getSnapshot().getWorkerLease();
	}

	Duration lease() {
		return this.lease;
	}

	/** Grants or renews the lease for {@code workerId} when it is free, expired or its own. */
	synchronized Grant acquire(String workerId) {
		requireWorkerId(workerId);
		this.raft.requireLeader();
		long now = System.nanoTime();
		forgetOtherTerms();
		boolean free = this.holder.isEmpty() || this.expiresAtNanos - now < 0;
		if (!this.holder.equals(workerId) && !free) {
			return new Grant(false, this.holder);
		}
		// the first leader of the group has no predecessor whose holder could still work
		if (this.raft.term() > 1 && now - this.raft.leaderSinceNanos() < this.lease.toNanos()) {
			return new Grant(false, this.holder);
		}
		this.holder = workerId;
		this.expiresAtNanos = now + this.lease.toNanos();
		return new Grant(true, workerId);
	}

	/** Fails with WORKER_LEASE_NOT_HELD unless {@code workerId} holds an unexpired lease on this leader. */
	synchronized void require(String workerId) {
		requireWorkerId(workerId);
		this.raft.requireLeader();
		forgetOtherTerms();
		if (!this.holder.equals(workerId) || this.expiresAtNanos - System.nanoTime() < 0) {
			throw new CurveException(ErrorCode.WORKER_LEASE_NOT_HELD, "worker '" + workerId
					+ "' does not hold the snapshot worker lease" + (this.holder.isEmpty() ? "" : " ('" + this.holder
							+ "' does)") + "; call AcquireLease first");
		}
	}

	private void forgetOtherTerms() {
		long current = this.raft.term();
		if (current != this.term) {
			this.term = current;
			this.holder = "";
		}
	}

	private static void requireWorkerId(String workerId) {
		if (workerId == null || workerId.isBlank() || workerId.length() > 256) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a worker id of 1 to 256 characters is required");
		}
	}

}
