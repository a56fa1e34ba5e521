package io.curve4j.mds.web;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import io.curve4j.common.error.ErrorCode;

/**
 * The one shape of every REST error (RFC 9457): {@code type} names the code as a URN,
 * {@code title} is the code, {@code status} its HTTP status, {@code detail} what to
 * change, and {@code code} the stable machine code clients branch on.
 */
public final class Problems {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Problems() {
	}

	public static ProblemDetail of(ErrorCode code, String detail) {
		return of(HttpStatus.valueOf(code.httpStatus()), code, detail);
	}

	public static ProblemDetail of(HttpStatusCode status, ErrorCode code, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type(code));
		problem.setTitle(code.name());
		problem.setProperty("code", code.name());
		return problem;
	}

	public static URI type(ErrorCode code) {
		return URI.create("urn:curve4j:problem:" + code.name());
	}

	/** Writes a problem straight to the response, for servlet filters that run before Spring MVC. */
	public static void write(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
		response.setStatus(code.httpStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		// a plain mapper does not know Spring's ProblemDetail mix-in: write the members themselves
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", type(code).toString());
		body.put("title", code.name());
		body.put("status", code.httpStatus());
		body.put("detail", detail);
		body.put("code", code.name());
		JSON.writeValue(response.getOutputStream(), body);
	}

}
