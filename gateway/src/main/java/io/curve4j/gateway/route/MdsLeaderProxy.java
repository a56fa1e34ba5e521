package io.curve4j.gateway.route;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.MdsLeaderHttp;

/**
 * Forwards a request to the MDS leader so that a client never sees a follower's refusal:
 * finding the leader, and when a request may be sent again, is {@link MdsLeaderHttp}'s
 * job; this class passes headers and body on and the answer back.
 */
public class MdsLeaderProxy {

	/** Longest path and query passed on (the services' request line limit is 8 KiB). */
	private static final int MAX_URI = 7 * 1024;

	/** Hop-by-hop headers and those the HTTP client sets itself. */
	private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host",
			"keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

	private final GatewayProperties properties;

	private final MdsLeaderHttp mds;

	/** To the members {@code mds} finds (a fixed list or a discovery client's). */
	public MdsLeaderProxy(GatewayProperties properties, MdsLeaderHttp mds) {
		this.properties = properties;
		this.mds = mds;
	}

	/** The MDS members as last resolved. */
	public List<String> mdsMembers() {
		return this.mds.members();
	}

	/** Forwards the request with its own path and query. */
	public ServerResponse forward(ServerRequest request) throws IOException {
		String query = request.servletRequest().getQueryString();
		return forward(request, request.servletRequest().getRequestURI() + (query == null ? "" : "?" + query));
	}

	/** Forwards the request to {@code pathAndQuery} on the leader. */
	public ServerResponse forward(ServerRequest request, String pathAndQuery) throws IOException {
		if (pathAndQuery.length() > MAX_URI) {
			// services accept 8 KiB request lines; say so here instead of passing on their HTML error page
			return GatewayProblems.response(HttpStatus.URI_TOO_LONG, ErrorCode.INVALID_ARGUMENT, "the request URI has "
					+ pathAndQuery.length() + " characters, more than " + MAX_URI + "; paths are at most 4096 bytes");
		}
		byte[] body = body(request);
		String method = request.method().name();
		return answer(this.mds.send(method, pathAndQuery, uri -> outgoing(request, method, uri, body)));
	}

	private byte[] body(ServerRequest request) throws IOException {
		long max = this.properties.getMaxBodySize().toBytes();
		long declared = request.servletRequest().getContentLengthLong();
		if (declared > max) {
			throw tooLarge(max);
		}
		try (InputStream in = request.servletRequest().getInputStream()) {
			byte[] bytes = in.readNBytes((int) max + 1);
			if (bytes.length > max) {
				throw tooLarge(max);
			}
			return bytes;
		}
	}

	private HttpRequest outgoing(ServerRequest request, String method, URI uri, byte[] body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(this.properties.getBackendTimeout());
		request.headers().asHttpHeaders().forEach((name, values) -> {
			if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
				values.forEach(v -> builder.header(name, v));
			}
		});
		builder.header("X-Forwarded-Host", request.headers().firstHeader(HttpHeaders.HOST) == null ? ""
				: request.headers().firstHeader(HttpHeaders.HOST));
		builder.header("X-Forwarded-Proto", request.servletRequest().getScheme());
		return builder.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofByteArray(body)).build();
	}

	private static ServerResponse answer(HttpResponse<byte[]> response) {
		return ServerResponse.status(response.statusCode()).headers(headers -> response.headers().map().forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!NOT_FORWARDED.contains(lower) && !lower.equals(":status")) {
				headers.addAll(name, values);
			}
		})).body(response.body());
	}

	private static CurveException tooLarge(long max) {
		return new CurveException(ErrorCode.BODY_TOO_LARGE,
				"the request body is larger than " + max + " bytes; control-plane requests are small JSON documents");
	}

}
