package io.curve4j.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The top-level {@code docker-compose.yml} against what the build makes and what the
 * services expect: no engine runs it here (.ci/run also has docker-compose validate it), so
 * this reads it as data.
 */
class DockerComposeTest {

	private static final Path REPO = Path.of(System.getProperty("curve.repo.root", "..")).toAbsolutePath().normalize();

	/** The images {@code mvn -Pimages package} builds (ImageTarballsTest checks them). */
	private static final Set<String> OUR_IMAGES = Set.of("mds", "chunkserver", "metaserver", "snapshot", "gateway",
			"cli", "s3");

	/** The images of others it may use: monitoring only. */
	private static final Set<String> OTHER_IMAGES = Set.of("prom/prometheus", "grafana/grafana");

	private static final Pattern OUR_IMAGE = Pattern
		.compile("curve4j/([a-z0-9-]+):\\$\\{CURVE4J_VERSION:-([^}]+)\\}");

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:?[-?][^}]*)?\\}");

	private static Map<String, Map<String, Object>> services;

	private static Map<String, Object> compose;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void load() throws IOException {
		compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		services = (Map<String, Map<String, Object>>) compose.get("services");
	}

	@Test
	void everyImageIsOneTheBuildMakesAtThisVersionOrMonitoring() {
		String version = System.getProperty("curve.project.version", "0.1.0-SNAPSHOT");
		services.forEach((name, service) -> {
			String image = (String) service.get("image");
			assertThat(image).as(name + "'s image").isNotNull();
			Matcher ours = OUR_IMAGE.matcher(image);
			if (ours.matches()) {
				assertThat(OUR_IMAGES).as(name + "'s image " + image).contains(ours.group(1));
				assertThat(ours.group(2)).as(name + "'s default tag").isEqualTo(version);
			}
			else {
				assertThat(OTHER_IMAGES).as(name + "'s image " + image).contains(image.replaceAll(":.*", ""));
			}
		});
		assertThat(services.values().stream().map(s -> imageName(s)).toList()).containsAll(OUR_IMAGES);
	}

	@Test
	void theThreeMdsAreMembersOfEachOtherOnTheImagesPorts() {
		List<String> mds = servicesOf("mds");
		assertThat(mds).hasSize(3);
		List<String> expectedMembers = new ArrayList<>();
		for (int i = 0; i < mds.size(); i++) {
			String host = hostname(mds.get(i));
			expectedMembers.add("--curve.mds.members[" + i + "].raft=" + host + ":8300");
			expectedMembers.add("--curve.mds.members[" + i + "].grpc=" + host + ":9090");
			expectedMembers.add("--curve.mds.members[" + i + "].http=" + host + ":8080");
		}
		Set<String> hosts = new HashSet<>();
		for (String name : mds) {
			List<String> args = command(name);
			hosts.add(hostname(name));
			assertThat(args.stream().filter(a -> a.startsWith("--curve.mds.members[")).toList()).as(name + "'s members")
				.containsExactlyElementsOf(expectedMembers);
			assertThat(args).as(name + " is one of the members")
				.contains("--curve.mds.raft-address=" + hostname(name) + ":8300");
			// the image's ports (SERVER_PORT, SPRING_GRPC_SERVER_PORT) are what the members name
			assertThat(args).noneMatch(a -> a.startsWith("--server.port=") || a.startsWith("--spring.grpc.server.port="));
			assertThat(args).contains("--curve.mds.auth.root-password-file=/etc/curve4j/secrets/root.secret",
					"--curve.mds.auth.join-token.file=/etc/curve4j/secrets/join.token",
					"--curve.mds.auth.data-key.file=/etc/curve4j/secrets/data.key");
		}
		assertThat(hosts).hasSize(3);
		String grpc = String.join(",", mds.stream().map(m -> hostname(m) + ":9090").toList());
		String http = String.join(",", mds.stream().map(m -> hostname(m) + ":8080").toList());
		// every client of the MDS names all three, on the right port
		for (String name : servicesOf("chunkserver")) {
			assertThat(command(name)).contains("--curve.chunkserver.mds-addresses=" + grpc);
		}
		for (String name : servicesOf("metaserver")) {
			assertThat(command(name)).contains("--curve.metaserver.mds-addresses=" + grpc);
		}
		for (String name : servicesOf("snapshot")) {
			assertThat(command(name)).contains("--curve.snapshot.mds-addresses=" + grpc);
		}
		for (String name : servicesOf("gateway")) {
			assertThat(command(name)).contains("--curve.gateway.mds-addresses=" + http);
		}
		for (String name : servicesOf("cli")) {
			if (!name.equals("init")) {
				assertThat(String.join(" ", command(name))).as(name).contains("--mds=" + http);
			}
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void chunkserversAreOnServersInThreeDistinctZonesOfTheTopology() throws IOException {
		Map<String, Object> servers = new Yaml()
			.load(Files.readString(REPO.resolve("deploy/docker/topology/servers.yaml")));
		Map<String, Object> topology = new Yaml()
			.load(Files.readString(REPO.resolve("deploy/docker/topology/topology.yaml")));
		assertThat(topology.get("servers")).as("topology.yaml lists the servers of servers.yaml")
			.isEqualTo(servers.get("servers"));
		Map<String, String> zoneOf = new LinkedHashMap<>();
		for (Map<String, Object> server : (List<Map<String, Object>>) servers.get("servers")) {
			zoneOf.put((String) server.get("name"), (String) server.get("zone"));
		}
		List<String> chunkservers = servicesOf("chunkserver");
		assertThat(chunkservers).hasSize(3);
		Set<String> zones = new TreeSet<>();
		Set<String> serverNames = new HashSet<>();
		for (String name : chunkservers) {
			String server = argument(name, "--curve.chunkserver.server-name=");
			assertThat(zoneOf).as(name + "'s server " + server + " is in the topology").containsKey(server);
			serverNames.add(server);
			zones.add(zoneOf.get(server));
			assertThat(argument(name, "--curve.chunkserver.host=")).isEqualTo(hostname(name));
		}
		assertThat(serverNames).hasSize(3);
		assertThat(zones).hasSize(3);
		List<String> metaservers = servicesOf("metaserver");
		assertThat(metaservers).hasSize(3);
		for (String name : metaservers) {
			assertThat(zoneOf).containsKey(argument(name, "--curve.metaserver.server-name="));
		}
		List<Map<String, Object>> pools = (List<Map<String, Object>>) topology.get("logicalPools");
		assertThat(pools).anySatisfy(p -> {
			assertThat(p.get("replicas")).isEqualTo(3);
			assertThat(p.get("zones")).isEqualTo(3);
		});
		// the one-shots apply the files mounted from deploy/docker/topology
		assertThat(String.join(" ", command("topology-servers"))).contains("/etc/curve4j/topology/servers.yaml");
		assertThat(String.join(" ", command("topology-pools"))).contains("/etc/curve4j/topology/topology.yaml");
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyServiceHasAHealthCheckOrIsAOneShotOthersWaitFor() {
		Set<String> awaitedToComplete = new HashSet<>();
		Set<String> awaitedHealthy = new HashSet<>();
		services.forEach((name, service) -> {
			Object dependsOn = service.get("depends_on");
			if (dependsOn instanceof Map<?, ?> map) {
				map.forEach((dep, how) -> {
					assertThat(services).as(name + " depends on " + dep).containsKey((String) dep);
					String condition = (String) ((Map<String, Object>) how).get("condition");
					if ("service_completed_successfully".equals(condition)) {
						awaitedToComplete.add((String) dep);
					}
					else if ("service_healthy".equals(condition)) {
						awaitedHealthy.add((String) dep);
					}
				});
			}
		});
		services.forEach((name, service) -> {
			boolean oneShot = "no".equals(service.get("restart"));
			if (oneShot) {
				assertThat(awaitedToComplete).as(name + " is a one-shot others wait for").contains(name);
				assertThat(service).doesNotContainKey("healthcheck");
			}
			else {
				assertThat(service).as(name + " has a health check").containsKey("healthcheck");
				Map<String, Object> check = (Map<String, Object>) service.get("healthcheck");
				assertThat(check.get("test")).as(name + "'s health check").isNotNull();
			}
		});
		for (String dep : awaitedHealthy) {
			assertThat(services.get(dep)).as(dep + ", awaited healthy").containsKey("healthcheck");
		}
		// a Curve4J service is healthy when its Actuator says so (the NBD and S3 servers have none)
		for (String name : services.keySet()) {
			String image = imageName(services.get(name));
			if (Set.of("mds", "chunkserver", "metaserver", "snapshot", "gateway").contains(image)) {
				Map<String, Object> check = (Map<String, Object>) services.get(name).get("healthcheck");
				assertThat(check.get("test").toString()).as(name)
					.contains("wget", "http://127.0.0.1:8080/actuator/health");
			}
		}
	}

	@Test
	void everyRunningCurve4jServiceHasAMemoryLimit() {
		// the images size the heap as a share of the container's limit: without one, of the host's memory
		services.forEach((name, service) -> {
			if (OUR_IMAGES.contains(imageName(service)) && !"no".equals(service.get("restart"))) {
				assertThat(service.get("mem_limit")).as(name + "'s mem_limit").isNotNull();
			}
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void prometheusScrapesEveryRunningCurve4jServiceOnItsMetricsPath() throws IOException {
		Map<String, Object> prometheus = new Yaml()
			.load(Files.readString(REPO.resolve("deploy/prometheus/prometheus.yml")));
		Map<String, String> pathOfTarget = new LinkedHashMap<>();
		for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
			for (Map<String, Object> config : (List<Map<String, Object>>) job.get("static_configs")) {
				for (String target : (List<String>) config.get("targets")) {
					pathOfTarget.put(target, (String) job.get("metrics_path"));
				}
			}
		}
		services.forEach((name, service) -> {
			String image = imageName(service);
			boolean oneShot = "no".equals(service.get("restart"));
			if (!OUR_IMAGES.contains(image) || oneShot || image.equals("s3")) {
				return;
			}
			// the NBD server serves Prometheus' own exporter; the others Spring Boot's Actuator
			String path = image.equals("cli") ? "/metrics" : "/actuator/prometheus";
			assertThat(pathOfTarget).as(name + " is scraped").containsEntry(hostname(name) + ":8080", path);
		});
		assertThat(String.join(" ", command("nbd"))).contains("--metrics-port=8080");
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyDataServiceKeepsItsDataInANamedVolumeOfItsOwn() {
		Map<String, Object> declared = (Map<String, Object>) compose.get("volumes");
		Map<String, String> dataDirs = Map.of("prom/prometheus", "/prometheus", "grafana/grafana", "/var/lib/grafana");
		Set<String> used = new HashSet<>();
		// what keeps state: Raft logs and RocksDB, chunks, objects, time series, Grafana's database
		Set<String> dataImages = Set.of("mds", "chunkserver", "metaserver", "s3", "prom/prometheus", "grafana/grafana");
		services.forEach((name, service) -> {
			if ("no".equals(service.get("restart"))) {
				return;
			}
			String image = (String) service.get("image");
			String dataDir = image.startsWith("curve4j/") ? "/var/lib/curve4j"
					: dataDirs.get(image.replaceAll(":.*", ""));
			List<String> volumes = (List<String>) service.get("volumes");
			if (!dataImages.contains(imageName(service).replaceAll(":.*", ""))
					&& (volumes == null || volumes.stream().noneMatch(v -> v.split(":")[1].equals(dataDir)))) {
				// stateless (the gateway): nothing to keep
				return;
			}
			assertThat(volumes).as(name + "'s volumes").isNotNull();
			String data = volumes.stream()
				.filter(v -> v.split(":")[1].equals(dataDir))
				.findFirst()
				.orElseThrow(() -> new AssertionError(name + " has no volume at " + dataDir));
			String volume = data.split(":")[0];
			assertThat(declared).as(name + "'s data volume is a named one").containsKey(volume);
			assertThat(used.add(volume)).as(name + "'s data volume " + volume + " is its own").isTrue();
			if (image.startsWith("curve4j/")) {
				assertThat(volumes).as(name + " reads the secrets").contains("secrets:/etc/curve4j/secrets:ro");
			}
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void noSecretIsWrittenInTheFileAndEveryRequiredVariableIsInTheExample() throws IOException {
		Pattern secretish = Pattern.compile("(?i).*(secret|password|token|credential|key).*");
		services.forEach((name, service) -> {
			Object env = service.get("environment");
			if (env instanceof Map<?, ?> map) {
				map.forEach((key, value) -> {
					if (secretish.matcher((String) key).matches()) {
						assertThat(String.valueOf(value)).as(name + " " + key).matches("\\$\\{[A-Z0-9_]+(:?[-?].*)?\\}");
					}
				});
			}
			else {
				assertThat(env).as(name + "'s environment is a map").isNull();
			}
			for (String arg : command(name)) {
				int eq = arg.indexOf('=');
				if (arg.startsWith("--") && eq > 0 && secretish.matcher(arg.substring(0, eq)).matches()) {
					String value = arg.substring(eq + 1);
					assertThat(value).as(name + " " + arg)
						.matches("/etc/curve4j/secrets/[a-z.]+|\\$\\{[A-Z0-9_]+(:?[-?].*)?\\}");
				}
			}
		});
		String text = Files.readString(REPO.resolve("docker-compose.yml"));
		String example = Files.readString(REPO.resolve(".env.example"));
		Matcher m = VARIABLE.matcher(text);
		Set<String> variables = new TreeSet<>();
		while (m.find()) {
			variables.add(m.group(1));
		}
		for (String variable : variables) {
			assertThat(example).as(".env.example names " + variable).containsPattern("(?m)^" + variable + "=");
		}
		assertThat(Files.readAllLines(REPO.resolve(".gitignore"))).as(".env is never committed").contains(".env");
	}

	@SuppressWarnings("unchecked")
	private static List<String> command(String name) {
		Object command = services.get(name).get("command");
		if (command == null) {
			return List.of();
		}
		return command instanceof List<?> list ? (List<String>) list : List.of((String) command);
	}

	private static String argument(String name, String prefix) {
		return command(name).stream()
			.filter(a -> a.startsWith(prefix))
			.map(a -> a.substring(prefix.length()))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " has no " + prefix));
	}

	private static String hostname(String name) {
		Object hostname = services.get(name).get("hostname");
		return hostname == null ? name : (String) hostname;
	}

	private static String imageName(Map<String, Object> service) {
		Matcher m = OUR_IMAGE.matcher((String) service.get("image"));
		return m.matches() ? m.group(1) : (String) service.get("image");
	}

	private static List<String> servicesOf(String image) {
		return services.keySet().stream().filter(s -> image.equals(imageName(services.get(s)))).sorted().toList();
	}

}
