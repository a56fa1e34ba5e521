package io.curve4j.mds.auth;

import java.util.Set;

import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

/**
 * Authenticates the SDK's calls (namespace and segment services) by their signature
 * metadata and makes the caller available to the service through {@link Caller#ofGrpcCall()}.
 * Chunkserver registration and heartbeats are not user calls and pass untouched (they
 * carry the chunkserver's own token).
 */
@Component
@GlobalServerInterceptor
class AuthGrpcInterceptor implements ServerInterceptor {

	private static final Set<String> USER_SERVICES = Set.of(NamespaceServiceGrpc.SERVICE_NAME,
			SegmentServiceGrpc.SERVICE_NAME);

	private static final Metadata.Key<String> OWNER = key(RequestSignature.OWNER_HEADER);

	private static final Metadata.Key<String> DATE = key(RequestSignature.DATE_HEADER);

	private static final Metadata.Key<String> SIGNATURE = key(RequestSignature.SIGNATURE_HEADER);

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
		Caller caller;
		try {
			caller = this.users.enabled() ? this.users.verifySignature(headers.get(OWNER), headers.get(DATE),
					headers.get(SIGNATURE)) : Caller.ROOT;
		}
		catch (CurveException ex) {
			StatusRuntimeException status = GrpcErrors.toStatus(ex);
			call.close(status.getStatus(), status.getTrailers());
			return new ServerCall.Listener<>() {
			};
		}
		return Contexts.interceptCall(Context.current().withValue(Caller.GRPC_KEY, caller), call, headers, next);
	}

	private static Metadata.Key<String> key(String header) {
		return Metadata.Key.of(header.toLowerCase(java.util.Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
	}

}
