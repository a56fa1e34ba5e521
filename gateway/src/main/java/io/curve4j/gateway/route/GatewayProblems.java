package io.curve4j.gateway.route;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.function.ServerResponse;

import io.curve4j.common.error.ErrorCode;

/**
 * The gateway's own errors in the services' shape: problem+json with a URN
 * {@code type}, the code as {@code title}, and the stable {@code code}.
 */
final class GatewayProblems {

	private GatewayProblems() {
	}

	static ProblemDetail of(HttpStatusCode status, ErrorCode code, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:curve4j:problem:" + code.name()));
		problem.setTitle(code.name());
		problem.setProperty("code", code.name());
		return problem;
	}

	static ServerResponse response(ErrorCode code, String detail) {
		return response(HttpStatus.valueOf(code.httpStatus()), code, detail);
	}

	static ServerResponse response(HttpStatus status, ErrorCode code, String detail) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(of(status, code, detail));
	}

}
