package io.curve4j.gateway;

import java.nio.file.Path;

import org.springframework.context.ConfigurableApplicationContext;

import io.curve4j.mds.MdsNode;
import io.curve4j.mds.MdsTestCluster;

/**
 * Three MDS members and the gateway in this JVM, each its own Spring context on
 * loopback: MDS HTTP, gRPC and Raft ports picked once, the gateway on a random port.
 * Authentication is on (root's password is {@link #ROOT_PASSWORD}).
 */
final class GatewayCluster implements AutoCloseable {

	static final String ROOT_PASSWORD = "root-secret-for-tests";

	static final String JOIN_TOKEN = "join-secret-for-tests";

	private final MdsTestCluster mds;

	private final ConfigurableApplicationContext gateway;

	private GatewayCluster(MdsTestCluster mds, ConfigurableApplicationContext gateway) {
		this.mds = mds;
		this.gateway = gateway;
	}

	static GatewayCluster start(Path dir, int members) {
		MdsTestCluster mds = MdsTestCluster.start(dir, members, "--curve.mds.auth.root-password=" + ROOT_PASSWORD,
				"--curve.mds.auth.join-token.value=" + JOIN_TOKEN, "--curve.mds.attach.nbd-address=127.0.0.1:10809",
				// short, so that a leader elected after the first term soon accepts renames and deletes
				"--curve.mds.session-lease=3s",
				// the gateway's breakers share this classpath; their registries are the gateway's beans, not the MDS's
				"--spring.cloud.circuitbreaker.resilience4j.enabled=false");
		try {
			mds.awaitSettledLeader();
			return new GatewayCluster(mds, GatewayApplication.application()
				.run("--server.port=0", "--server.address=127.0.0.1",
						"--curve.gateway.mds-addresses=" + String.join(",", mds.httpAddresses()),
						"--curve.gateway.retry-budget=8s", "--spring.grpc.server.enabled=false",
						"--spring.main.banner-mode=off",
						// the MDS's Spring Security shares this test classpath; the gateway ships without it
						"--spring.autoconfigure.exclude=org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
								+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
								+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
								+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
								+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"));
		}
		catch (RuntimeException ex) {
			mds.close();
			throw ex;
		}
	}

	int gatewayPort() {
		return Integer.parseInt(this.gateway.getEnvironment().getProperty("local.server.port"));
	}

	/** Index of the member that leads now, -1 when none does. */
	int leader() {
		return this.mds.leader();
	}

	/** The HTTP port of member {@code index}, for requests that bypass the gateway. */
	int mdsPort(int index) {
		return this.mds.httpPort(index);
	}

	/** The gRPC address of member {@code index}. */
	String mdsGrpc(int index) {
		return this.mds.grpcAddress(index);
	}

	MdsNode mds(int index) {
		return this.mds.node(index);
	}

	int members() {
		return this.mds.size();
	}

	void stopMds(int index) {
		this.mds.stop(index);
	}

	@Override
	public void close() {
		this.gateway.close();
		this.mds.close();
	}

}
