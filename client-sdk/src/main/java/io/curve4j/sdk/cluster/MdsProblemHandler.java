package io.curve4j.sdk.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Turns the MDS's error answers into {@link CurveException}s, so that a caller of
 * {@link MdsRestApi} handles the same error codes as a caller of the gRPC API. The MDS
 * answers {@code application/problem+json} whose {@code code} names an {@link ErrorCode};
 * anything else (a proxy's error page) is classified by its status.
 */
final class MdsProblemHandler implements RestClient.ResponseSpec.ErrorHandler {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	public void handle(HttpRequest request, ClientHttpResponse response) throws IOException {
		String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
		throw problem(request.getMethod().name(), request.getURI(), response.getStatusCode().value(), body);
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
