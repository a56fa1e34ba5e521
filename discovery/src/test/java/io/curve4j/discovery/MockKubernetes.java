package io.curve4j.discovery;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * fabric8's mock Kubernetes API server in CRUD mode on loopback, for the services'
 * discovery tests: what is created through {@link #client()} is what Spring Cloud
 * Kubernetes then reads.
 */
public final class MockKubernetes implements AutoCloseable {

	public static final String NAMESPACE = "curve";

	private final KubernetesMockServer api;

	private final KubernetesClient client;

	public MockKubernetes() {
		this.api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
				new KubernetesCrudDispatcher(), false);
		this.api.init(InetAddress.getLoopbackAddress(), 0);
		this.client = this.api.createClient();
	}

	public KubernetesClient client() {
		return this.client;
	}

	/** The arguments that turn Spring Cloud Kubernetes on against this API server, in {@link #NAMESPACE}. */
	public List<String> springArgs() {
		return List.of("--spring.main.cloud-platform=kubernetes",
				"--spring.cloud.kubernetes.client.master-url=" + this.client.getMasterUrl(),
				"--spring.cloud.kubernetes.client.namespace=" + NAMESPACE,
				"--spring.cloud.kubernetes.client.trust-certs=true");
	}

	/**
	 * The Service {@code mds} with ports {@code http} and {@code grpc} and these ready pod
	 * IPs, as Endpoints and as an EndpointSlice (created, or replaced when it exists).
	 */
	public void mdsService(List<String> ips, int httpPort, int grpcPort) {
		this.client.services()
			.inNamespace(NAMESPACE)
			.resource(new ServiceBuilder().withNewMetadata()
				.withName("mds")
				.endMetadata()
				.withNewSpec()
				.addNewPort()
				.withName("http")
				.withPort(httpPort)
				.endPort()
				.addNewPort()
				.withName("grpc")
				.withPort(grpcPort)
				.endPort()
				.endSpec()
				.build())
			.createOr(existing -> existing.update());
		this.client.endpoints()
			.inNamespace(NAMESPACE)
			.resource(new EndpointsBuilder().withNewMetadata()
				.withName("mds")
				.endMetadata()
				.addNewSubset()
				.withAddresses(ips.stream().map(ip -> new EndpointAddressBuilder().withIp(ip).build()).toList())
				.addNewPort()
				.withName("http")
				.withPort(httpPort)
				.endPort()
				.addNewPort()
				.withName("grpc")
				.withPort(grpcPort)
				.endPort()
				.endSubset()
				.build())
			.createOr(existing -> existing.update());
		this.client.discovery()
			.v1()
			.endpointSlices()
			.inNamespace(NAMESPACE)
			.resource(new EndpointSliceBuilder().withNewMetadata()
				.withName("mds-1")
				.addToLabels("kubernetes.io/service-name", "mds")
				.endMetadata()
				.withAddressType("IPv4")
				.withEndpoints(ips.stream()
					.map(ip -> new EndpointBuilder().addToAddresses(ip)
						.withNewConditions()
						.withReady(true)
						.endConditions()
						.build())
					.toList())
				.addNewPort()
				.withName("http")
				.withPort(httpPort)
				.endPort()
				.addNewPort()
				.withName("grpc")
				.withPort(grpcPort)
				.endPort()
				.build())
			.createOr(existing -> existing.update());
	}

	/** Deletes what a test created: services, endpoints, ConfigMaps and Secrets. */
	public void clear() {
		this.client.services().inNamespace(NAMESPACE).delete();
		this.client.endpoints().inNamespace(NAMESPACE).delete();
		this.client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).delete();
		this.client.configMaps().inNamespace(NAMESPACE).delete();
		this.client.secrets().inNamespace(NAMESPACE).delete();
	}

	@Override
	public void close() {
		this.client.close();
		this.api.destroy();
	}

}
