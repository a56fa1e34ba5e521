package io.curve4j.mds.auth;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Curve4J's two proofs as a Spring Security provider: a request signature or a bearer
 * token, both checked by {@link Users}.
 */
final class CurveAuthenticationProvider implements AuthenticationProvider {

	private final Users users;

	CurveAuthenticationProvider(Users users) {
		this.users = users;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		CurveCredentials credentials = (CurveCredentials) authentication;
		try {
			if (credentials.bearerToken() != null) {
				return new CallerAuthentication(this.users.verifyToken(credentials.bearerToken()),
						CallerAuthentication.Proof.TOKEN);
			}
			CurveCredentials.SignedRequest r = credentials.signed();
			return new CallerAuthentication(this.users.verifySignature(r.header(), r.method(), r.path(), r.query(), r.body()),
					CallerAuthentication.Proof.SIGNATURE);
		}
		catch (CurveException ex) {
			throw new Refused(ex.code(), ex.detail());
		}
	}

	@Override
	public boolean supports(Class<?> type) {
		return CurveCredentials.class.isAssignableFrom(type);
	}

	/** A refused proof, with the code the client sees. */
	static final class Refused extends AuthenticationException {

		private static final long serialVersionUID = 1L;

		private final ErrorCode code;

		Refused(ErrorCode code, String detail) {
			super(detail);
			this.code = code;
		}

		ErrorCode code() {
			return this.code;
		}

	}

}
