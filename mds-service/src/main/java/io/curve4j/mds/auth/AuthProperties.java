package io.curve4j.mds.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Authentication of REST and SDK calls ({@code curve.mds.auth.*}). Without a root
 * password every caller acts as root, as before users existed; a cluster that stores
 * anybody's data should always set one.
 */
@ConfigurationProperties("curve.mds.auth")
@Validated
public class AuthProperties {

	/**
	 * Root's password. Every member of the group needs the same one. Prefer
	 * {@link #rootPasswordFile} so the secret stays off command lines.
	 */
	private String rootPassword;

	/**
	 * File whose first line is root's password (what {@code curve local up} writes to
	 * {@code $CURVE_HOME/root.secret}). Must exist when set.
	 */
	private Path rootPasswordFile;

	/**
	 * How far a signed request's date may lie from this server's clock before it is
	 * rejected as stale (Curve uses 15 minutes).
	 */
	@NotNull
	private Duration maxClockSkew = Duration.ofMinutes(15);

	/**
	 * Lifetime of a bearer token from {@code POST /api/v1/tokens}.
	 */
	@NotNull
	private Duration tokenTtl = Duration.ofHours(1);

	/** Root's password from the property or the file; null when authentication is off. */
	String resolveRootPassword() {
		if (this.rootPasswordFile != null) {
			try {
				String first = Files.readAllLines(this.rootPasswordFile).stream().findFirst().orElse("").strip();
				if (first.isEmpty()) {
					throw new IllegalStateException("curve.mds.auth.root-password-file " + this.rootPasswordFile
							+ " is empty");
				}
				return first;
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read curve.mds.auth.root-password-file " + this.rootPasswordFile,
						ex);
			}
		}
		return this.rootPassword == null || this.rootPassword.isBlank() ? null : this.rootPassword;
	}

	public String getRootPassword() {
		return this.rootPassword;
	}

	public void setRootPassword(String rootPassword) {
		this.rootPassword = rootPassword;
	}

	public Path getRootPasswordFile() {
		return this.rootPasswordFile;
	}

	public void setRootPasswordFile(Path rootPasswordFile) {
		this.rootPasswordFile = rootPasswordFile;
	}

	public Duration getMaxClockSkew() {
		return this.maxClockSkew;
	}

	public void setMaxClockSkew(Duration maxClockSkew) {
		this.maxClockSkew = maxClockSkew;
	}

	public Duration getTokenTtl() {
		return this.tokenTtl;
	}

	public void setTokenTtl(Duration tokenTtl) {
		this.tokenTtl = tokenTtl;
	}

}
