package io.curve4j.sdk.cluster;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.MdsLeaderHttp;

/**
 * The MDS REST API as the command line and the launcher use it, signed as a user. The
 * leader is found by {@link MdsLeaderHttp}; errors ({@code application/problem+json} with
 * a {@code code}) become {@link CurveException}s.
 */
public final class MdsRestClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Per request, redirects included. */
	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** How long a call looks for a leader: an MDS election takes a few seconds. */
	public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(15);

	private final MdsLeaderHttp mds;

	private final SigningKey key;

	/** Unsigned requests (an MDS without authentication). */
	public MdsRestClient(List<String> httpAddresses) {
		this(httpAddresses, null);
	}

	/**
	 * @param httpAddresses {@code host:port} (or {@code http://host:port}) of MDS members
	 * @param credentials signs every request as this user; null sends unsigned requests
	 */
	public MdsRestClient(List<String> httpAddresses, Credentials credentials) {
		this(httpAddresses, credentials, DEFAULT_RETRY_BUDGET);
	}

	/** @param retryBudget how long one call may look for a leader before it fails UNAVAILABLE */
	public MdsRestClient(List<String> httpAddresses, Credentials credentials, Duration retryBudget) {
		this.mds = new MdsLeaderHttp(httpAddresses, retryBudget);
		this.key = credentials == null ? null : SigningKey.of(credentials.user(), credentials.password());
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
		HttpResponse<byte[]> response = this.mds.send(method, pathAndQuery,
				uri -> request(method, uri, contentType, body));
		return answer(method, response.uri(), response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
	}

	private HttpRequest request(String method, URI uri, String contentType, String body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
			.timeout(TIMEOUT)
			.header("Accept", "application/json, application/problem+json");
		byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
		if (this.key != null) {
			// signed per request (and per redirect hop), so the date is always fresh and no signature repeats
			this.key.sign(method, uri.getRawPath(), uri.getRawQuery(), bytes).forEach(builder::header);
		}
		if (body != null) {
			builder.header("Content-Type", contentType);
			return builder.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
		}
		return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
	}

	private static JsonNode answer(String method, URI uri, int status, String text) {
		if (status >= 400) {
			throw problem(method, uri, status, text);
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

	private static String abbreviate(String text) {
		String oneLine = text.strip().replaceAll("\\s+", " ");
		return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
	}

}
