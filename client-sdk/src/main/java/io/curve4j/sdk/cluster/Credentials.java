package io.curve4j.sdk.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.auth.Secrets;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * A user and its password, to sign requests. The command line takes the password from
 * {@code $CURVE_PASSWORD}, else (for root) from the secret {@code curve local up} wrote
 * to {@code $CURVE_HOME/root.secret}, so the quick start needs no typing.
 */
public record Credentials(String user, String password) {

	/** Root's secret in a local cluster's home. */
	public static final String ROOT_SECRET_FILE = "root.secret";

	private static final SecureRandom RANDOM = new SecureRandom();

	/** Credentials for {@code user}, or null when no password is found (an MDS without authentication). */
	public static Credentials resolve(String user, Path curveHome) {
		String name = user == null || user.isBlank() ? RequestSignature.ROOT : user;
		String env = System.getenv("CURVE_PASSWORD");
		if (env != null && !env.isBlank()) {
			return new Credentials(name, env);
		}
		Path secret = curveHome.resolve(ROOT_SECRET_FILE);
		if (name.equals(RequestSignature.ROOT) && Files.exists(secret)) {
			return new Credentials(name, read(secret));
		}
		if (!name.equals(RequestSignature.ROOT)) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "no password for user " + name + "; set CURVE_PASSWORD");
		}
		return null;
	}

	/** A new random password or secret: 24 bytes, URL-safe Base64 (32 characters). */
	public static String newSecret() {
		byte[] bytes = new byte[24];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** The first line of a secret file. */
	public static String read(Path file) {
		return Secrets.firstLine(file);
	}

	@Override
	public String toString() {
		return "Credentials[" + this.user + "]";
	}

}
