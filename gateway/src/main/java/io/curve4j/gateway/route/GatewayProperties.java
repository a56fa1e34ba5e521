package io.curve4j.gateway.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where the backends are and how long the gateway tries them ({@code curve.gateway.*}).
 */
@ConfigurationProperties("curve.gateway")
@Validated
public class GatewayProperties {

	/**
	 * HTTP addresses ("host:port") of every MDS member. Any may be asked: followers
	 * redirect to the leader, and the gateway remembers who led last.
	 */
	@NotEmpty
	private List<String> mdsAddresses = new ArrayList<>(List.of("127.0.0.1:6700"));

	/**
	 * How long one request may spend finding the MDS leader (redirects, an election,
	 * members that are down) before the client gets 503. Covers an MDS election.
	 */
	@NotNull
	private Duration retryBudget = Duration.ofSeconds(10);

	/**
	 * Longest wait for one answer of one MDS; also the circuit breaker's time limit per
	 * request (plus the retry budget). Above what a snapshot's create may wait for the
	 * volume's sessions (the session lease, 20 s, plus 2 s), as the CLI's 30 s is.
	 */
	@NotNull
	private Duration backendTimeout = Duration.ofSeconds(30);

	/**
	 * Largest request body passed on; larger ones are refused with 413 before reaching a
	 * service. Control-plane bodies are a few hundred bytes.
	 */
	@NotNull
	private DataSize maxBodySize = DataSize.ofKilobytes(64);

	/**
	 * Refuse {@code /api/v1} requests without credentials (a bearer token or a signature)
	 * here, before they reach a service; the service verifies the credentials.
	 */
	private boolean requireCredentials = true;

	public List<String> getMdsAddresses() {
		return this.mdsAddresses;
	}

	public void setMdsAddresses(List<String> mdsAddresses) {
		this.mdsAddresses = mdsAddresses;
	}

	public Duration getRetryBudget() {
		return this.retryBudget;
	}

	public void setRetryBudget(Duration retryBudget) {
		this.retryBudget = retryBudget;
	}

	public Duration getBackendTimeout() {
		return this.backendTimeout;
	}

	public void setBackendTimeout(Duration backendTimeout) {
		this.backendTimeout = backendTimeout;
	}

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	public boolean isRequireCredentials() {
		return this.requireCredentials;
	}

	public void setRequireCredentials(boolean requireCredentials) {
		this.requireCredentials = requireCredentials;
	}

}
