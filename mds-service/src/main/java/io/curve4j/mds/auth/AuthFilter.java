package io.curve4j.mds.auth;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.mds.web.Problems;

/**
 * Authenticates every {@code /api/v1} request (a bearer token or a signature) and leaves
 * the {@link Caller} as a request attribute; anything else answers 401 problem+json here,
 * before any controller runs. Followers authenticate too (users are replicated), then
 * redirect to the leader.
 */
@Component
class AuthFilter extends OncePerRequestFilter {

	private static final String BEARER = "Bearer ";

	private final Users users;

	AuthFilter(Users users) {
		this.users = users;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/api/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Caller caller;
		try {
			caller = authenticate(request);
		}
		catch (CurveException ex) {
			Problems.write(response, ex.code(), ex.detail());
			return;
		}
		request.setAttribute(Caller.ATTRIBUTE, caller);
		chain.doFilter(request, response);
	}

	private Caller authenticate(HttpServletRequest request) {
		if (!this.users.enabled()) {
			return Caller.ROOT;
		}
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return this.users.verifyToken(authorization.substring(BEARER.length()));
		}
		return this.users.verifySignature(request.getHeader(RequestSignature.OWNER_HEADER),
				request.getHeader(RequestSignature.DATE_HEADER), request.getHeader(RequestSignature.SIGNATURE_HEADER));
	}

}
