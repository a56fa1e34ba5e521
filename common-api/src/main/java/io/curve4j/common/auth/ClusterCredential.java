package io.curve4j.common.auth;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;

/**
 * Proof that a call comes from a holder of the cluster's data key (the MDS, a chunkserver,
 * an operator's tool): {@code date:base64(HMAC-SHA256(key, method:date))} in the
 * {@value #HEADER} metadata, the date within {@link #MAX_SKEW_MS} of the receiver's clock.
 * It guards the calls that change a copyset's membership and every call on a Raft port
 * (replication, votes, snapshot copies, repairs), which no user may make.
 */
public final class ClusterCredential {

	public static final String HEADER = "curve-cluster-auth";

	static final long MAX_SKEW_MS = 15_000;

	private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

	private final byte[] key;

	private ClusterCredential(byte[] key) {
		this.key = key;
	}

	/** Under a key derived from the data key's secret, apart from the capabilities' key. */
	public static ClusterCredential fromSecret(String secret) {
		return new ClusterCredential(
				RequestSignature.sha256(("curve4j-cluster-call:" + secret).getBytes(StandardCharsets.UTF_8)));
	}

	public String sign(String fullMethodName, long nowMs) {
		return nowMs + ":" + mac(fullMethodName, nowMs);
	}

	/** @throws CurveException UNAUTHENTICATED without a valid credential, STALE_SIGNATURE for an old one */
	public void check(Metadata headers, String fullMethodName, long nowMs) {
		String value = headers.get(KEY);
		int colon = value == null ? -1 : value.indexOf(':');
		if (colon <= 0) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED,
					"only the cluster's own services may make this call: it carries no cluster credential");
		}
		long date;
		try {
			date = Long.parseLong(value.substring(0, colon));
		}
		catch (NumberFormatException ex) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "malformed " + HEADER);
		}
		if (!RequestSignature.matches(mac(fullMethodName, date), value.substring(colon + 1))) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "the cluster credential is not valid");
		}
		if (Math.abs(nowMs - date) > MAX_SKEW_MS) {
			throw new CurveException(ErrorCode.STALE_SIGNATURE, "the cluster credential is dated "
					+ Math.abs(nowMs - date) / 1000 + " s away from this server's clock");
		}
	}

	/** Adds a fresh credential to every call made through it. */
	public ClientInterceptor interceptor() {
		return new ClientInterceptor() {

			@Override
			public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
				return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {

					@Override
					public void start(Listener<R> listener, Metadata headers) {
						headers.put(KEY, sign(method.getFullMethodName(), System.currentTimeMillis()));
						super.start(listener, headers);
					}

				};
			}

		};
	}

	/** Closes the calls to the methods {@code guarded} names that carry no valid credential. */
	public ServerInterceptor guard(Predicate<String> guarded) {
		return new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				String method = call.getMethodDescriptor().getFullMethodName();
				if (guarded.test(method)) {
					try {
						check(headers, method, System.currentTimeMillis());
					}
					catch (CurveException ex) {
						StatusRuntimeException status = GrpcErrors.toStatus(ex);
						call.close(status.getStatus(), status.getTrailers());
						return new ServerCall.Listener<>() {
						};
					}
				}
				return next.startCall(call, headers);
			}

		};
	}

	private String mac(String fullMethodName, long dateMs) {
		return RequestSignature.hmac(this.key, fullMethodName + ":" + dateMs);
	}

}
