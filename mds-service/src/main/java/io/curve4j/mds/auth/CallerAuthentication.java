package io.curve4j.mds.auth;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated REST request: its {@link Caller} and how it proved itself. Root holds
 * the {@value #ROOT} authority that admin operations require.
 */
final class CallerAuthentication extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	static final String ROOT = "ROOT";

	/** How a caller proved to be who it is. */
	enum Proof {

		SIGNATURE, TOKEN,
		/** Authentication is off: every caller is root. */
		NONE

	}

	private final transient Caller caller;

	private final transient Proof proof;

	CallerAuthentication(Caller caller, Proof proof) {
		super(caller.isRoot() ? List.of(new SimpleGrantedAuthority(ROOT)) : List.of());
		this.caller = caller;
		this.proof = proof;
		setAuthenticated(true);
	}

	Proof proof() {
		return this.proof;
	}

	@Override
	public Caller getPrincipal() {
		return this.caller;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

}
