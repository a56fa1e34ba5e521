package io.curve4j.gateway;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.curve4j.common.auth.SigningKey;

/**
 * A plain HTTP client of the gateway as a Cinder driver or a script would be: raw
 * requests, optional credentials (a signature or a bearer token), answers as JSON.
 */
final class ApiClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Derived once per user and password: the derivation is slow on purpose. */
	private static final Map<String, SigningKey> KEYS = new ConcurrentHashMap<>();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	/** An answer: status, content type and the body (an empty object when there is none or it is not JSON). */
	record Answer(int status, String contentType, String location, JsonNode body, String text) {

		String code() {
			return this.body.path("code").asString("");
		}

	}

	private final String base;

	private final Map<String, String> headers;

	private ApiClient(String base, Map<String, String> headers) {
		this.base = base;
		this.headers = headers;
	}

	static ApiClient anonymous(int port) {
		return new ApiClient("http://127.0.0.1:" + port, Map.of());
	}

	/** Signs each request afresh as user. */
	static ApiClient signed(int port, String user, String password) {
		return new ApiClient("http://127.0.0.1:" + port, Map.of("user", user, "password", password));
	}

	ApiClient withToken(String token) {
		return new ApiClient(this.base, Map.of("Authorization", "Bearer " + token));
	}

	ApiClient withHeaders(Map<String, String> extra) {
		return new ApiClient(this.base, extra);
	}

	Answer get(String path) {
		return send("GET", path, null, null);
	}

	Answer delete(String path) {
		return send("DELETE", path, null, null);
	}

	Answer post(String path, Object json) {
		return send("POST", path, "application/json", json == null ? null : JSON.writeValueAsString(json));
	}

	Answer send(String method, String path, String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path)).timeout(Duration.ofSeconds(60));
		Map<String, String> h = new LinkedHashMap<>(this.headers);
		String user = h.remove("user");
		String password = h.remove("password");
		if (user != null) {
			URI uri = URI.create(this.base + path);
			h.putAll(KEYS.computeIfAbsent(user + '\0' + password, k -> SigningKey.of(user, password))
				.sign(method, uri.getRawPath(), uri.getRawQuery(),
						body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
		}
		h.forEach(request::header);
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		try {
			HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode json;
			try {
				json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
			}
			catch (RuntimeException ex) {
				json = JSON.createObjectNode();
			}
			return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
					r.headers().firstValue("Location").orElse(null), json, r.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
