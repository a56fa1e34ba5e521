package io.curve4j.mds.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;

import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.proto.fs.v1.FsServiceGrpc;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Authenticates the SDK's calls (namespace and segment services), the CurveFS mounts
 * (file system service) and the snapshot
 * service's (snapshot task service, as root) by their signature
 * ({@link RequestSignature}: it covers the method and the serialized request, so the
 * check waits for the call's one message) and makes the caller available to the service
 * through {@link Caller#ofGrpcCall()}. A call whose signature fails is closed before the
 * service sees its message. Chunkserver registration and heartbeats are not user calls
 * and pass untouched (they carry the chunkserver's own token).
 */
@Component
@GlobalServerInterceptor
class AuthGrpcInterceptor implements ServerInterceptor {

	private static final Set<String> USER_SERVICES = Set.of(NamespaceServiceGrpc.SERVICE_NAME,
			SegmentServiceGrpc.SERVICE_NAME, SnapshotTaskServiceGrpc.SERVICE_NAME, FsServiceGrpc.SERVICE_NAME);

	private final Users users;

	AuthGrpcInterceptor(Users users) {
		this.users = users;
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		if (!USER_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
			return next.startCall(call, headers);
		}
		if (!this.users.enabled()) {
			return Contexts.interceptCall(Context.current().withValue(Caller.GRPC_KEY, Caller.ROOT), call, headers, next);
		}
		return new SignedCall<>(call, headers, next);
	}

	/** Holds a call back until its message is there to check the signature against. */
	private final class SignedCall<Q, R> extends ServerCall.Listener<Q> {

		private final ServerCall<Q, R> call;

		private final Metadata headers;

		private final ServerCallHandler<Q, R> next;

		private ServerCall.Listener<Q> delegate;

		private boolean refused;

		SignedCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
			this.call = call;
			this.headers = headers;
			this.next = next;
			// the first message, and no more until it is checked
			call.request(1);
		}

		@Override
		public void onMessage(Q message) {
			if (this.refused) {
				return;
			}
			if (this.delegate != null) {
				this.delegate.onMessage(message);
				return;
			}
			Caller caller;
			try {
				caller = AuthGrpcInterceptor.this.users.verifySignature(
						name -> this.headers.get(Metadata.Key.of(name.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER)),
						RequestSignature.GRPC_METHOD, this.call.getMethodDescriptor().getFullMethodName(), "",
						serialized(message));
			}
			catch (CurveException ex) {
				this.refused = true;
				StatusRuntimeException status = GrpcErrors.toStatus(ex);
				this.call.close(status.getStatus(), status.getTrailers());
				return;
			}
			Context context = Context.current().withValue(Caller.GRPC_KEY, caller);
			this.delegate = Contexts.interceptCall(context, this.call, this.headers, this.next);
			this.delegate.onReady();
			this.delegate.onMessage(message);
		}

		private byte[] serialized(Q message) {
			try (InputStream in = this.call.getMethodDescriptor().streamRequest(message)) {
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void onHalfClose() {
			if (this.delegate != null) {
				this.delegate.onHalfClose();
			}
			else if (!this.refused) {
				this.refused = true;
				this.call.close(Status.INVALID_ARGUMENT.withDescription("a call without a request message"),
						new Metadata());
			}
		}

		@Override
		public void onCancel() {
			if (this.delegate != null) {
				this.delegate.onCancel();
			}
		}

		@Override
		public void onComplete() {
			if (this.delegate != null) {
				this.delegate.onComplete();
			}
		}

		@Override
		public void onReady() {
			if (this.delegate != null) {
				this.delegate.onReady();
			}
		}

	}

}
