package io.curve4j.sdk.block;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.CloseVolumeRequest;
import io.curve4j.proto.mds.v1.CloseVolumeResponse;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.OpenVolumeRequest;
import io.curve4j.proto.mds.v1.OpenVolumeResponse;
import io.curve4j.proto.mds.v1.RefreshSessionRequest;
import io.curve4j.proto.mds.v1.RefreshSessionResponse;
import io.curve4j.sdk.metacache.MdsClient;
import io.curve4j.sdk.retry.BoundedRetry;

/**
 * The MDS session of an open volume. Its lease is refreshed every quarter lease, so
 * three refreshes in a row may fail before it expires; each refresh also brings the
 * volume's current size, sequence number and QoS limits (extends, snapshots and throttle
 * changes by others). A session
 * the MDS no longer knows (expired while the client was cut off, or the MDS lost it) is
 * reopened rather than failing the volume.
 * <p>
 * The session also decides the sequence number writes carry (the client's half of
 * snapshot exactness): each refresh reports the number this client writes with, and one
 * that brings a new number (a snapshot was taken) is followed at once by another that
 * reports it, since the snapshot waits for that report. Writes wait while the lease has
 * run out locally (no open or refresh succeeded within one lease of when it was sent): the
 * MDS stops waiting for an expired session, and a client cut off from it must then not
 * write with a number that may be old. A number a chunkserver refused as stale is not used
 * again; writes wait for a refresh to bring a newer one.
 */
final class VolumeSession {

	private static final Logger log = LoggerFactory.getLogger(VolumeSession.class);

	private static final long MIN_REFRESH_MS = 100;

	private final String path;

	private final String clientId;

	private final MdsClient mds;

	private final ScheduledExecutorService scheduler;

	private volatile String sessionId;

	private volatile FileInfo file;

	private volatile IoThrottle throttle = IoThrottle.NONE;

	private volatile long leaseMs;

	/** {@link System#nanoTime} at which the lease runs out here: one lease after the last successful call was sent. */
	private volatile long leaseEndNanos;

	/** The highest sequence number a chunkserver refused as stale. */
	private volatile long refusedSeq;

	private volatile boolean closed;

	/** Completed, and replaced, by each successful open or refresh; writes that wait listen to it. */
	private volatile CompletableFuture<Void> renewal = new CompletableFuture<>();

	/** Whether a refresh (or the reopen after a lost session) is in flight. */
	private boolean refreshing;

	/** Whether another refresh was asked for while one was in flight. */
	private boolean refreshAgain;

	private ScheduledFuture<?> nextRefresh;

	private VolumeSession(String path, String clientId, MdsClient mds, ScheduledExecutorService scheduler) {
		this.path = path;
		this.clientId = clientId;
		this.mds = mds;
		this.scheduler = scheduler;
	}

	static VolumeSession open(String path, String clientId, MdsClient mds, ScheduledExecutorService scheduler) {
		VolumeSession session = new VolumeSession(path, clientId, mds, scheduler);
		AtomicLong sent = new AtomicLong();
		session.accept(BoundedRetry.join(session.openCall(sent)), sent.get());
		session.scheduleRefresh(session.quarterLease());
		return session;
	}

	FileInfo file() {
		return this.file;
	}

	String id() {
		return this.sessionId;
	}

	/** The volume's limits as of the last refresh. */
	IoThrottle throttle() {
		return this.throttle;
	}

	/**
	 * The sequence number a write sends now: at once while the lease holds here and no
	 * chunkserver refused the current number; otherwise once a refresh (asked for now)
	 * brings one that may be used, failing with a retryable error when none has after
	 * {@code timeoutNanos} or after the next successful refresh.
	 */
	CompletableFuture<Long> writeSequence(long timeoutNanos) {
		FileInfo current = this.file;
		if (usable(current)) {
			return CompletableFuture.completedFuture(current.getSeqNum());
		}
		CompletableFuture<Void> next = this.renewal;
		// checked again after taking the renewal to wait for, so one in between is not missed
		current = this.file;
		if (usable(current)) {
			return CompletableFuture.completedFuture(current.getSeqNum());
		}
		refreshSoon();
		// a copy: the timeout must not complete the renewal other writes wait for
		return next.copy().orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((ignored, failure) -> {
			if (failure != null && !(failure instanceof TimeoutException)) {
				throw GrpcErrors.fromStatus(failure);
			}
			FileInfo renewed = this.file;
			if (!usable(renewed)) {
				throw unusable();
			}
			return renewed.getSeqNum();
		});
	}

	/**
	 * A chunkserver refused {@code seq} as older than its chunk: refresh at once for the
	 * newer number, unless a refresh already brought it (the write left just before).
	 */
	void refused(long seq) {
		synchronized (this) {
			this.refusedSeq = Math.max(this.refusedSeq, seq);
		}
		if (this.file.getSeqNum() <= seq) {
			refreshSoon();
		}
	}

	private boolean usable(FileInfo current) {
		return System.nanoTime() - this.leaseEndNanos < 0 && current.getSeqNum() > this.refusedSeq;
	}

	private CurveException unusable() {
		if (System.nanoTime() - this.leaseEndNanos >= 0) {
			return new CurveException(ErrorCode.UNAVAILABLE, "the session of " + this.path + " was not renewed within its lease of "
					+ this.leaseMs + " ms; writes wait until the MDS answers");
		}
		return new CurveException(ErrorCode.STALE_SEQUENCE, "a chunkserver refused sequence number " + this.refusedSeq
				+ " of " + this.path + " as stale and the MDS has given no newer one yet");
	}

	/**
	 * Takes the volume as the MDS describes it now. New limits get new limiters, which start
	 * with a full burst; unchanged limits keep theirs, and with them what was reserved.
	 * @return whether the sequence number changed
	 */
	private boolean update(FileInfo file) {
		FileInfo previous = this.file;
		this.file = file;
		Throttle limits = Throttle.of(file.getThrottle());
		if (!limits.equals(this.throttle.limits())) {
			this.throttle = limits.isNone() ? IoThrottle.NONE : new IoThrottle(limits);
		}
		return previous != null && previous.getSeqNum() != file.getSeqNum();
	}

	/**
	 * The lease runs from {@code sentNanos}, when the successful call left; writes waiting
	 * for it go on. Called by one open or refresh at a time.
	 */
	private void renewed(long sentNanos) {
		this.leaseEndNanos = sentNanos + TimeUnit.MILLISECONDS.toNanos(this.leaseMs);
		CompletableFuture<Void> done = this.renewal;
		this.renewal = new CompletableFuture<>();
		done.complete(null);
	}

	/** Opens the volume; {@code sent} gets the time each try was sent, so the last one's once it succeeds. */
	private CompletableFuture<OpenVolumeResponse> openCall(AtomicLong sent) {
		OpenVolumeRequest request = OpenVolumeRequest.newBuilder()
			.setPath(this.path)
			.setClientId(this.clientId)
			.build();
		return this.mds.call("open " + this.path, false, NamespaceServiceGrpc::newStub, (stub, observer) -> {
			sent.set(System.nanoTime());
			stub.openVolume(request, observer);
		});
	}

	/** @return whether the sequence number changed */
	private boolean accept(OpenVolumeResponse response, long sentNanos) {
		if (response.getFile().getType() == FileType.DIRECTORY) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, this.path + " is a directory");
		}
		boolean seqChanged = update(response.getFile());
		this.sessionId = response.getSessionId();
		this.leaseMs = response.getLeaseMs();
		renewed(sentNanos);
		return seqChanged;
	}

	private long quarterLease() {
		return Math.max(MIN_REFRESH_MS, this.leaseMs / 4);
	}

	private synchronized void scheduleRefresh(long delayMs) {
		if (this.closed) {
			return;
		}
		if (this.nextRefresh != null) {
			this.nextRefresh.cancel(false);
		}
		this.nextRefresh = this.scheduler.schedule(this::refresh, delayMs, TimeUnit.MILLISECONDS);
	}

	/** Refreshes now, or right after the refresh in flight (whose answer may predate what is asked for). */
	private void refreshSoon() {
		synchronized (this) {
			if (this.refreshing) {
				this.refreshAgain = true;
				return;
			}
		}
		scheduleRefresh(0);
	}

	/**
	 * Schedules the next refresh once one ends: at once when asked for meanwhile or when
	 * this one brought a new sequence number (to report it), a quarter lease later otherwise.
	 */
	private void refreshed(boolean succeeded, boolean seqChanged) {
		long delay;
		synchronized (this) {
			this.refreshing = false;
			if (seqChanged) {
				delay = 0;
			}
			else if (this.refreshAgain) {
				// a failed call already retried for as long as it may: do not hammer the MDS
				delay = succeeded ? 0 : MIN_REFRESH_MS;
			}
			else {
				delay = quarterLease();
			}
			this.refreshAgain = false;
		}
		scheduleRefresh(delay);
	}

	private void refresh() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (this.refreshing) {
				this.refreshAgain = true;
				return;
			}
			this.refreshing = true;
			this.refreshAgain = false;
		}
		RefreshSessionRequest request = RefreshSessionRequest.newBuilder()
			.setPath(this.path)
			.setSessionId(this.sessionId)
			.setSeqNum(this.file.getSeqNum())
			.build();
		AtomicLong sent = new AtomicLong();
		CompletableFuture<RefreshSessionResponse> call = this.mds.call("refresh session of " + this.path, true, NamespaceServiceGrpc::newStub,
				(stub, observer) -> {
					sent.set(System.nanoTime());
					stub.refreshSession(request, observer);
				});
		call.whenComplete((response, failure) -> {
			if (failure == null) {
				boolean seqChanged = response.getFile().getId() != 0 && update(response.getFile());
				this.leaseMs = response.getLeaseMs() > 0 ? response.getLeaseMs() : this.leaseMs;
				renewed(sent.get());
				refreshed(true, seqChanged);
				return;
			}
			CurveException error = GrpcErrors.fromStatus(failure);
			if (error.code() == ErrorCode.SESSION_NOT_FOUND && !this.closed) {
				log.warn("Session {} of {} was lost; reopening", this.sessionId, this.path);
				AtomicLong reopenSent = new AtomicLong();
				openCall(reopenSent).thenApply((reopened) -> accept(reopened, reopenSent.get()))
					.whenComplete((seqChanged, reopenFailure) -> {
						if (reopenFailure == null) {
							refreshed(true, seqChanged);
						}
						else {
							// refreshing goes on (a quarter lease later) whatever the failure
							log.warn("Reopening {} failed: {}", this.path, GrpcErrors.fromStatus(reopenFailure).toString());
							refreshed(false, false);
						}
					});
				return;
			}
			log.warn("Refreshing the session of {} failed: {}", this.path, error.toString());
			refreshed(false, false);
		});
	}

	/** Stops refreshing and ends the session; an MDS that cannot be reached lets the lease run out. */
	void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.nextRefresh != null) {
				this.nextRefresh.cancel(false);
			}
		}
		CloseVolumeRequest request = CloseVolumeRequest.newBuilder()
			.setPath(this.path)
			.setSessionId(this.sessionId)
			.build();
		try {
			CompletableFuture<CloseVolumeResponse> call = this.mds.call("close " + this.path, true, NamespaceServiceGrpc::newStub,
					(stub, observer) -> stub.closeVolume(request, observer));
			BoundedRetry.join(call);
		}
		catch (CurveException ex) {
			log.warn("Closing the session of {} failed ({}); it expires with its lease", this.path, ex.toString());
		}
	}

}
