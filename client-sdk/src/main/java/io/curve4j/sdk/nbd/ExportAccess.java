package io.curve4j.sdk.nbd;

import java.util.Objects;

import io.curve4j.common.auth.RequestSignature;

/**
 * Which volumes one connection may see and open. Without TLS, every volume: such a server
 * listens on loopback only, and its host's users are trusted like the server's own user.
 * Under TLS, the volumes owned by the client's PSK identity, a Curve user name (every
 * volume for {@code root}, as the MDS has it).
 */
final class ExportAccess {

	/** A connection without TLS. */
	static final ExportAccess LOOPBACK = new ExportAccess(null);

	/** Null for {@link #LOOPBACK}. */
	private final String user;

	private ExportAccess(String user) {
		this.user = user;
	}

	/** A TLS client that proved it holds {@code user}'s key. */
	static ExportAccess of(String user) {
		return new ExportAccess(Objects.requireNonNull(user, "user"));
	}

	boolean permits(String owner) {
		return this.user == null || this.user.equals(RequestSignature.ROOT) || this.user.equals(owner);
	}

	@Override
	public String toString() {
		return (this.user == null) ? "loopback" : "user " + this.user;
	}

}
