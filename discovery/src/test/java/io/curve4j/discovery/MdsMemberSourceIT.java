package io.curve4j.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The MDS members a service finds, against fabric8's mock API server: the chunkservers,
 * metaservers and snapshot service take the port named {@code grpc} of the Service
 * {@code mds}, the gateway the one named {@code http}, and the list follows the Service's
 * endpoints; without {@code curve.discovery.mds-service} the configured addresses are used.
 */
class MdsMemberSourceIT {

	private static MockKubernetes kubernetes;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void startApiServer() {
		kubernetes = new MockKubernetes();
	}

	@AfterAll
	static void stopApiServer() {
		kubernetes.close();
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		kubernetes.clear();
	}

	@Test
	void membersAreTheServiceEndpointsOnTheNamedPortAndFollowTheirChanges() {
		kubernetes.mdsService(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), 8080, 9090);
		MdsMemberSource members = service("--curve.discovery.mds-service=mds");
		Supplier<List<String>> grpc = members.addresses("grpc", List.of("ignored:1"));

		assertThat(members.discovered()).isTrue();
		assertThat(grpc.get()).containsExactly("10.0.0.1:9090", "10.0.0.2:9090", "10.0.0.3:9090");
		assertThat(members.addresses("http", List.of()).get()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080",
				"10.0.0.3:8080");

		// a pod replaced by one at another address: the next ask sees it
		kubernetes.mdsService(List.of("10.0.0.2", "10.0.0.3", "10.0.0.4"), 8080, 9090);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(grpc.get()).containsExactly("10.0.0.2:9090", "10.0.0.3:9090", "10.0.0.4:9090"));
	}

	@Test
	void aServiceWithoutMembersOrTheNamedPortIsAnErrorNamingIt() {
		kubernetes.mdsService(List.of("10.0.0.1"), 8080, 9090);
		MdsMemberSource members = service("--curve.discovery.mds-service=mds-typo");

		assertThatThrownBy(() -> members.addresses("grpc", List.of()).get())
			.isInstanceOfSatisfying(CurveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE))
			.hasMessageContaining("no MDS member found: service 'mds-typo' has 0 instance(s)");
		MdsMemberSource right = service("--curve.discovery.mds-service=mds");
		assertThatThrownBy(() -> right.addresses("raft", List.of()).get()).isInstanceOf(CurveException.class)
			.hasMessageContaining("none with a port named 'raft'");
	}

	@Test
	void withoutTheServiceNameTheConfiguredAddressesAreUsedEvenInKubernetes() {
		kubernetes.mdsService(List.of("10.0.0.1"), 8080, 9090);
		MdsMemberSource members = service();

		assertThat(members.discovered()).isFalse();
		assertThat(members.addresses("grpc", List.of("mds-1:9090", "mds-2:9090")).get()).containsExactly("mds-1:9090",
				"mds-2:9090");
		assertThatThrownBy(() -> members.addresses("grpc", List.of()))
			.isInstanceOfSatisfying(CurveException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
			.hasMessageContaining("no MDS address configured");
	}

	/** A Spring Boot application with this module's auto-configuration, in Kubernetes (the mock API server). */
	private MdsMemberSource service(String... extra) {
		List<String> args = new ArrayList<>(kubernetes.springArgs());
		args.add("--spring.main.banner-mode=off");
		args.addAll(List.of(extra));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Service.class)
			.web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
		this.contexts.add(context);
		return context.getBean(MdsMemberSource.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Service {

	}

}
