package io.curve4j.sdk.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * The MDS REST API as the command line uses it. Any member may be asked: a follower
 * answers {@code 307} to the leader, which is followed with the same method and body; a
 * member that cannot be reached is skipped for the next. Errors
 * ({@code application/problem+json} with a {@code code}) become {@link CurveException}s.
 */
public final class MdsRestClient {

	private static final int MAX_REDIRECTS = 5;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<String> members;

	private final HttpClient http;

	private final Credentials credentials;

	/** Per request, redirects included. */
	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** Unsigned requests (an MDS without authentication). */
	public MdsRestClient(List<String> httpAddresses) {
		this(httpAddresses, null);
	}

	/**
	 * @param httpAddresses {@code host:port} (or {@code http://host:port}) of MDS members
	 * @param credentials signs every request as this user; null sends unsigned requests
	 */
	public MdsRestClient(List<String> httpAddresses, Credentials credentials) {
		if (httpAddresses == null || httpAddresses.isEmpty()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "no MDS address given");
		}
		this.members = httpAddresses.stream().map(MdsRestClient::baseUri).toList();
		this.credentials = credentials;
		// redirects are followed by hand: the client must re-send the body and stay bounded
		this.http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(2))
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	public JsonNode get(String pathAndQuery) {
		return send("GET", pathAndQuery, null, null);
	}

	public JsonNode post(String pathAndQuery, String contentType, String body) {
		return send("POST", pathAndQuery, contentType, body);
	}

	public JsonNode postJson(String pathAndQuery, Object body) {
		return send("POST", pathAndQuery, "application/json", JSON.writeValueAsString(body));
	}

	public JsonNode delete(String pathAndQuery) {
		return send("DELETE", pathAndQuery, null, null);
	}

	private JsonNode send(String method, String pathAndQuery, String contentType, String body) {
		List<String> failures = new ArrayList<>();
		for (String member : this.members) {
			URI uri = URI.create(member + pathAndQuery);
			try {
				for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
					HttpResponse<String> response = this.http.send(request(method, uri, contentType, body),
							HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
					if (isRedirect(response.statusCode())) {
						String location = response.headers()
							.firstValue("Location")
							.orElseThrow(() -> new CurveException(ErrorCode.INTERNAL,
									"MDS at " + member + " redirected without a Location"));
						uri = uri.resolve(location);
						continue;
					}
					return answer(method, uri, response);
				}
				throw new CurveException(ErrorCode.UNAVAILABLE,
						"more than " + MAX_REDIRECTS + " redirects for " + method + " " + pathAndQuery);
			}
			catch (ConnectException | HttpConnectTimeoutException ex) {
				// nothing was sent: another member may answer
				failures.add(uri.getAuthority() + " (" + describe(ex) + ")");
			}
			catch (IOException ex) {
				// a change may have been applied before the failure: only reads go on to the next member
				if (!method.equals("GET")) {
					throw new CurveException(ErrorCode.UNAVAILABLE, method + " " + uri + " failed (" + describe(ex)
							+ "); check with a read whether it took effect");
				}
				failures.add(uri.getAuthority() + " (" + describe(ex) + ")");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while calling the MDS");
			}
		}
		throw new CurveException(ErrorCode.UNAVAILABLE, "no MDS answered " + method + " " + pathAndQuery + ": "
				+ String.join(", ", failures));
	}

	private HttpRequest request(String method, URI uri, String contentType, String body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
			.timeout(TIMEOUT)
			.header("Accept", "application/json, application/problem+json");
		if (this.credentials != null) {
			// signed per request (and per redirect hop), so the date is always fresh
			long now = System.currentTimeMillis();
			builder.header(RequestSignature.OWNER_HEADER, this.credentials.user())
				.header(RequestSignature.DATE_HEADER, Long.toString(now))
				.header(RequestSignature.SIGNATURE_HEADER,
						RequestSignature.sign(this.credentials.password(), now, this.credentials.user()));
		}
		if (body != null) {
			builder.header("Content-Type", contentType);
			return builder.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
		}
		return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
	}

	private static JsonNode answer(String method, URI uri, HttpResponse<String> response) {
		String text = response.body() == null ? "" : response.body();
		if (response.statusCode() >= 400) {
			throw problem(method, uri, response.statusCode(), text);
		}
		if (text.isBlank()) {
			return MissingNode.getInstance();
		}
		try {
			return JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new CurveException(ErrorCode.INTERNAL, "MDS answered " + method + " " + uri.getPath()
					+ " with something that is not JSON: " + abbreviate(text));
		}
	}

	/** A problem+json body gives code and detail; anything else is described by its status. */
	static CurveException problem(String method, URI uri, int status, String body) {
		JsonNode problem = MissingNode.getInstance();
		try {
			if (!body.isBlank()) {
				problem = JSON.readTree(body);
			}
		}
		catch (JacksonException ex) {
			// not JSON (a proxy's error page): fall back to the status below
		}
		ErrorCode code = codeOf(problem.path("code").asString(""), status);
		String detail = problem.path("detail").asString("");
		if (detail.isEmpty()) {
			detail = problem.path("title").asString("");
		}
		if (detail.isEmpty()) {
			detail = method + " " + uri.getPath() + " answered HTTP " + status
					+ (body.isBlank() ? "" : ": " + abbreviate(body));
		}
		return new CurveException(code, detail);
	}

	private static ErrorCode codeOf(String name, int status) {
		if (!name.isEmpty()) {
			try {
				return ErrorCode.valueOf(name.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				// a code this client does not know yet: classify by status
			}
		}
		return switch (status) {
			case 400, 422 -> ErrorCode.INVALID_ARGUMENT;
			case 503 -> ErrorCode.UNAVAILABLE;
			case 504 -> ErrorCode.TIMEOUT;
			default -> ErrorCode.INTERNAL;
		};
	}

	private static boolean isRedirect(int status) {
		return status == 307 || status == 308;
	}

	private static String baseUri(String address) {
		String a = address.trim();
		while (a.endsWith("/")) {
			a = a.substring(0, a.length() - 1);
		}
		return a.startsWith("http://") || a.startsWith("https://") ? a : "http://" + a;
	}

	private static String describe(IOException ex) {
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
	}

	private static String abbreviate(String text) {
		String oneLine = text.strip().replaceAll("\\s+", " ");
		return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
	}

}
