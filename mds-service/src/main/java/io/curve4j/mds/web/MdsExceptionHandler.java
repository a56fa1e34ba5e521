package io.curve4j.mds.web;

import java.net.URI;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import tools.jackson.core.JacksonException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.mds.raft.MdsMembers;

/**
 * Every REST error as {@code application/problem+json} with a stable {@code code}. A
 * follower answers 307 to the leader's HTTP address (same path and query), or 503 when
 * no leader is known. Spring MVC's own failures (unreadable JSON, missing parameters,
 * wrong types) are bad input: 400 INVALID_ARGUMENT, never a 500 or a stack trace.
 */
@RestControllerAdvice
class MdsExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(MdsExceptionHandler.class);

	private final MdsMembers members;

	MdsExceptionHandler(MdsMembers members) {
		this.members = members;
	}

	@ExceptionHandler(NotLeaderException.class)
	ResponseEntity<ProblemDetail> notLeader(NotLeaderException ex, HttpServletRequest request) {
		Optional<String> leaderHttp = this.members.byRaft(ex.leaderHint()).map(MdsMembers.Member::http);
		if (leaderHttp.isEmpty()) {
			return problem(ErrorCode.NOT_LEADER, "no MDS leader is known; retry shortly", HttpHeaders.EMPTY);
		}
		String query = request.getQueryString();
		URI location = URI.create("http://" + leaderHttp.get() + request.getRequestURI() + (query == null ? "" : "?" + query));
		HttpHeaders headers = new HttpHeaders();
		headers.setLocation(location);
		ProblemDetail body = Problems.of(HttpStatus.TEMPORARY_REDIRECT, ErrorCode.NOT_LEADER,
				"this MDS is a follower; the leader is " + leaderHttp.get());
		return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(body);
	}

	@ExceptionHandler(CurveException.class)
	ResponseEntity<ProblemDetail> curve(CurveException ex) {
		if (ex.code() == ErrorCode.INTERNAL) {
			log.error("request failed", ex);
		}
		return problem(ex.code(), ex.detail(), HttpHeaders.EMPTY);
	}

	@ExceptionHandler(RuntimeException.class)
	ResponseEntity<ProblemDetail> unexpected(RuntimeException ex) {
		log.error("request failed", ex);
		return problem(ErrorCode.INTERNAL, "internal error: " + ex.getClass().getSimpleName(), HttpHeaders.EMPTY);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		Throwable cause = ex.getMostSpecificCause();
		String why = cause instanceof JacksonException je ? je.getOriginalMessage() : "the body is missing or unreadable";
		return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, "bad request body: " + why),
				headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String why = ex.getFieldErrors()
			.stream()
			.map(e -> e.getField() + ": " + e.getDefaultMessage())
			.sorted()
			.collect(Collectors.joining("; "));
		return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, "bad request body: " + why),
				headers, status, request);
	}

	/** Spring MVC's own exceptions: a 4xx is the client's input, anything else ours. */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ErrorCode code = statusCode.is4xxClientError() ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL;
		HttpStatusCode status = statusCode.is4xxClientError() ? statusCode : HttpStatus.INTERNAL_SERVER_ERROR;
		String message = body instanceof ProblemDetail pd && pd.getDetail() != null ? pd.getDetail() : ex.getMessage();
		if (code == ErrorCode.INTERNAL) {
			log.error("request failed", ex);
		}
		ProblemDetail detail = Problems.of(status, code, message);
		HttpHeaders out = new HttpHeaders();
		out.addAll(headers);
		out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return ResponseEntity.status(status).headers(out).body(detail);
	}

	private static ResponseEntity<ProblemDetail> problem(ErrorCode code, String message, HttpHeaders headers) {
		HttpStatus status = HttpStatus.valueOf(code.httpStatus());
		return ResponseEntity.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(Problems.of(status, code, message));
	}

}
