package io.curve4j.mds.auth;

import io.grpc.Context;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * The authenticated user a request acts for. Root sees and changes everything; any other
 * user only what it owns.
 */
public record Caller(String name) {

	public static final Caller ROOT = new Caller(RequestSignature.ROOT);

	/** gRPC context key under which {@link AuthGrpcInterceptor} leaves the caller of a call. */
	static final Context.Key<Caller> GRPC_KEY = Context.key("curve-caller");

	/** The caller of the gRPC call on this thread; UNAUTHENTICATED outside an authenticated call. */
	public static Caller ofGrpcCall() {
		Caller caller = GRPC_KEY.get();
		if (caller == null) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "call was not authenticated");
		}
		return caller;
	}

	public boolean isRoot() {
		return RequestSignature.ROOT.equals(this.name);
	}

	/** Whether this caller may see and use what {@code owner} owns: its own things, or anything as root. */
	public boolean mayUse(String owner) {
		return isRoot() || this.name.equals(owner);
	}

	/** Fails with NOT_OWNER unless this caller is root or {@code owner}. */
	public void requireOwner(String owner, String what) {
		if (!mayUse(owner)) {
			throw new CurveException(ErrorCode.NOT_OWNER, what + " belongs to another user; " + this.name
					+ " may only use its own volumes and directories");
		}
	}

	public void requireRoot(String what) {
		if (!isRoot()) {
			throw new CurveException(ErrorCode.ROOT_REQUIRED, "only root may " + what);
		}
	}

}
