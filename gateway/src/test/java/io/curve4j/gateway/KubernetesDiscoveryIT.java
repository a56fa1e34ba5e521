package io.curve4j.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.unit.DataSize;

import io.curve4j.discovery.MockKubernetes;
import io.curve4j.gateway.route.GatewayProperties;
import io.curve4j.gateway.route.MdsLeaderProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway in Kubernetes, against fabric8's mock API server in CRUD mode: the MDS
 * members come from the Service {@code mds}'s endpoints through Spring Cloud Kubernetes'
 * discovery client, on the port named {@code http}, and follow its changes; settings come
 * from the ConfigMap and the Secret named after the application. The MDS members are
 * small HTTP servers on 127.0.0.1 to 127.0.0.4 (one port, as pods of one Service have):
 * the leader answers with its name, the others answer 503 NOT_LEADER as a follower that
 * knows no leader does.
 */
class KubernetesDiscoveryIT {

	private static MockKubernetes kubernetes;

	private static KubernetesClient kube;

	private static int mdsPort;

	private final Map<String, HttpServer> members = new ConcurrentHashMap<>();

	private final Map<String, Boolean> leads = new ConcurrentHashMap<>();

	private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@BeforeAll
	static void startApiServer() throws IOException {
		kubernetes = new MockKubernetes();
		kube = kubernetes.client();
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			mdsPort = probe.getLocalPort();
		}
	}

	@AfterAll
	static void stopApiServer() {
		kubernetes.close();
	}

	@AfterEach
	void stop() {
		this.gateways.forEach(ConfigurableApplicationContext::close);
		this.members.values().forEach(s -> s.stop(0));
		kubernetes.clear();
	}

	@Test
	void membersComeFromTheServiceEndpointsAndFollowTheirChanges() throws Exception {
		member("127.0.0.1", true);
		member("127.0.0.2", false);
		member("127.0.0.3", false);
		mdsService(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
		ConfigurableApplicationContext gateway = gateway("--curve.discovery.mds-service=mds");
		MdsLeaderProxy proxy = gateway.getBean(MdsLeaderProxy.class);

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(docs(gateway).body()).isEqualTo("mds-127.0.0.1"));
		assertThat(proxy.mdsMembers()).containsExactly("127.0.0.1:" + mdsPort, "127.0.0.2:" + mdsPort,
				"127.0.0.3:" + mdsPort);

		// the leader's pod goes away and a new member comes, which is elected
		this.members.remove("127.0.0.1").stop(0);
		member("127.0.0.4", true);
		mdsService(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"));

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(docs(gateway).body()).isEqualTo("mds-127.0.0.4"));
		assertThat(proxy.mdsMembers()).containsExactly("127.0.0.2:" + mdsPort, "127.0.0.3:" + mdsPort,
				"127.0.0.4:" + mdsPort);
	}

	@Test
	void settingsComeFromTheConfigMapAndTheSecretNamedAfterTheApplication() throws Exception {
		kube.configMaps()
			.inNamespace(MockKubernetes.NAMESPACE)
			.resource(new ConfigMapBuilder().withNewMetadata()
				.withName("gateway")
				.endMetadata()
				.addToData("application.yaml", "curve:\n  gateway:\n    max-body-size: 96KB\n")
				.build())
			.create();
		kube.secrets()
			.inNamespace(MockKubernetes.NAMESPACE)
			.resource(new SecretBuilder().withNewMetadata()
				.withName("gateway")
				.endMetadata()
				.addToData("curve.gateway.backend-timeout",
						Base64.getEncoder().encodeToString("17s".getBytes(StandardCharsets.UTF_8)))
				.build())
			.create();
		member("127.0.0.1", true);
		mdsService(List.of("127.0.0.1"));

		GatewayProperties properties = gateway("--curve.discovery.mds-service=mds").getBean(GatewayProperties.class);

		assertThat(properties.getMaxBodySize()).isEqualTo(DataSize.ofKilobytes(96));
		assertThat(properties.getBackendTimeout()).isEqualTo(Duration.ofSeconds(17));
	}

	@Test
	void noMatchingServiceFailsTheCallWithAClearError() throws Exception {
		member("127.0.0.1", true);
		mdsService(List.of("127.0.0.1"));
		ConfigurableApplicationContext gateway = gateway("--curve.discovery.mds-service=mds-typo");

		long start = System.nanoTime();
		HttpResponse<String> answer = docs(gateway);

		assertThat(answer.statusCode()).isEqualTo(503);
		assertThat(answer.body()).contains("no MDS member found: service 'mds-typo'");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(gateway.getBean(MdsLeaderProxy.class).mdsMembers()).isEmpty();
	}

	@Test
	void withoutTheServiceNameTheStaticAddressesAreUsedEvenInKubernetes() throws Exception {
		member("127.0.0.1", true);
		mdsService(List.of("127.0.0.2"));
		ConfigurableApplicationContext gateway = gateway("--curve.gateway.mds-addresses=127.0.0.1:" + mdsPort);

		assertThat(docs(gateway).body()).isEqualTo("mds-127.0.0.1");
		assertThat(gateway.getBean(MdsLeaderProxy.class).mdsMembers()).containsExactly("127.0.0.1:" + mdsPort);
	}

	/** The MDS's OpenAPI document through the gateway: the answering member's name. */
	private HttpResponse<String> docs(ConfigurableApplicationContext gateway) throws IOException, InterruptedException {
		int port = Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/api-docs/mds"))
			.timeout(Duration.ofSeconds(20))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private ConfigurableApplicationContext gateway(String... extra) {
		List<String> args = new ArrayList<>(kubernetes.springArgs());
		args.addAll(List.of("--server.port=0", "--server.address=127.0.0.1", "--curve.gateway.retry-budget=2s",
				"--spring.grpc.server.enabled=false", "--spring.main.banner-mode=off",
				// the MDS's Spring Security shares this test classpath; the gateway ships without it
				"--spring.autoconfigure.exclude=org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
						+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"));
		args.addAll(List.of(extra));
		ConfigurableApplicationContext context = GatewayApplication.application().run(args.toArray(String[]::new));
		this.gateways.add(context);
		return context;
	}

	/** A member on {@code ip}: the leader answers with its name, a follower 503 NOT_LEADER. */
	private void member(String ip, boolean leader) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), mdsPort), 0);
		this.leads.put(ip, leader);
		server.createContext("/", exchange -> {
			boolean leading = this.leads.get(ip);
			byte[] body = (leading ? "mds-" + ip : "{\"code\":\"NOT_LEADER\",\"detail\":\"no leader known\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(leading ? 200 : 503, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		this.members.put(ip, server);
	}

	/** The Service {@code mds} with these ready pod IPs: its port {@code http} is the members' port. */
	private static void mdsService(List<String> ips) {
		kubernetes.mdsService(ips, mdsPort, mdsPort + 1);
	}

}
