package io.curve4j.sdk.metacache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.auth.SigningKey;

/**
 * Signs every MDS call ({@link RequestSignature}): the signature covers the method and
 * the serialized request, so the call's headers go out only once its one message is
 * known (MDS calls are unary). Each call and each retry is signed afresh, with a new
 * date and nonce.
 */
public final class RequestSigner implements ClientInterceptor {

	private final SigningKey key;

	public RequestSigner(SigningKey key) {
		this.key = key;
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
		return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {

			private Listener<R> listener;

			private Metadata headers;

			private int requested;

			@Override
			public void start(Listener<R> listener, Metadata headers) {
				// held back until the message is there to sign
				this.listener = listener;
				this.headers = headers;
			}

			@Override
			public void request(int count) {
				if (this.headers != null) {
					this.requested += count;
				}
				else {
					super.request(count);
				}
			}

			@Override
			public void sendMessage(Q message) {
				if (this.headers != null) {
					Map<String, String> signed = RequestSigner.this.key.sign(RequestSignature.GRPC_METHOD,
							method.getFullMethodName(), "", serialized(method, message));
					signed.forEach((name, value) -> this.headers.put(key(name), value));
					super.start(this.listener, this.headers);
					this.headers = null;
					if (this.requested > 0) {
						super.request(this.requested);
					}
				}
				super.sendMessage(message);
			}

		};
	}

	static <Q> byte[] serialized(MethodDescriptor<Q, ?> method, Q message) {
		try (InputStream in = method.streamRequest(message)) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The gRPC metadata key of a signature header: its name in lower case. */
	public static Metadata.Key<String> key(String header) {
		return Metadata.Key.of(header.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
	}

}
