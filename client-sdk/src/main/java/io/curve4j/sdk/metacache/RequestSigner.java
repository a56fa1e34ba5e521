package io.curve4j.sdk.metacache;

import java.util.Locale;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import io.curve4j.common.auth.RequestSignature;

/**
 * Signs every MDS call as {@code owner} with Curve's scheme: the current time and
 * {@code HMAC-SHA256(password, date:owner)} travel as call metadata, the password never
 * does. Each call (and each retry) is signed afresh, so a long retry never goes stale.
 */
public final class RequestSigner implements ClientInterceptor {

	private static final Metadata.Key<String> OWNER = key(RequestSignature.OWNER_HEADER);

	private static final Metadata.Key<String> DATE = key(RequestSignature.DATE_HEADER);

	private static final Metadata.Key<String> SIGNATURE = key(RequestSignature.SIGNATURE_HEADER);

	private final String owner;

	private final String password;

	public RequestSigner(String owner, String password) {
		this.owner = owner;
		this.password = password;
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
		return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {

			@Override
			public void start(Listener<R> listener, Metadata headers) {
				long now = System.currentTimeMillis();
				headers.put(OWNER, RequestSigner.this.owner);
				headers.put(DATE, Long.toString(now));
				headers.put(SIGNATURE, RequestSignature.sign(RequestSigner.this.password, now, RequestSigner.this.owner));
				super.start(listener, headers);
			}

		};
	}

	private static Metadata.Key<String> key(String header) {
		return Metadata.Key.of(header.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
	}

}
