package io.curve4j.sdk.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A scripted MDS REST endpoint on a loopback port: each path answers a fixed status,
 * content type and body, or drops the connection unanswered; requests are recorded.
 */
public final class FakeRestMds implements AutoCloseable {

	public record Answer(int status, String contentType, String body, String location) {
	}

	/** @param query raw, null when none */
	public record Request(String method, String path, String query, String contentType, String body,
			Headers headers) {
	}

	/** Closes the connection without an answer, as a member that dies mid-request. */
	private static final Answer DROP = new Answer(0, null, null, null);

	public final List<Request> requests = new CopyOnWriteArrayList<>();

	private final Map<String, Answer> answers = new ConcurrentHashMap<>();

	private final HttpServer server;

	public FakeRestMds() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	public String address() {
		return "127.0.0.1:" + this.server.getAddress().getPort();
	}

	public FakeRestMds json(String path, String body) {
		this.answers.put(path, new Answer(200, "application/json", body, null));
		return this;
	}

	public FakeRestMds problem(String path, int status, String code, String detail) {
		this.answers.put(path, new Answer(status, "application/problem+json",
				"{\"type\":\"about:blank\",\"status\":" + status + ",\"code\":\"" + code + "\",\"detail\":\"" + detail
						+ "\"}",
				null));
		return this;
	}

	public FakeRestMds redirect(String path, String location) {
		this.answers.put(path, new Answer(307, "text/plain", "", location));
		return this;
	}

	public FakeRestMds drop(String path) {
		this.answers.put(path, DROP);
		return this;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String path = exchange.getRequestURI().getPath();
		this.requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
				exchange.getRequestHeaders().getFirst("Content-Type"), body, exchange.getRequestHeaders()));
		Answer answer = this.answers.getOrDefault(path, new Answer(404, "application/problem+json",
				"{\"code\":\"INVALID_ARGUMENT\",\"detail\":\"no such endpoint " + path + "\"}", null));
		if (answer == DROP) {
			// the server closes a connection whose exchange ends without response headers
			exchange.close();
			return;
		}
		byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", answer.contentType());
		if (answer.location() != null) {
			exchange.getResponseHeaders().add("Location", answer.location());
		}
		exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
