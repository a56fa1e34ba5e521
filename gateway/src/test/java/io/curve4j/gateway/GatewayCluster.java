package io.curve4j.gateway;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.util.TestSocketUtils;

import io.curve4j.mds.MdsApplication;
import io.curve4j.mds.raft.MdsRaft;

/**
 * Three MDS members and the gateway in this JVM, each its own Spring context on
 * loopback: MDS HTTP, gRPC and Raft ports picked once, the gateway on a random port.
 * Authentication is on (root's password is {@link #ROOT_PASSWORD}).
 */
final class GatewayCluster implements AutoCloseable {

	static final String ROOT_PASSWORD = "root-secret-for-tests";

	static final String JOIN_TOKEN = "join-secret-for-tests";

	private final List<ConfigurableApplicationContext> mds = new ArrayList<>();

	private final List<String> mdsHttp = new ArrayList<>();

	private final List<String> mdsGrpc = new ArrayList<>();

	private ConfigurableApplicationContext gateway;

	static GatewayCluster start(Path dir, int members) {
		GatewayCluster cluster = new GatewayCluster();
		int[][] ports = new int[members][3];
		List<String> memberArgs = new ArrayList<>();
		for (int i = 0; i < members; i++) {
			for (int j = 0; j < 3; j++) {
				ports[i][j] = TestSocketUtils.findAvailableTcpPort();
			}
			memberArgs.add("--curve.mds.members[" + i + "].raft=127.0.0.1:" + ports[i][0]);
			memberArgs.add("--curve.mds.members[" + i + "].grpc=127.0.0.1:" + ports[i][1]);
			memberArgs.add("--curve.mds.members[" + i + "].http=127.0.0.1:" + ports[i][2]);
			cluster.mdsHttp.add("127.0.0.1:" + ports[i][2]);
			cluster.mdsGrpc.add("127.0.0.1:" + ports[i][1]);
		}
		for (int i = 0; i < members; i++) {
			List<String> args = new ArrayList<>(memberArgs);
			args.addAll(List.of("--server.port=" + ports[i][2], "--server.address=127.0.0.1",
					"--spring.grpc.server.port=" + ports[i][1], "--spring.grpc.server.host=127.0.0.1",
					"--curve.mds.data-dir=" + dir.resolve("mds-" + i), "--curve.mds.raft-address=127.0.0.1:" + ports[i][0],
					"--curve.mds.auth.root-password=" + ROOT_PASSWORD, "--curve.mds.auth.join-token.value=" + JOIN_TOKEN,
					"--curve.mds.attach.nbd-address=127.0.0.1:10809",
					"--spring.main.banner-mode=off",
					// the gateway's breakers share this classpath; their registries are the gateway's beans, not the MDS's
					"--spring.cloud.circuitbreaker.resilience4j.enabled=false"));
			cluster.mds.add(MdsApplication.application().run(args.toArray(String[]::new)));
		}
		cluster.gateway = GatewayApplication.application()
			.run("--server.port=0", "--server.address=127.0.0.1",
					"--curve.gateway.mds-addresses=" + String.join(",", cluster.mdsHttp),
					"--curve.gateway.retry-budget=8s", "--spring.grpc.server.enabled=false",
					"--spring.main.banner-mode=off",
					// the MDS's Spring Security shares this test classpath; the gateway ships without it
					"--spring.autoconfigure.exclude=org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
							+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
							+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
							+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
							+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration");
		return cluster;
	}

	int gatewayPort() {
		return Integer.parseInt(this.gateway.getEnvironment().getProperty("local.server.port"));
	}

	/** Index of the member that leads now, -1 when none does. */
	int leader() {
		for (int i = 0; i < this.mds.size(); i++) {
			ConfigurableApplicationContext c = this.mds.get(i);
			if (c.isActive() && c.getBean(MdsRaft.class).isLeader()) {
				return i;
			}
		}
		return -1;
	}

	/** The HTTP port of member {@code index}, for requests that bypass the gateway. */
	int mdsPort(int index) {
		String address = this.mdsHttp.get(index);
		return Integer.parseInt(address.substring(address.indexOf(':') + 1));
	}

	/** The gRPC address of member {@code index}. */
	String mdsGrpc(int index) {
		return this.mdsGrpc.get(index);
	}

	ConfigurableApplicationContext mds(int index) {
		return this.mds.get(index);
	}

	int members() {
		return this.mds.size();
	}

	void stopMds(int index) {
		this.mds.get(index).close();
	}

	@Override
	public void close() {
		if (this.gateway != null) {
			this.gateway.close();
		}
		this.mds.forEach(ConfigurableApplicationContext::close);
	}

}
