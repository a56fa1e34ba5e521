package io.curve4j.sdk.block;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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

	private volatile boolean closed;

	private ScheduledFuture<?> nextRefresh;

	private VolumeSession(String path, String clientId, MdsClient mds, ScheduledExecutorService scheduler) {
		this.path = path;
		this.clientId = clientId;
		this.mds = mds;
		this.scheduler = scheduler;
	}

	static VolumeSession open(String path, String clientId, MdsClient mds, ScheduledExecutorService scheduler) {
		VolumeSession session = new VolumeSession(path, clientId, mds, scheduler);
		session.accept(BoundedRetry.join(session.openCall()));
		session.scheduleRefresh();
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
	 * Takes the volume as the MDS describes it now. New limits get new limiters, which start
	 * with a full burst; unchanged limits keep theirs, and with them what was reserved.
	 */
	private void update(FileInfo file) {
		this.file = file;
		Throttle limits = Throttle.of(file.getThrottle());
		if (!limits.equals(this.throttle.limits())) {
			this.throttle = limits.isNone() ? IoThrottle.NONE : new IoThrottle(limits);
		}
	}

	private CompletableFuture<OpenVolumeResponse> openCall() {
		OpenVolumeRequest request = OpenVolumeRequest.newBuilder()
			.setPath(this.path)
			.setClientId(this.clientId)
			.build();
		return this.mds.call("open " + this.path, false, NamespaceServiceGrpc::newStub, (stub, observer) -> stub.openVolume(request, observer));
	}

	private void accept(OpenVolumeResponse response) {
		if (response.getFile().getType() == FileType.DIRECTORY) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, this.path + " is a directory");
		}
		update(response.getFile());
		this.sessionId = response.getSessionId();
		this.leaseMs = response.getLeaseMs();
	}

	private synchronized void scheduleRefresh() {
		if (this.closed) {
			return;
		}
		long delay = Math.max(MIN_REFRESH_MS, this.leaseMs / 4);
		this.nextRefresh = this.scheduler.schedule(this::refresh, delay, TimeUnit.MILLISECONDS);
	}

	private void refresh() {
		RefreshSessionRequest request = RefreshSessionRequest.newBuilder()
			.setPath(this.path)
			.setSessionId(this.sessionId)
			.build();
		CompletableFuture<RefreshSessionResponse> call = this.mds.call("refresh session of " + this.path, true, NamespaceServiceGrpc::newStub,
				(stub, observer) -> stub.refreshSession(request, observer));
		call.whenComplete((response, failure) -> {
			if (failure == null) {
				if (response.getFile().getId() != 0) {
					update(response.getFile());
				}
				this.leaseMs = response.getLeaseMs() > 0 ? response.getLeaseMs() : this.leaseMs;
				scheduleRefresh();
				return;
			}
			CurveException error = GrpcErrors.fromStatus(failure);
			if (error.code() == ErrorCode.SESSION_NOT_FOUND && !this.closed) {
				log.warn("Session {} of {} was lost; reopening", this.sessionId, this.path);
				openCall().whenComplete((reopened, reopenFailure) -> {
					if (reopenFailure == null) {
						accept(reopened);
					}
					else {
						log.warn("Reopening {} failed: {}", this.path, GrpcErrors.fromStatus(reopenFailure).toString());
					}
					scheduleRefresh();
				});
				return;
			}
			log.warn("Refreshing the session of {} failed: {}", this.path, error.toString());
			scheduleRefresh();
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
