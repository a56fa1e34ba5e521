package io.curve4j.mds.auth;

import java.util.List;
import java.util.function.Function;

import org.springframework.security.authentication.AbstractAuthenticationToken;

import io.curve4j.common.auth.RequestSignature;

/**
 * What a REST request offers as proof, before it is checked: a bearer token, or the
 * signature headers with the request they sign. {@link CurveAuthenticationProvider}
 * turns it into a {@link CallerAuthentication} or refuses it.
 */
final class CurveCredentials extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	/** The parts of a request a signature covers. */
	record SignedRequest(Function<String, String> header, String method, String path, String query, byte[] body) {
	}

	private final transient String bearerToken;

	private final transient SignedRequest signed;

	private CurveCredentials(String bearerToken, SignedRequest signed) {
		super(List.of());
		this.bearerToken = bearerToken;
		this.signed = signed;
	}

	static CurveCredentials bearer(String token) {
		return new CurveCredentials(token, null);
	}

	static CurveCredentials signature(SignedRequest request) {
		return new CurveCredentials(null, request);
	}

	/** Null for a signed request. */
	String bearerToken() {
		return this.bearerToken;
	}

	/** Null for a bearer token. */
	SignedRequest signed() {
		return this.signed;
	}

	@Override
	public Object getPrincipal() {
		return this.signed == null ? "" : this.signed.header().apply(RequestSignature.OWNER_HEADER);
	}

	@Override
	public Object getCredentials() {
		return "";
	}

}
