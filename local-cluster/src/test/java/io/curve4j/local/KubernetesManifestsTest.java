package io.curve4j.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code deploy/kubernetes}, checked without a cluster: every document of every file the
 * kustomization lists is read into fabric8's model class of its kind, strictly (a field the
 * Kubernetes schema does not have, or a value of the wrong type, fails), and the invariants
 * the deployment relies on hold: Raft groups on StatefulSets with volumes and headless
 * services that publish not-ready pods, an MDS member list of exactly the MDS pods,
 * disruption budgets that keep a majority, probes, resources and non-root containers on the
 * images the build makes, and every reference (Secret, ConfigMap, volume, variable, service
 * account) resolving.
 */
class KubernetesManifestsTest {

	private static final Path DIR = repoRoot().resolve("deploy").resolve("kubernetes");

	private static final String NAMESPACE = "curve4j";

	/** The images the build makes (deploy/docker, profile images), by name without tag. */
	private static final Set<String> IMAGES = Set.of("curve4j/mds", "curve4j/chunkserver", "curve4j/metaserver",
			"curve4j/snapshot", "curve4j/gateway", "curve4j/cli", "curve4j/s3");

	/** Images whose entry point is a Spring Boot service: Actuator's probe groups and metrics. */
	private static final Set<String> SPRING_BOOT_IMAGES = Set.of("curve4j/mds", "curve4j/chunkserver",
			"curve4j/metaserver", "curve4j/snapshot", "curve4j/gateway");

	private static final long UID = 10001;

	private static final String SECRETS_DIR = "/etc/curve4j/secrets";

	private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
			Map.entry("v1/Namespace", Namespace.class), Map.entry("v1/ServiceAccount", ServiceAccount.class),
			Map.entry("v1/ConfigMap", ConfigMap.class), Map.entry("v1/Service", Service.class),
			Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
			Map.entry("apps/v1/StatefulSet", StatefulSet.class), Map.entry("apps/v1/Deployment", Deployment.class),
			Map.entry("batch/v1/Job", Job.class), Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
			Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
			Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class));

	private static final YAMLMapper YAML = YAMLMapper.builder().build();

	/** Unknown properties fail, and so does "3" where the schema wants the number 3. */
	private static final JsonMapper STRICT = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.build();

	private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

	private static List<HasMetadata> resources;

	private static JsonNode kustomization;

	@BeforeAll
	static void read() throws IOException {
		kustomization = YAML.readTree(readString(DIR.resolve("kustomization.yaml")));
		resources = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		for (JsonNode file : kustomization.path("resources")) {
			resources.addAll(readStrictly(DIR.resolve(file.asText()), problems));
		}
		assertThat(problems).as("documents that do not fit the Kubernetes schema").isEmpty();
	}

	/** Every document of the file as its kind's model class; what does not fit goes to problems. */
	static List<HasMetadata> readStrictly(Path file, List<String> problems) throws IOException {
		List<HasMetadata> read = new ArrayList<>();
		try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(readString(file))) {
			int index = 0;
			while (documents.hasNext()) {
				JsonNode document = documents.next();
				String where = file.getFileName() + " document " + index++;
				if (document == null || document.isNull() || document.isMissingNode()) {
					continue;
				}
				String type = document.path("apiVersion").asText("") + "/" + document.path("kind").asText("");
				Class<? extends HasMetadata> kind = KINDS.get(type);
				if (kind == null) {
					problems.add(where + ": no model class known for " + type);
					continue;
				}
				try {
					HasMetadata resource = STRICT.treeToValue(document, kind);
					List<String> unknown = new ArrayList<>();
					collectUnknownFields(resource, type + " " + resource.getMetadata().getName(), unknown);
					problems.addAll(unknown.stream().map(u -> where + ": " + u).toList());
					read.add(resource);
				}
				catch (JacksonException ex) {
					problems.add(where + " (" + type + "): " + ex.getOriginalMessage());
				}
			}
		}
		return read;
	}

	/**
	 * fabric8's classes keep fields they do not know in {@code additionalProperties} instead of
	 * failing; every such map in the object graph must be empty.
	 */
	static void collectUnknownFields(Object value, String path, List<String> problems) {
		if (value == null) {
			return;
		}
		if (value instanceof Collection<?> items) {
			int i = 0;
			for (Object item : items) {
				collectUnknownFields(item, path + "[" + i++ + "]", problems);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, problems));
			return;
		}
		if (!value.getClass().getName().startsWith("io.fabric8.")) {
			return;
		}
		for (Method getter : value.getClass().getMethods()) {
			String name = getter.getName();
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !name.startsWith("get")
					|| name.length() == 3 || !getter.getDeclaringClass().getName().startsWith("io.fabric8.")) {
				continue;
			}
			Object property;
			try {
				property = getter.invoke(value);
			}
			catch (InvocationTargetException ex) {
				problems.add(path + "." + name + ": " + ex.getCause());
				continue;
			}
			catch (IllegalAccessException ex) {
				continue;
			}
			if (name.equals("getAdditionalProperties")) {
				if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
					problems.add(path + ": fields the schema does not have: " + extra.keySet());
				}
				continue;
			}
			collectUnknownFields(property, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4),
					problems);
		}
	}

	@Test
	void theStrictReadingCatchesAnUnknownFieldAndAWrongType() throws IOException {
		List<String> problems = new ArrayList<>();
		Path broken = writeTemp("""
				apiVersion: v1
				kind: Service
				metadata:
				  name: x
				spec:
				  clusterIP: None
				  publishNotReadyAdresses: true
				---
				apiVersion: apps/v1
				kind: StatefulSet
				metadata:
				  name: y
				spec:
				  replicas: "3"
				""");
		readStrictly(broken, problems);
		assertThat(problems).hasSize(2);
		assertThat(problems.get(0)).contains("publishNotReadyAdresses");
		assertThat(problems.get(1)).contains("StatefulSet");
	}

	@Test
	void theKustomizationListsEveryManifestAndSetsTheImageTagOnce() {
		assertThat(kustomization.path("namespace").asText()).isEqualTo(NAMESPACE);
		Set<String> listed = new TreeSet<>();
		kustomization.path("resources").forEach(r -> listed.add(r.asText()));
		try (Stream<Path> files = Files.list(DIR)) {
			assertThat(listed).as("every manifest in " + DIR + " is in kustomization.yaml")
				.isEqualTo(files.map(f -> f.getFileName().toString())
					.filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
					.collect(Collectors.toCollection(TreeSet::new)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, String> tags = new HashMap<>();
		kustomization.path("images").forEach(i -> tags.put(i.path("name").asText(), i.path("newTag").asText()));
		String version = projectVersion();
		assertThat(tags.keySet()).isEqualTo(IMAGES);
		assertThat(new HashSet<>(tags.values())).containsExactly(version);
		for (HasMetadata r : resources) {
			assertThat(r.getMetadata().getNamespace()).as(describe(r) + " namespace (kustomize sets it)")
				.isIn(null, NAMESPACE);
		}
	}

	/**
	 * What {@code kubectl apply -k} would send: the same documents, each in the namespace and
	 * on an image with the project version as its tag. Where kubectl is installed (.ci/run
	 * installs it; kustomize is built in).
	 */
	@Test
	void kustomizeRendersTheSameDocumentsInTheNamespaceWithTaggedImages() throws Exception {
		Path out = Files.createTempFile("kustomize", ".yaml");
		out.toFile().deleteOnExit();
		Process kubectl;
		try {
			kubectl = new ProcessBuilder("kubectl", "kustomize", DIR.toString()).redirectOutput(out.toFile())
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
		}
		catch (IOException ex) {
			Assumptions.abort("no kubectl on this machine: " + ex.getMessage());
			return;
		}
		assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize done within 60 s").isTrue();
		assertThat(kubectl.exitValue()).as("kubectl kustomize " + DIR).isZero();
		List<String> problems = new ArrayList<>();
		List<HasMetadata> rendered = readStrictly(out, problems);
		assertThat(problems).isEmpty();
		assertThat(rendered).extracting(KubernetesManifestsTest::describe)
			.containsExactlyInAnyOrderElementsOf(resources.stream().map(KubernetesManifestsTest::describe).toList());
		String version = projectVersion();
		for (HasMetadata r : rendered) {
			if (!(r instanceof Namespace)) {
				assertThat(r.getMetadata().getNamespace()).as(describe(r)).isEqualTo(NAMESPACE);
			}
			PodTemplateSpec template = r instanceof StatefulSet set ? set.getSpec().getTemplate()
					: r instanceof Deployment d ? d.getSpec().getTemplate()
							: r instanceof Job j ? j.getSpec().getTemplate() : null;
			if (template != null) {
				Workload w = new Workload(r, template, List.of());
				for (Container c : w.allContainers()) {
					assertThat(IMAGES.stream().map(i -> i + ":" + version)).as(describe(r) + " " + c.getName())
						.contains(c.getImage());
				}
			}
		}
	}

	@Test
	void everyImageIsOneTheBuildMakesWithItsTagFromTheKustomization() {
		for (Workload w : workloads()) {
			for (Container c : w.allContainers()) {
				assertThat(c.getImage()).as(w + " container " + c.getName() + " image").isIn(IMAGES);
			}
		}
	}

	@Test
	void everyStatefulSetHasVolumesAndAHeadlessServicePublishingNotReadyPods() {
		List<StatefulSet> sets = of(StatefulSet.class);
		assertThat(sets).extracting(s -> s.getMetadata().getName())
			.containsExactlyInAnyOrder("mds", "chunkserver", "metaserver");
		for (StatefulSet set : sets) {
			String name = set.getMetadata().getName();
			assertThat(set.getSpec().getReplicas()).as(name + " replicas").isEqualTo(3);
			assertThat(set.getSpec().getVolumeClaimTemplates()).as(name + " volumeClaimTemplates").isNotEmpty();
			Set<String> claims = set.getSpec()
				.getVolumeClaimTemplates()
				.stream()
				.map(v -> v.getMetadata().getName())
				.collect(Collectors.toSet());
			for (Container c : set.getSpec().getTemplate().getSpec().getContainers()) {
				assertThat(c.getVolumeMounts()).as(name + " mounts its claim at /var/lib/curve4j")
					.anyMatch(m -> claims.contains(m.getName()) && m.getMountPath().equals("/var/lib/curve4j"));
			}
			Service service = named(Service.class, set.getSpec().getServiceName())
				.orElseThrow(() -> new AssertionError(name + ": no service " + set.getSpec().getServiceName()));
			assertThat(service.getSpec().getClusterIP()).as(name + " service is headless").isEqualTo("None");
			assertThat(service.getSpec().getPublishNotReadyAddresses()).as(name + " publishNotReadyAddresses")
				.isTrue();
			assertThat(set.getSpec().getTemplate().getMetadata().getLabels())
				.as(name + " pods carry the service's selector")
				.containsAllEntriesOf(service.getSpec().getSelector());
			assertThat(set.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
		}
	}

	@Test
	void theMdsMembersAreExactlyTheThreeMdsPods() {
		StatefulSet mds = named(StatefulSet.class, "mds").orElseThrow();
		Container c = mds.getSpec().getTemplate().getSpec().getContainers().get(0);
		List<String> pods = IntStream.range(0, mds.getSpec().getReplicas())
			.mapToObj(i -> "mds-" + i + "." + mds.getSpec().getServiceName() + "." + NAMESPACE + ".svc.cluster.local")
			.toList();
		Map<String, String> args = springArgs(c);
		Pattern member = Pattern.compile("curve\\.mds\\.members\\[(\\d+)\\]\\.(raft|grpc|http)");
		Map<String, Set<String>> hostsByRole = new HashMap<>();
		for (Map.Entry<String, String> arg : args.entrySet()) {
			Matcher m = member.matcher(arg.getKey());
			if (m.matches()) {
				String host = arg.getValue().substring(0, arg.getValue().lastIndexOf(':'));
				int port = Integer.parseInt(arg.getValue().substring(arg.getValue().lastIndexOf(':') + 1));
				assertThat(port).as(arg.getKey() + " port").isEqualTo(containerPort(c, m.group(2)));
				assertThat(host).as(arg.getKey()).isEqualTo(pods.get(Integer.parseInt(m.group(1))));
				hostsByRole.computeIfAbsent(m.group(2), k -> new TreeSet<>()).add(host);
			}
		}
		assertThat(hostsByRole).containsOnlyKeys("raft", "grpc", "http");
		hostsByRole.values().forEach(hosts -> assertThat(hosts).containsExactlyInAnyOrderElementsOf(pods));
		// each member is the one of those its pod name says
		assertThat(args.get("curve.mds.raft-address"))
			.isEqualTo("$(POD_NAME)." + mds.getSpec().getServiceName() + "." + NAMESPACE + ".svc.cluster.local:"
					+ containerPort(c, "raft"));
		assertThat(fieldRef(c, "POD_NAME")).contains("metadata.name");
		// and the CLI's static list (the NBD server, the topology Job) names the same three
		ConfigMap config = named(ConfigMap.class, "curve4j-config").orElseThrow();
		assertThat(Stream.of(config.getData().get("mds-http").split(",")).toList()).as("curve4j-config mds-http")
			.containsExactlyElementsOf(pods.stream().map(p -> p + ":" + containerPort(c, "http")).toList());
	}

	@Test
	void theSpringServicesFindTheMdsMembersThroughTheServiceTheirPortsAreNamedIn() {
		StatefulSet mds = named(StatefulSet.class, "mds").orElseThrow();
		Service service = named(Service.class, mds.getSpec().getServiceName()).orElseThrow();
		Container mdsContainer = mds.getSpec().getTemplate().getSpec().getContainers().get(0);
		// the discovery client lists the members on the service port named http (the gateway) or grpc
		for (String port : List.of("http", "grpc")) {
			assertThat(service.getSpec().getPorts()).as("service " + service.getMetadata().getName())
				.anySatisfy(p -> {
					assertThat(p.getName()).isEqualTo(port);
					assertThat(p.getPort()).isEqualTo(containerPort(mdsContainer, port));
				});
		}
		// members that are starting are listed too: a chunkserver may register while the MDS elects
		assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
		Set<String> discovering = new TreeSet<>();
		for (Workload w : workloads()) {
			for (Container c : w.pod().getContainers()) {
				String image = c.getImage();
				if (SPRING_BOOT_IMAGES.contains(image) && !image.equals("curve4j/mds")) {
					assertThat(env(c)).as(w + " finds the MDS members through discovery")
						.anySatisfy(e -> {
							assertThat(e.getName()).isEqualTo("CURVE_DISCOVERY_MDSSERVICE");
							assertThat(e.getValue()).isEqualTo(service.getMetadata().getName());
						});
					assertThat(w.pod().getServiceAccountName()).as(w + "'s service account").isEqualTo("curve4j");
					discovering.add(w.toString());
				}
			}
		}
		assertThat(discovering).containsExactly("Deployment/gateway", "Deployment/snapshot", "StatefulSet/chunkserver",
				"StatefulSet/metaserver");
	}

	@Test
	void serversAreNamedAfterTheirPodsAndTheTopologyListsExactlyThosePods() throws IOException {
		JsonNode topology = YAML.readTree(
				named(ConfigMap.class, "curve4j-topology").orElseThrow().getData().get("topology.yaml"));
		Map<String, JsonNode> servers = new LinkedHashMap<>();
		topology.path("servers").forEach(s -> servers.put(s.path("name").asText(), s));
		List<String> expected = new ArrayList<>();
		for (String kind : List.of("chunkserver", "metaserver")) {
			StatefulSet set = named(StatefulSet.class, kind).orElseThrow();
			Container c = set.getSpec().getTemplate().getSpec().getContainers().get(0);
			Map<String, String> args = springArgs(c);
			String fqdn = "$(POD_NAME)." + set.getSpec().getServiceName() + "." + NAMESPACE + ".svc.cluster.local";
			assertThat(args).containsEntry("curve." + kind + ".server-name", "$(POD_NAME)")
				.containsEntry("curve." + kind + ".host", fqdn)
				.containsEntry("curve." + kind + ".raft-port", String.valueOf(containerPort(c, "raft")));
			assertThat(fieldRef(c, "POD_NAME")).contains("metadata.name");
			for (int n = 0; n < set.getSpec().getReplicas(); n++) {
				String pod = kind + "-" + n;
				expected.add(pod);
				JsonNode server = servers.get(pod);
				assertThat(server).as("topology server " + pod).isNotNull();
				assertThat(server.path("host").asText()).isEqualTo(fqdn.replace("$(POD_NAME)", pod));
				// the zone from the ordinal: three zones, a copyset's replicas in three of them
				assertThat(server.path("zone").asText())
					.isEqualTo(kind.equals("chunkserver") ? "zone-" + (n % 3 + 1) : "meta-zone-" + (n + 1));
			}
		}
		assertThat(servers.keySet()).containsExactlyElementsOf(expected);
		Job job = named(Job.class, "topology").orElseThrow();
		Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
		assertThat(c.getImage()).isEqualTo("curve4j/cli");
		assertThat(c.getArgs()).startsWith("topology", "apply");
		String file = c.getArgs().get(2);
		assertThat(c.getVolumeMounts()).anyMatch(m -> file.startsWith(m.getMountPath() + "/")
				&& volume(job.getSpec().getTemplate().getSpec(), m.getName()).map(Volume::getConfigMap)
					.map(cm -> cm.getName().equals("curve4j-topology"))
					.orElse(false));
	}

	@Test
	void disruptionBudgetsKeepARaftMajority() {
		for (StatefulSet set : of(StatefulSet.class)) {
			Map<String, String> labels = set.getSpec().getTemplate().getMetadata().getLabels();
			List<PodDisruptionBudget> budgets = of(PodDisruptionBudget.class).stream()
				.filter(b -> labels.entrySet().containsAll(b.getSpec().getSelector().getMatchLabels().entrySet()))
				.toList();
			assertThat(budgets).as(set.getMetadata().getName() + " disruption budget").hasSize(1);
			PodDisruptionBudget budget = budgets.get(0);
			assertThat(budget.getSpec().getMinAvailable()).isNull();
			assertThat(budget.getSpec().getMaxUnavailable().getIntVal())
				.as(set.getMetadata().getName() + " maxUnavailable")
				.isEqualTo(1)
				.isLessThan(set.getSpec().getReplicas() - set.getSpec().getReplicas() / 2);
		}
	}

	@Test
	void everyContainerHasResourcesAndRunsAsNonRoot() {
		for (Workload w : workloads()) {
			PodSecurityContext pod = w.pod().getSecurityContext();
			assertThat(pod).as(w + " pod securityContext").isNotNull();
			assertThat(pod.getRunAsNonRoot()).as(w + " runAsNonRoot").isTrue();
			assertThat(pod.getRunAsUser()).as(w + " runAsUser").isEqualTo(UID);
			assertThat(pod.getRunAsGroup()).as(w + " runAsGroup").isEqualTo(UID);
			assertThat(pod.getFsGroup()).as(w + " fsGroup").isEqualTo(UID);
			for (Container c : w.allContainers()) {
				String what = w + " container " + c.getName();
				for (String resource : List.of("cpu", "memory")) {
					Quantity request = c.getResources().getRequests().get(resource);
					Quantity limit = c.getResources().getLimits().get(resource);
					assertThat(request).as(what + " requests." + resource).isNotNull();
					assertThat(limit).as(what + " limits." + resource).isNotNull();
					assertThat(request.getNumericalAmount()).as(what + " " + resource + " request <= limit")
						.isLessThanOrEqualTo(limit.getNumericalAmount());
				}
				SecurityContext sc = c.getSecurityContext();
				assertThat(sc).as(what + " securityContext").isNotNull();
				assertThat(sc.getRunAsUser()).as(what + " runAsUser").isIn(null, UID);
				assertThat(sc.getRunAsNonRoot()).as(what + " runAsNonRoot").isIn(null, true);
				assertThat(sc.getPrivileged()).as(what + " privileged").isIn(null, false);
				assertThat(sc.getAllowPrivilegeEscalation()).as(what + " allowPrivilegeEscalation").isFalse();
				assertThat(sc.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
				assertThat(sc.getCapabilities().getDrop()).as(what + " drops capabilities").contains("ALL");
			}
		}
	}

	@Test
	void everyServiceHasProbesAndSpringBootOnesUseActuatorsGroups() {
		for (Workload w : workloads()) {
			if (w.runsToCompletion()) {
				continue;
			}
			for (Container c : w.pod().getContainers()) {
				String what = w + " container " + c.getName();
				assertThat(c.getReadinessProbe()).as(what + " readinessProbe").isNotNull();
				assertThat(c.getLivenessProbe()).as(what + " livenessProbe").isNotNull();
				for (Probe p : Stream.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())
					.filter(Objects::nonNull)
					.toList()) {
					assertThat(p.getHttpGet() != null || p.getTcpSocket() != null || p.getExec() != null)
						.as(what + " probe has a handler")
						.isTrue();
					if (p.getHttpGet() != null) {
						assertThat(containerPort(c, p.getHttpGet().getPort())).as(what + " probe port").isPositive();
					}
				}
				if (!SPRING_BOOT_IMAGES.contains(c.getImage())) {
					continue;
				}
				assertThat(path(c.getReadinessProbe())).as(what + " readiness").isEqualTo("/actuator/health/readiness");
				assertThat(path(c.getLivenessProbe())).as(what + " liveness").isEqualTo("/actuator/health/liveness");
				if (c.getStartupProbe() != null) {
					assertThat(path(c.getStartupProbe())).isEqualTo("/actuator/health/liveness");
				}
				assertThat(c.getEnv()).as(what + " enables the probe groups")
					.anyMatch(e -> e.getName().equals("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED")
							&& "true".equals(e.getValue()));
				Map<String, String> annotations = w.template().getMetadata().getAnnotations();
				assertThat(annotations).as(w + " Prometheus scrape annotations")
					.containsEntry("prometheus.io/scrape", "true")
					.containsEntry("prometheus.io/path", "/actuator/prometheus")
					.containsEntry("prometheus.io/port", String.valueOf(containerPort(c, "http")));
			}
		}
		// the Raft services' starts (RocksDB, log replay, copysets) are slow: a startup probe
		for (StatefulSet set : of(StatefulSet.class)) {
			assertThat(set.getSpec().getTemplate().getSpec().getContainers())
				.allMatch(c -> c.getStartupProbe() != null);
		}
	}

	@Test
	void everySecretReferenceIsToASecretTheScriptCreates() {
		Map<String, Set<String>> created = secretsOfCreateScript();
		assertThat(created).containsOnlyKeys("curve4j-secrets", "curve4j-s3");
		assertThat(created.get("curve4j-secrets")).contains("root.secret", "join.token", "data.key");
		for (HasMetadata r : resources) {
			assertThat(r.getKind()).as("no Secret is committed: " + describe(r)).isNotEqualTo("Secret");
		}
		for (Workload w : workloads()) {
			for (Container c : w.allContainers()) {
				for (EnvVar e : env(c)) {
					if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
						var ref = e.getValueFrom().getSecretKeyRef();
						assertThat(created.getOrDefault(ref.getName(), Set.of()))
							.as(w + " " + c.getName() + " env " + e.getName() + ": secret " + ref.getName())
							.contains(ref.getKey());
					}
				}
			}
			for (Volume v : volumes(w.pod())) {
				if (v.getSecret() != null) {
					Set<String> keys = created.getOrDefault(v.getSecret().getSecretName(), Set.of());
					assertThat(keys).as(w + " volume " + v.getName() + ": secret " + v.getSecret().getSecretName())
						.isNotEmpty();
					if (v.getSecret().getItems() != null) {
						v.getSecret().getItems().forEach(i -> assertThat(keys).contains(i.getKey()));
					}
				}
			}
			// every file named under the secrets directory is in the Secret mounted there
			for (Container c : w.allContainers()) {
				Optional<Set<String>> mounted = c.getVolumeMounts()
					.stream()
					.filter(m -> m.getMountPath().equals(SECRETS_DIR))
					.findFirst()
					.flatMap(m -> volume(w.pod(), m.getName()))
					.map(v -> secretFiles(v, created));
				for (String value : allStrings(c)) {
					Matcher m = Pattern.compile(Pattern.quote(SECRETS_DIR) + "/([A-Za-z0-9._-]+)").matcher(value);
					while (m.find()) {
						assertThat(mounted).as(w + " " + c.getName() + " reads " + m.group() + ", mounted?").isPresent();
						assertThat(mounted.get()).as(w + " " + c.getName() + " reads " + m.group()).contains(m.group(1));
					}
				}
			}
		}
	}

	@Test
	void everyConfigMapVolumeVariableAndServiceAccountReferenceResolves() {
		Map<String, Map<String, String>> configMaps = new HashMap<>();
		of(ConfigMap.class).forEach(cm -> configMaps.put(cm.getMetadata().getName(), cm.getData()));
		Set<String> accounts = of(ServiceAccount.class).stream()
			.map(a -> a.getMetadata().getName())
			.collect(Collectors.toSet());
		for (Workload w : workloads()) {
			PodSpec pod = w.pod();
			if (pod.getServiceAccountName() != null) {
				assertThat(accounts).as(w + " serviceAccountName").contains(pod.getServiceAccountName());
			}
			Set<String> volumeNames = new HashSet<>();
			for (Volume v : volumes(pod)) {
				assertThat(volumeNames.add(v.getName())).as(w + " volume names unique").isTrue();
				if (v.getConfigMap() != null) {
					assertThat(configMaps).as(w + " volume " + v.getName()).containsKey(v.getConfigMap().getName());
				}
				if (v.getPersistentVolumeClaim() != null) {
					assertThat(named(PersistentVolumeClaim.class, v.getPersistentVolumeClaim().getClaimName()))
						.as(w + " claim " + v.getPersistentVolumeClaim().getClaimName())
						.isPresent();
				}
			}
			volumeNames.addAll(w.claimTemplates());
			for (Container c : w.allContainers()) {
				String what = w + " container " + c.getName();
				for (VolumeMount m : c.getVolumeMounts()) {
					assertThat(volumeNames).as(what + " mount " + m.getMountPath()).contains(m.getName());
				}
				Set<String> defined = new HashSet<>();
				for (EnvVar e : env(c)) {
					assertThat(defined.add(e.getName())).as(what + " env " + e.getName() + " once").isTrue();
					if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
						var ref = e.getValueFrom().getConfigMapKeyRef();
						assertThat(configMaps.getOrDefault(ref.getName(), Map.of()))
							.as(what + " env " + e.getName() + ": configMap " + ref.getName())
							.containsKey(ref.getKey());
					}
				}
				for (String value : Stream.concat(Stream.ofNullable(c.getArgs()), Stream.ofNullable(c.getCommand()))
					.flatMap(List::stream)
					.toList()) {
					Matcher m = VARIABLE.matcher(value);
					while (m.find()) {
						assertThat(defined).as(what + " uses $(" + m.group(1) + ") in " + value).contains(m.group(1));
					}
				}
			}
		}
		// the Services reach pods by a selector some pod carries, on ports those pods name
		for (Service s : of(Service.class)) {
			List<Workload> selected = workloads().stream()
				.filter(w -> w.template().getMetadata().getLabels().entrySet().containsAll(
						s.getSpec().getSelector().entrySet()))
				.toList();
			assertThat(selected).as("pods of service " + s.getMetadata().getName()).isNotEmpty();
			for (ServicePort p : s.getSpec().getPorts()) {
				for (Workload w : selected) {
					assertThat(w.pod().getContainers()).as("service " + s.getMetadata().getName() + " port " + p.getName())
						.anyMatch(c -> containerPort(c, p.getTargetPort()) == p.getPort());
				}
			}
		}
	}

	@Test
	void discoveryMayReadServicesEndpointsAndConfigurationInItsNamespaceOnly() {
		Role role = named(Role.class, "curve4j-discovery").orElseThrow();
		Set<String> granted = new HashSet<>();
		for (PolicyRule rule : role.getRules()) {
			assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
			granted.addAll(rule.getResources());
		}
		assertThat(granted).containsExactlyInAnyOrder("services", "endpoints", "endpointslices", "pods", "configmaps",
				"secrets");
		RoleBinding binding = named(RoleBinding.class, "curve4j-discovery").orElseThrow();
		assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
		assertThat(binding.getRoleRef().getName()).isEqualTo("curve4j-discovery");
		assertThat(binding.getSubjects()).extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("ServiceAccount", "curve4j", NAMESPACE));
		assertThat(named(ServiceAccount.class, "curve4j")).isPresent();
		assertThat(of(Namespace.class)).extracting(n -> n.getMetadata().getName()).containsExactly(NAMESPACE);
	}

	/** A pod template and where it comes from. */
	record Workload(HasMetadata owner, PodTemplateSpec template, List<String> claimTemplates) {

		PodSpec pod() {
			return this.template.getSpec();
		}

		boolean runsToCompletion() {
			return this.owner instanceof Job;
		}

		List<Container> allContainers() {
			List<Container> all = new ArrayList<>(pod().getContainers());
			if (pod().getInitContainers() != null) {
				all.addAll(pod().getInitContainers());
			}
			return all;
		}

		@Override
		public String toString() {
			return describe(this.owner);
		}

	}

	static List<Workload> workloads() {
		List<Workload> all = new ArrayList<>();
		for (StatefulSet s : of(StatefulSet.class)) {
			all.add(new Workload(s, s.getSpec().getTemplate(),
					s.getSpec().getVolumeClaimTemplates().stream().map(v -> v.getMetadata().getName()).toList()));
		}
		of(Deployment.class).forEach(d -> all.add(new Workload(d, d.getSpec().getTemplate(), List.of())));
		of(Job.class).forEach(j -> all.add(new Workload(j, j.getSpec().getTemplate(), List.of())));
		assertThat(all).extracting(Workload::toString)
			.contains("StatefulSet/mds", "StatefulSet/chunkserver", "StatefulSet/metaserver", "Deployment/gateway",
					"Deployment/nbd", "Deployment/snapshot", "Deployment/s3", "Job/topology");
		return all;
	}

	/**
	 * The Secrets {@code create-secret.sh} makes and their keys, from its lines
	 * {@code create NAME KEY...}.
	 */
	static Map<String, Set<String>> secretsOfCreateScript() {
		Map<String, Set<String>> secrets = new HashMap<>();
		for (String line : readString(DIR.resolve("create-secret.sh")).split("\n")) {
			if (line.startsWith("create ")) {
				String[] words = line.trim().split("\\s+");
				secrets.put(words[1], Stream.of(words).skip(2).collect(Collectors.toSet()));
			}
		}
		return secrets;
	}

	private static Set<String> secretFiles(Volume v, Map<String, Set<String>> created) {
		if (v.getSecret() == null) {
			return Set.of();
		}
		if (v.getSecret().getItems() != null && !v.getSecret().getItems().isEmpty()) {
			return v.getSecret().getItems().stream().map(i -> i.getPath()).collect(Collectors.toSet());
		}
		return created.getOrDefault(v.getSecret().getSecretName(), Set.of());
	}

	/** The container's {@code --key=value} arguments. */
	private static Map<String, String> springArgs(Container c) {
		Map<String, String> args = new LinkedHashMap<>();
		for (String arg : c.getArgs()) {
			if (arg.startsWith("--") && arg.contains("=")) {
				args.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
			}
		}
		return args;
	}

	private static int containerPort(Container c, String name) {
		return c.getPorts()
			.stream()
			.filter(p -> name.equals(p.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElse(-1);
	}

	/** The port a probe or a service names, by name or number; -1 when the container has none such. */
	private static int containerPort(Container c, IntOrString port) {
		if (port == null) {
			return -1;
		}
		if (port.getStrVal() != null) {
			return containerPort(c, port.getStrVal());
		}
		return c.getPorts()
			.stream()
			.map(ContainerPort::getContainerPort)
			.filter(n -> n.equals(port.getIntVal()))
			.findFirst()
			.orElse(-1);
	}

	private static Optional<String> fieldRef(Container c, String env) {
		return env(c).stream()
			.filter(e -> e.getName().equals(env) && e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
			.map(e -> e.getValueFrom().getFieldRef().getFieldPath())
			.findFirst();
	}

	private static String path(Probe p) {
		HTTPGetAction get = p.getHttpGet();
		return get == null ? null : get.getPath();
	}

	private static List<EnvVar> env(Container c) {
		return c.getEnv() == null ? List.of() : c.getEnv();
	}

	private static List<Volume> volumes(PodSpec pod) {
		return pod.getVolumes() == null ? List.of() : pod.getVolumes();
	}

	private static Optional<Volume> volume(PodSpec pod, String name) {
		return volumes(pod).stream().filter(v -> v.getName().equals(name)).findFirst();
	}

	private static List<String> allStrings(Container c) {
		List<String> all = new ArrayList<>();
		Stream.ofNullable(c.getArgs()).forEach(all::addAll);
		Stream.ofNullable(c.getCommand()).forEach(all::addAll);
		env(c).stream().map(EnvVar::getValue).filter(Objects::nonNull).forEach(all::add);
		return all;
	}

	private static <T extends HasMetadata> List<T> of(Class<T> kind) {
		return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
	}

	private static <T extends HasMetadata> Optional<T> named(Class<T> kind, String name) {
		return of(kind).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
	}

	private static String describe(HasMetadata r) {
		return r.getKind() + "/" + r.getMetadata().getName();
	}

	/** The parent pom's version: the tag of every image. */
	private static String projectVersion() {
		Matcher m = Pattern.compile("<artifactId>curve4j-parent</artifactId>\\s*<version>([^<]+)</version>")
			.matcher(readString(repoRoot().resolve("pom.xml")));
		if (!m.find()) {
			fail("no version in the parent pom");
		}
		return m.group(1);
	}

	private static Path repoRoot() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.isDirectory(dir.resolve("deploy").resolve("kubernetes"))) {
			dir = dir.getParent();
		}
		if (dir == null) {
			throw new IllegalStateException("no deploy/kubernetes above " + Path.of("").toAbsolutePath());
		}
		return dir;
	}

	private static String readString(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path writeTemp(String text) {
		try {
			Path file = Files.createTempFile("manifest", ".yaml");
			file.toFile().deleteOnExit();
			Files.writeString(file, text);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
