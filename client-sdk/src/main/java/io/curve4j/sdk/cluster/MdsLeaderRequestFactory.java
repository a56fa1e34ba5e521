package io.curve4j.sdk.cluster;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.net.MdsLeaderHttp;

/**
 * The transport under {@link MdsRestApi}'s {@code RestClient}: each request goes through
 * {@link MdsLeaderHttp}, which finds the leader, follows redirects and decides when a
 * request may be sent again, so that logic stays in one place. Only the path and query of
 * the request's URI count; the member is MdsLeaderHttp's choice.
 *
 * <p>
 * The body is buffered because a hop may send it again, and every hop is signed anew: the
 * signature covers the hop's own path, a fresh date and a nonce that is never reused.
 */
final class MdsLeaderRequestFactory implements ClientHttpRequestFactory {

	/** Per request, redirects included. */
	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** Headers the JDK's HTTP client sets itself and refuses from callers. */
	private static final Set<String> SET_BY_THE_HTTP_CLIENT = Set.of("connection", "content-length", "expect",
			"host", "upgrade");

	private final MdsLeaderHttp mds;

	private final SigningKey key;

	/** @param key signs every hop; null sends unsigned requests (an MDS without authentication) */
	MdsLeaderRequestFactory(MdsLeaderHttp mds, SigningKey key) {
		this.mds = mds;
		this.key = key;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
		return new LeaderRequest(uri, method);
	}

	private HttpRequest hop(URI hop, HttpMethod method, HttpHeaders headers, byte[] body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(hop).timeout(TIMEOUT);
		headers.forEach((name, values) -> {
			if (!SET_BY_THE_HTTP_CLIENT.contains(name.toLowerCase(Locale.ROOT))) {
				values.forEach((value) -> builder.header(name, value));
			}
		});
		if (this.key != null) {
			this.key.sign(method.name(), hop.getRawPath(), hop.getRawQuery(), body).forEach(builder::setHeader);
		}
		return builder.method(method.name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofByteArray(body)).build();
	}

	private final class LeaderRequest extends AbstractBufferingClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		LeaderRequest(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) {
			String pathAndQuery = this.uri.getRawPath()
					+ (this.uri.getRawQuery() == null ? "" : "?" + this.uri.getRawQuery());
			return new LeaderResponse(MdsLeaderRequestFactory.this.mds.send(this.method.name(), pathAndQuery,
					(hop) -> hop(hop, this.method, headers, body)));
		}

	}

	/** The leader's answer, already read in full by MdsLeaderHttp. */
	private static final class LeaderResponse implements ClientHttpResponse {

		private final HttpResponse<byte[]> response;

		private final HttpHeaders headers = new HttpHeaders();

		LeaderResponse(HttpResponse<byte[]> response) {
			this.response = response;
			response.headers().map().forEach(this.headers::addAll);
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatusCode.valueOf(this.response.statusCode());
		}

		@Override
		public String getStatusText() {
			HttpStatus status = HttpStatus.resolve(this.response.statusCode());
			return status == null ? "" : status.getReasonPhrase();
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(this.response.body());
		}

		@Override
		public void close() {
			// nothing is held open: the body is in memory
		}

	}

}
