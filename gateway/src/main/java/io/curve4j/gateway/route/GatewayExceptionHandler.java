package io.curve4j.gateway.route;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import io.curve4j.common.error.ErrorCode;

/**
 * Requests that match no route (an unknown path outside {@code /api/v1}, a wrong method
 * on the gateway's own pages) answer problem+json too, never Boot's error page.
 */
@RestControllerAdvice
class GatewayExceptionHandler extends ResponseEntityExceptionHandler {

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		boolean client = statusCode.is4xxClientError();
		HttpStatusCode status = client ? statusCode : HttpStatus.INTERNAL_SERVER_ERROR;
		String detail = client && statusCode.value() == 404 ? "no such endpoint on the gateway; the REST API is under /api/v1"
				: ex.getMessage();
		HttpHeaders out = new HttpHeaders();
		out.addAll(headers);
		out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return ResponseEntity.status(status)
			.headers(out)
			.body(GatewayProblems.of(status, client ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL, detail));
	}

}
