package io.curve4j.gateway.route;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Forwards a request to the MDS leader so that a client never sees a follower's refusal.
 * The leader is whoever answered last; a follower's 307 moves the gateway to the
 * Location it names, and a member that is down, or one that knows no leader (an election
 * is on), moves it to the next member after a short pause, all within the retry budget.
 *
 * <p>
 * A request is sent again only when it provably did not run: the connection was refused,
 * or the member answered with a redirect or NOT_LEADER. A write whose answer is lost is
 * never repeated (it may have been applied); its client gets 503 and checks with a read.
 */
public class MdsLeaderProxy {

	private static final Logger log = LoggerFactory.getLogger(MdsLeaderProxy.class);

	private static final int MAX_REDIRECTS = 5;

	private static final Duration PAUSE = Duration.ofMillis(200);

	/** Longest path and query passed on (the services' request line limit is 8 KiB). */
	private static final int MAX_URI = 7 * 1024;

	/** Hop-by-hop headers and those the HTTP client sets itself. */
	private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host",
			"keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

	private final List<String> members;

	private final GatewayProperties properties;

	private final HttpClient http;

	private volatile String leader;

	public MdsLeaderProxy(GatewayProperties properties) {
		this.properties = properties;
		this.members = properties.getMdsAddresses().stream().map(MdsLeaderProxy::authority).toList();
		this.leader = this.members.get(0);
		this.http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(2))
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
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
		long deadline = System.nanoTime() + this.properties.getRetryBudget().toNanos();
		String target = this.leader;
		URI uri = URI.create("http://" + target + pathAndQuery);
		int redirects = 0;
		String lastFailure = "no MDS member was tried";
		while (true) {
			try {
				HttpResponse<byte[]> response = this.http.send(outgoing(request, method, uri, body),
						HttpResponse.BodyHandlers.ofByteArray());
				int status = response.statusCode();
				if ((status == 307 || status == 308) && redirects < MAX_REDIRECTS) {
					URI location = response.headers().firstValue(HttpHeaders.LOCATION).map(uri::resolve).orElse(null);
					if (location != null && location.getAuthority() != null) {
						redirects++;
						uri = location;
						target = location.getAuthority();
						continue;
					}
				}
				if (status == 503 && notLeader(response) && System.nanoTime() < deadline) {
					// an election is on: nobody can answer yet
					lastFailure = target + " knows no MDS leader";
					target = next(target);
					uri = URI.create("http://" + target + pathAndQuery);
					pause(deadline);
					continue;
				}
				this.leader = target;
				return answer(response);
			}
			catch (ConnectException | HttpConnectTimeoutException ex) {
				lastFailure = target + " is unreachable (" + ex.getClass().getSimpleName() + ")";
			}
			catch (IOException ex) {
				if (!idempotent(method)) {
					throw new CurveException(ErrorCode.UNAVAILABLE, method + " " + pathAndQuery + " reached " + target
							+ " but its answer was lost (" + ex.getClass().getSimpleName()
							+ "); it may have been applied, check with a read before repeating it");
				}
				lastFailure = target + " failed (" + ex.getClass().getSimpleName() + ")";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while calling the MDS");
			}
			if (System.nanoTime() >= deadline) {
				throw new CurveException(ErrorCode.UNAVAILABLE, "no MDS leader answered within "
						+ this.properties.getRetryBudget().toMillis() + " ms; last: " + lastFailure);
			}
			log.debug("MDS {}; trying the next member", lastFailure);
			String failed = target;
			target = next(failed);
			uri = URI.create("http://" + target + pathAndQuery);
			if (target.equals(this.members.get(0)) || !this.members.contains(failed)) {
				pause(deadline);
			}
		}
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

	/** A 503 whose problem says NOT_LEADER: the member is up but no leader is known. */
	private static boolean notLeader(HttpResponse<byte[]> response) {
		return new String(response.body(), StandardCharsets.UTF_8).contains("\"NOT_LEADER\"");
	}

	private String next(String current) {
		int i = this.members.indexOf(current);
		return this.members.get((i + 1) % this.members.size());
	}

	private static boolean idempotent(String method) {
		return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
	}

	private static void pause(long deadline) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			return;
		}
		try {
			Thread.sleep(Math.min(PAUSE.toMillis(), Math.max(1, left / 1_000_000)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while waiting for an MDS leader");
		}
	}

	private static CurveException tooLarge(long max) {
		return new CurveException(ErrorCode.BODY_TOO_LARGE,
				"the request body is larger than " + max + " bytes; control-plane requests are small JSON documents");
	}

	private static String authority(String address) {
		String a = address.strip();
		if (a.startsWith("http://")) {
			a = a.substring("http://".length());
		}
		return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
	}

}
