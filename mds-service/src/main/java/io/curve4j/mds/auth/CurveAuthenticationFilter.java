package io.curve4j.mds.auth;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.web.Problems;

/**
 * Reads a REST request's proof and authenticates it through the
 * {@link AuthenticationManager}, in the Spring Security chain of {@code /api/**}. The
 * body is read here, up to the MDS's limit (a larger one is refused with 413 before any
 * controller), because a signature covers it. A request without any proof goes on
 * unauthenticated, for the chain's rules to refuse; a refused proof is answered here.
 */
final class CurveAuthenticationFilter extends OncePerRequestFilter {

	private static final String BEARER = "Bearer ";

	private final AuthenticationManager authentication;

	private final Users users;

	private final long maxBody;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	CurveAuthenticationFilter(AuthenticationManager authentication, Users users, long maxBody) {
		this.authentication = authentication;
		this.users = users;
		this.maxBody = maxBody;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = request.getContentLengthLong();
		byte[] body;
		try (InputStream in = request.getInputStream()) {
			body = declared > this.maxBody ? null : in.readNBytes((int) this.maxBody + 1);
		}
		if (body == null || body.length > this.maxBody) {
			Problems.write(response, ErrorCode.BODY_TOO_LARGE, "the request body is larger than " + this.maxBody
					+ " bytes (curve.mds.max-body-size)");
			return;
		}
		HttpServletRequest buffered = new BufferedBody(request, body);
		CurveCredentials credentials = credentials(buffered, body);
		if (!this.users.enabled()) {
			authenticated(new CallerAuthentication(Caller.ROOT, CallerAuthentication.Proof.NONE));
		}
		else if (credentials != null) {
			try {
				authenticated(this.authentication.authenticate(credentials));
			}
			catch (CurveAuthenticationProvider.Refused ex) {
				this.contexts.clearContext();
				Problems.write(response, ex.code(), ex.getMessage());
				return;
			}
		}
		chain.doFilter(buffered, response);
		if (credentials != null && credentials.signed() != null && didNotRun(response.getStatus())) {
			this.users.release(request.getHeader(RequestSignature.SIGNATURE_HEADER));
		}
	}

	/** A follower's redirect, or no leader to take it: the request did not run, and may come again. */
	private static boolean didNotRun(int status) {
		return status == 307 || status == 308 || status == 503;
	}

	private void authenticated(Authentication result) {
		SecurityContext context = this.contexts.createEmptyContext();
		context.setAuthentication(result);
		this.contexts.setContext(context);
	}

	/** The proof the request offers; null when it offers none. */
	private static CurveCredentials credentials(HttpServletRequest request, byte[] body) {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return CurveCredentials.bearer(authorization.substring(BEARER.length()));
		}
		if (request.getHeader(RequestSignature.SIGNATURE_HEADER) == null) {
			return null;
		}
		return CurveCredentials.signature(new CurveCredentials.SignedRequest(request::getHeader, request.getMethod(),
				request.getRequestURI(), request.getQueryString(), body));
	}

	/** The request with its body read once, for the signature, and again by Spring MVC. */
	private static final class BufferedBody extends HttpServletRequestWrapper {

		private final byte[] body;

		BufferedBody(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] b, int off, int len) {
					return in.read(b, off, len);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("the body is already read");
				}

			};
		}

		@Override
		public BufferedReader getReader() {
			return new BufferedReader(new InputStreamReader(getInputStream(),
					getCharacterEncoding() == null ? StandardCharsets.UTF_8 : Charset.forName(getCharacterEncoding())));
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

	}

}
