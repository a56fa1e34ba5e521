package io.curve4j.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.sdk.cluster.ClusterEndpoints;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.sdk.nbd.NbdPskKeys;

/**
 * Runs a whole cluster on loopback, each service as its own JVM process, with data,
 * logs, pid files and the connection file under one home directory:
 *
 * <pre>
 * $CURVE_HOME/cluster.json         connection file (every address; read by every other command)
 * $CURVE_HOME/topology.yaml        the topology applied to the MDS
 * $CURVE_HOME/&lt;service&gt;/data/     the service's data directory
 * $CURVE_HOME/&lt;service&gt;/service.log, service.pid
 * $CURVE_HOME/s3/s3proxy.conf      the S3 server's settings; its buckets are directories under s3/data/
 * $CURVE_HOME/mounts/              CurveFS mounts of {@code curve fs mount}: a log and a pid file each
 * </pre>
 *
 * Starting an existing home restarts the same cluster with its data. Used by
 * {@code curve local} and by the integration tests.
 */
public final class LocalCluster {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	/** Marks our processes on their command line, so a reused pid is never mistaken for one. */
	private static final String SERVICE_MARKER = "-Dcurve4j.service=";

	/** The secret a chunkserver presents at its first registration. */
	static final String JOIN_TOKEN_FILE = "join.token";

	/** The key the MDS signs chunk capabilities with and chunkservers check them with. */
	public static final String DATA_KEY_FILE = "data.key";

	/** Where {@code curve fs mount} keeps each mount's log and pid file. */
	public static final String MOUNTS_DIR = "mounts";

	/** The bucket of CurveFS file data on the local S3 server (snapshots have their own). */
	public static final String FS_BUCKET = "curve-fs";

	/** Environment variable with JVM options added to every service started. */
	static final String SERVICE_JAVA_OPTS = "CURVE_SERVICE_JAVA_OPTS";

	private final Path home;

	private final Path repoRoot;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	/**
	 * @param home the cluster's directory ({@code $CURVE_HOME})
	 * @param repoRoot the source tree whose {@code <module>/target/*-exec.jar} are run
	 */
	public LocalCluster(Path home, Path repoRoot) {
		this.home = home.toAbsolutePath();
		this.repoRoot = repoRoot.toAbsolutePath();
	}

	public Path home() {
		return this.home;
	}

	/** The saved layout, if this home holds a cluster. */
	public Optional<LocalLayout> savedLayout() {
		Path file = this.home.resolve(ClusterEndpoints.CONNECTION_FILE);
		if (!Files.exists(file)) {
			return Optional.empty();
		}
		try {
			return Optional.of(JSON.readValue(Files.readString(file), LocalLayout.class));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Starts every service that is not running (a new cluster with {@code layout}, or the
	 * saved one), applies the topology and waits until every copyset is healthy.
	 */
	public LocalLayout up(LocalLayout layout, PrintStream out) {
		return up(layout, out, false);
	}

	/**
	 * As {@link #up(LocalLayout, PrintStream)}; a new cluster with {@code openDataPath} gets
	 * no data key, so its chunkservers check no capability (to measure what checking costs;
	 * anyone who reaches such a chunkserver reads and writes every chunk).
	 */
	public LocalLayout up(LocalLayout layout, PrintStream out, boolean openDataPath) {
		boolean fresh = savedLayout().isEmpty();
		LocalLayout effective = savedLayout().orElse(layout);
		if (!effective.equals(layout) && savedLayout().isPresent()) {
			out.println("Restarting the existing cluster in " + this.home + " (its layout is kept)");
		}
		writeLayout(effective);
		writeSecretsIfMissing(openDataPath && fresh);
		for (ServiceSpec mds : effective.mds()) {
			launch(effective, mds, out);
		}
		if (effective.s3() != null) {
			// it needs nothing of the others: it starts while the MDS elects its leader
			launch(effective, effective.s3(), out);
		}
		for (ServiceSpec mds : effective.mds()) {
			awaitHealthy(mds);
		}
		MdsRestApi mds = restApi(effective);
		awaitMdsLeader(mds);
		applyTopology(mds, effective.topologyYaml(false));
		for (ServiceSpec cs : effective.chunkServers()) {
			launch(effective, cs, out);
		}
		for (ServiceSpec cs : effective.chunkServers()) {
			awaitHealthy(cs);
		}
		for (ServiceSpec ms : effective.metaServers()) {
			launch(effective, ms, out);
		}
		for (ServiceSpec ms : effective.metaServers()) {
			awaitHealthy(ms);
		}
		// metaservers register as chunkservers of their own servers: the same count covers both
		int servers = effective.chunkServers().size() + effective.metaServers().size();
		await("all chunkservers and metaservers online", () -> onlineChunkServers(mds) == servers);
		applyTopology(mds, effective.topologyYaml(true));
		// the cluster is healthy once every copyset is, the metadata pool's included
		await("every copyset healthy", () -> mds.clusterStatus().path("healthy").asBoolean());
		launch(effective, effective.gateway(), out);
		launch(effective, effective.nbd(), out);
		awaitHealthy(effective.gateway());
		awaitHealthy(effective.nbd());
		if (effective.s3() != null) {
			awaitHealthy(effective.s3());
			launch(effective, effective.snapshotService(), out);
			awaitHealthy(effective.snapshotService());
		}
		return effective;
	}

	/** Root's secret, signing every call of the CLI, the SDK and this launcher. */
	public String rootSecret() {
		return Credentials.read(this.home.resolve(Credentials.ROOT_SECRET_FILE));
	}

	private MdsRestApi restApi(LocalLayout layout) {
		return MdsRestApi.connect(layout.mds().stream().map(ServiceSpec::http).toList(),
				new Credentials(RequestSignature.ROOT, rootSecret()));
	}

	/**
	 * Root's password, the join token, (unless the data path is open) the data key and root's
	 * NBD TLS key ({@code keys.psk}, for {@code curve nbd serve --tls-psk-file} and QEMU's
	 * {@code tls-creds-psk} alike), drawn once per home.
	 */
	private void writeSecretsIfMissing(boolean openDataPath) {
		writeSecretIfMissing(this.home.resolve(Credentials.ROOT_SECRET_FILE));
		writeSecretIfMissing(this.home.resolve(JOIN_TOKEN_FILE));
		if (!openDataPath) {
			writeSecretIfMissing(this.home.resolve(DATA_KEY_FILE));
		}
		writeSecretIfMissing(this.home.resolve(NbdPskKeys.FILE_NAME),
				NbdPskKeys.newKeyLine(RequestSignature.ROOT));
	}

	/** The data key's file, when this home has one (a cluster started with an open data path has none). */
	private Optional<Path> dataKeyFile() {
		Path file = this.home.resolve(DATA_KEY_FILE);
		return Files.exists(file) ? Optional.of(file) : Optional.empty();
	}

	private static void writeSecretIfMissing(Path file) {
		writeSecretIfMissing(file, Credentials.newSecret());
	}

	private static void writeSecretIfMissing(Path file, String secret) {
		if (Files.exists(file)) {
			return;
		}
		try {
			Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(file, secret + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + file, ex);
		}
	}

	/**
	 * Stops every service (SIGTERM, then SIGKILL after a grace period), the CurveFS mounts
	 * of this cluster first: a client on SIGTERM unmounts and gives its mount back while
	 * the MDS still runs.
	 */
	public void down(PrintStream out) {
		LocalLayout layout = savedLayout().orElse(null);
		if (layout == null) {
			out.println("No cluster in " + this.home);
			return;
		}
		List<ProcessHandle> stopping = new ArrayList<>();
		FsMounts mounts = mounts();
		for (FsMounts.Mount mount : mounts.list()) {
			mount.process().ifPresent(p -> {
				p.destroy();
				stopping.add(p);
				out.println("unmounting mount " + mount.name() + " (pid " + p.pid() + ")");
			});
		}
		awaitExit(stopping);
		mounts.list().forEach(mounts::forget);
		stopping.clear();
		for (ServiceSpec s : layout.services()) {
			process(s.name()).ifPresent(p -> {
				p.destroy();
				stopping.add(p);
				out.println("stopping " + s.name() + " (pid " + p.pid() + ")");
			});
		}
		awaitExit(stopping);
		layout.services().forEach(s -> deletePid(s.name()));
	}

	/**
	 * Deletes what the services of this stopped cluster stored: every service's
	 * {@code data} directory (volumes, file systems, snapshots, Raft logs). Logs, credentials
	 * and the connection file stay, so a failed test can still be read; a later
	 * {@code up} starts an empty cluster with the same credentials.
	 *
	 * @throws IllegalStateException while a service of the cluster runs
	 */
	public void deleteData(PrintStream out) {
		LocalLayout layout = savedLayout().orElse(null);
		if (layout == null) {
			return;
		}
		List<String> running = layout.services().stream().map(ServiceSpec::name).filter(n -> process(n).isPresent())
			.toList();
		if (!running.isEmpty()) {
			throw new IllegalStateException(
					"stop the cluster before deleting its data; running: " + String.join(", ", running));
		}
		for (ServiceSpec s : layout.services()) {
			Path data = this.home.resolve(s.name()).resolve("data");
			try {
				if (Files.exists(data)) {
					FileUtils.deleteDirectory(data.toFile());
					out.println("deleted " + data);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot delete " + data, ex);
			}
		}
	}

	/** The CurveFS mounts started from this home. */
	public FsMounts mounts() {
		return new FsMounts(this.home.resolve(MOUNTS_DIR));
	}

	/** Waits for processes sent SIGTERM; SIGKILL those still alive after a grace period. */
	private static void awaitExit(List<ProcessHandle> stopping) {
		Instant deadline = Instant.now().plusSeconds(20);
		for (ProcessHandle p : stopping) {
			try {
				p.onExit().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
						java.util.concurrent.TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				p.destroyForcibly();
			}
		}
	}

	/** SIGKILL one service, as a crash would. */
	public void kill(String service) {
		savedLayoutOrFail().service(service);
		ProcessHandle p = process(service)
			.orElseThrow(() -> new CurveException(ErrorCode.INVALID_ARGUMENT, service + " is not running"));
		p.destroyForcibly();
		p.onExit().join();
		deletePid(service);
	}

	/** Starts one stopped service again and waits until it is healthy. */
	public void start(String service, PrintStream out) {
		LocalLayout layout = savedLayoutOrFail();
		ServiceSpec spec = layout.service(service);
		launch(layout, spec, out);
		awaitHealthy(spec);
	}

	/** Every service with its pid (or null when not running). */
	public List<ServiceState> status() {
		LocalLayout layout = savedLayoutOrFail();
		return layout.services()
			.stream()
			.map(s -> new ServiceState(s, process(s.name()).map(ProcessHandle::pid).orElse(null)))
			.toList();
	}

	/** A service and its pid, null when it is not running. */
	public record ServiceState(ServiceSpec spec, Long pid) {
	}

	private LocalLayout savedLayoutOrFail() {
		return savedLayout().orElseThrow(() -> new CurveException(ErrorCode.INVALID_ARGUMENT,
				"no cluster in " + this.home + "; start one with 'bin/curve local up'"));
	}

	/**
	 * The start of a command line for another JVM of ours: this JVM's java binary and the
	 * flags every one needs (jraft's pre-protobuf-22 generated code; see STACK.md G7).
	 */
	public static List<String> javaCommand() {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Dcom.google.protobuf.use_unsafe_pre22_gencode");
		return command;
	}

	/**
	 * {@code bin/curve ARGS} against this cluster as a command line (the built command-line
	 * jar, with this cluster's home): for tests of modules the command line cannot be a
	 * dependency of.
	 */
	public List<String> cliCommand(String... args) {
		List<String> command = javaCommand();
		command.addAll(List.of("-Dcurve.home=" + this.home, "-Dcurve.root=" + this.repoRoot, "-jar",
				jar("cli").toString()));
		command.addAll(List.of(args));
		return command;
	}

	/** The S3 server's jar, which the build copies next to this module's classes. */
	private Path s3ProxyJar() {
		Path dir = this.repoRoot.resolve("local-cluster").resolve("target").resolve("s3proxy");
		try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
			return files.filter(f -> f.getFileName().toString().endsWith("-jar-with-dependencies.jar"))
				.findFirst()
				.orElseThrow(() -> new CurveException(ErrorCode.UNAVAILABLE,
						"no S3Proxy jar under " + dir + "; build first: mvn -B -DskipTests package"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void launch(LocalLayout layout, ServiceSpec spec, PrintStream out) {
		if (process(spec.name()).isPresent()) {
			out.println(spec.name() + " already running");
			return;
		}
		Path dir = this.home.resolve(spec.name());
		List<String> command = javaCommand();
		command.add(SERVICE_MARKER + spec.name());
		// 640 MiB of heap keeps a chunkserver under 1 GiB of RSS with its Raft logs' 128 MiB
		// metaservers hold metadata only (RocksDB caches outside the heap): three of them fit in 1.2 GiB
		command.add(switch (spec.kind()) {
			case CHUNKSERVER -> "-Xmx640m";
			case METASERVER -> "-Xmx384m";
			default -> "-Xmx512m";
		});
		command.add("-XX:+ExitOnOutOfMemoryError");
		// G1 would pick 1 MiB regions for these heaps, which makes every 1 MiB request buffer
		// "humongous" (a region of its own, costly to allocate and reclaim); with 4 MiB regions
		// they are ordinary young objects. Side by side with a cluster on 1 MiB regions, 1 MiB
		// reads and writes through NBD took about 10-20 % less CPU each: modest, and noisy here.
		command.add("-XX:G1HeapRegionSize=4m");
		// Netty's leak detector records a stack trace for sampled buffers: a measurable cost per request
		command.add("-Dio.netty.leakDetection.level=disabled");
		command.add("-Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled");
		// e.g. a JFR recording or a larger heap for every service; later options win
		String extra = System.getenv(SERVICE_JAVA_OPTS);
		if (extra != null && !extra.isBlank()) {
			command.addAll(List.of(extra.trim().split("\\s+")));
		}
		switch (spec.kind()) {
			case MDS -> command.addAll(mdsArgs(layout, spec, dir));
			case CHUNKSERVER -> command.addAll(chunkServerArgs(layout, spec, dir));
			case METASERVER -> command.addAll(metaServerArgs(layout, spec, dir));
			case GATEWAY -> command.addAll(List.of("-jar", jar("gateway").toString(), "--server.port=" + spec.httpPort(),
					"--server.address=127.0.0.1", "--curve.gateway.mds-addresses=" + mdsHttp(layout)));
			case NBD -> {
				command.addAll(List.of("-Dcurve.home=" + this.home, "-jar", jar("cli").toString(), "nbd", "serve",
						"--port=" + spec.nbdPort(), "--bind=127.0.0.1", "--mds=" + mdsHttp(layout)));
				// a cluster.json written before the NBD server had metrics names no port for them
				if (spec.http() != null) {
					command.add("--metrics-port=" + spec.httpPort());
				}
			}
			case S3 -> command.addAll(List.of("-jar", s3ProxyJar().toString(), "--properties",
					writeS3ProxyConfig(layout.objectStore(), spec, dir).toString()));
			case SNAPSHOT_SERVICE -> command.addAll(snapshotServiceArgs(layout, spec));
		}
		try {
			Files.createDirectories(dir);
			// its own directory as working directory: jraft writes describe and metrics files there
			ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("service.log").toFile()));
			// glibc gives each thread that allocates natively (RocksDB, JNI) an arena of up to
			// 64 MiB on first use; a few shared arenas keep that out of a chunkserver's RSS
			builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
			// the object store's secret key goes in the environment, not on the command line,
			// where every local user could read it
			if (spec.kind() == ServiceSpec.Kind.SNAPSHOT_SERVICE) {
				builder.environment().put("CURVE_SNAPSHOT_S3_SECRETKEY", layout.objectStore().secretKey());
			}
			if (spec.kind() == ServiceSpec.Kind.CHUNKSERVER && layout.objectStore() != null) {
				builder.environment().put("CURVE_CHUNKSERVER_OBJECTSTORE_SECRETKEY", layout.objectStore().secretKey());
			}
			if (spec.kind() == ServiceSpec.Kind.METASERVER) {
				builder.environment().put("CURVE_METASERVER_OBJECTSTORE_SECRETKEY", layout.objectStore().secretKey());
			}
			if (spec.kind() == ServiceSpec.Kind.MDS && layout.objectStore() != null) {
				builder.environment().put("CURVE_MDS_FS_OBJECTSTORE_SECRETKEY", layout.objectStore().secretKey());
			}
			Process process = builder.start();
			Files.writeString(dir.resolve("service.pid"), Long.toString(process.pid()));
			out.printf("started %-14s pid %d%n", spec.name(), process.pid());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + spec.name(), ex);
		}
	}

	private List<String> mdsArgs(LocalLayout layout, ServiceSpec spec, Path dir) {
		List<String> args = new ArrayList<>(serviceArgs("mds-service", spec));
		args.add("--curve.mds.data-dir=" + dir.resolve("data"));
		args.add("--curve.mds.raft-address=" + spec.raft());
		args.add("--curve.mds.chunkserver-offline-timeout=3s");
		args.add("--curve.mds.auth.root-password-file=" + this.home.resolve(Credentials.ROOT_SECRET_FILE));
		args.add("--curve.mds.auth.join-token.file=" + this.home.resolve(JOIN_TOKEN_FILE));
		dataKeyFile().ifPresent(file -> args.add("--curve.mds.auth.data-key.file=" + file));
		args.add("--curve.mds.attach.nbd-address=" + layout.nbd().nbd());
		LocalLayout.ObjectStore store = layout.objectStore();
		if (store != null) {
			// handed to CurveFS clients at mount: where their files' data goes
			args.addAll(List.of("--curve.mds.fs.object-store.endpoint=" + store.endpoint(),
					"--curve.mds.fs.object-store.bucket=" + FS_BUCKET,
					"--curve.mds.fs.object-store.region=" + store.region(),
					"--curve.mds.fs.object-store.access-key=" + store.accessKey()));
		}
		for (int i = 0; i < layout.mds().size(); i++) {
			ServiceSpec m = layout.mds().get(i);
			args.add("--curve.mds.members[" + i + "].raft=" + m.raft());
			args.add("--curve.mds.members[" + i + "].grpc=" + m.grpc());
			args.add("--curve.mds.members[" + i + "].http=" + m.http());
		}
		return args;
	}

	private List<String> chunkServerArgs(LocalLayout layout, ServiceSpec spec, Path dir) {
		List<String> args = new ArrayList<>(serviceArgs("chunk-service", spec));
		args.addAll(List.of("--curve.chunkserver.data-dir=" + dir.resolve("data"), "--curve.chunkserver.host=127.0.0.1",
				"--curve.chunkserver.raft-port=" + spec.raftPort(), "--curve.chunkserver.server-name=" + spec.server(),
				"--curve.chunkserver.mds-addresses="
						+ String.join(",", layout.mds().stream().map(ServiceSpec::grpc).toList()),
				"--curve.chunkserver.heartbeat-interval=1s",
				"--curve.chunkserver.join-token.file=" + this.home.resolve(JOIN_TOKEN_FILE)));
		dataKeyFile().ifPresent(file -> args.add("--curve.chunkserver.data-key.file=" + file));
		LocalLayout.ObjectStore store = layout.objectStore();
		if (store != null) {
			// lazy clones read their source snapshots there, where the snapshot service puts them
			args.addAll(List.of("--curve.chunkserver.object-store.endpoint=" + store.endpoint(),
					"--curve.chunkserver.object-store.bucket=" + store.bucket(),
					"--curve.chunkserver.object-store.region=" + store.region(),
					"--curve.chunkserver.object-store.access-key=" + store.accessKey()));
		}
		return args;
	}

	private List<String> metaServerArgs(LocalLayout layout, ServiceSpec spec, Path dir) {
		List<String> args = new ArrayList<>(serviceArgs("metaserver-service", spec));
		args.addAll(List.of("--curve.metaserver.data-dir=" + dir.resolve("data"), "--curve.metaserver.host=127.0.0.1",
				"--curve.metaserver.raft-port=" + spec.raftPort(), "--curve.metaserver.server-name=" + spec.server(),
				"--curve.metaserver.mds-addresses="
						+ String.join(",", layout.mds().stream().map(ServiceSpec::grpc).toList()),
				"--curve.metaserver.heartbeat-interval=1s",
				"--curve.metaserver.join-token.file=" + this.home.resolve(JOIN_TOKEN_FILE)));
		dataKeyFile().ifPresent(file -> args.add("--curve.metaserver.data-key.file=" + file));
		LocalLayout.ObjectStore store = layout.objectStore();
		// the trash deletes the objects of removed files there
		args.addAll(List.of("--curve.metaserver.object-store.endpoint=" + store.endpoint(),
				"--curve.metaserver.object-store.bucket=" + FS_BUCKET,
				"--curve.metaserver.object-store.region=" + store.region(),
				"--curve.metaserver.object-store.access-key=" + store.accessKey()));
		return args;
	}

	private List<String> snapshotServiceArgs(LocalLayout layout, ServiceSpec spec) {
		LocalLayout.ObjectStore store = layout.objectStore();
		return List.of("-jar", jar("snapshot-service").toString(), "--server.port=" + spec.httpPort(),
				"--server.address=127.0.0.1",
				"--curve.snapshot.mds-addresses=" + String.join(",", layout.mds().stream().map(ServiceSpec::grpc).toList()),
				"--curve.snapshot.root-password-file=" + this.home.resolve(Credentials.ROOT_SECRET_FILE),
				// one name across restarts: a restarted service takes its own lease back at once
				"--curve.snapshot.worker-id=" + LocalLayout.SNAPSHOT_SERVICE + "@" + spec.http(),
				"--curve.snapshot.s3.endpoint=" + store.endpoint(), "--curve.snapshot.s3.bucket=" + store.bucket(),
				"--curve.snapshot.s3.region=" + store.region(), "--curve.snapshot.s3.access-key=" + store.accessKey());
	}

	/**
	 * S3Proxy's settings: the filesystem backend under the service's directory (so
	 * {@code local down} and {@code up} keep the snapshots), loopback only, the cluster's
	 * credentials. Readable by the owner only: it holds the secret key.
	 */
	private static Path writeS3ProxyConfig(LocalLayout.ObjectStore store, ServiceSpec spec, Path dir) {
		Path config = dir.resolve("s3proxy.conf");
		String text = String.join("\n", "s3proxy.endpoint=http://" + spec.http(), "s3proxy.authorization=aws-v2-or-v4",
				"s3proxy.identity=" + store.accessKey(), "s3proxy.credential=" + store.secretKey(),
				"jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + dir.resolve("data"), "");
		try {
			// a bucket of the filesystem backend is a directory: CurveFS's exists from the start
			Files.createDirectories(dir.resolve("data").resolve(FS_BUCKET));
			Files.deleteIfExists(config);
			Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(config, text);
			return config;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + config, ex);
		}
	}

	/**
	 * The jar and the HTTP and gRPC listeners of a Spring Boot service. Spring Cloud
	 * Kubernetes stays off: a local cluster is on loopback even when this host is a pod.
	 */
	private List<String> serviceArgs(String module, ServiceSpec spec) {
		return List.of("-jar", jar(module).toString(), "--server.port=" + spec.httpPort(), "--server.address=127.0.0.1",
				"--spring.grpc.server.port=" + spec.grpcPort(), "--spring.grpc.server.host=127.0.0.1",
				"--spring.main.cloud-platform=none");
	}

	private static String mdsHttp(LocalLayout layout) {
		return String.join(",", layout.mds().stream().map(ServiceSpec::http).toList());
	}

	/** A module's runnable jar: {@code <module>-<version>-exec.jar} or {@code <module>.jar}. */
	private Path jar(String module) {
		Path target = this.repoRoot.resolve(module).resolve("target");
		try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
			return files
				.filter(f -> f.getFileName().toString().endsWith("-exec.jar")
						|| f.getFileName().toString().equals(module + ".jar"))
				.findFirst()
				.orElseThrow(() -> new CurveException(ErrorCode.UNAVAILABLE,
						"no " + module + " jar under " + target + "; build first: mvn -B -DskipTests package"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The live process of a service, checked against its command line so a reused pid is ignored. */
	private Optional<ProcessHandle> process(String service) {
		Path pidFile = this.home.resolve(service).resolve("service.pid");
		if (!Files.exists(pidFile)) {
			return Optional.empty();
		}
		try {
			long pid = Long.parseLong(Files.readString(pidFile).trim());
			return ProcessHandle.of(pid)
				.filter(ProcessHandle::isAlive)
				.filter(p -> p.info().commandLine().map(c -> c.contains(SERVICE_MARKER + service + " ")).orElse(true));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private void deletePid(String service) {
		try {
			Files.deleteIfExists(this.home.resolve(service).resolve("service.pid"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void writeLayout(LocalLayout layout) {
		try {
			Files.createDirectories(this.home);
			Files.writeString(this.home.resolve(ClusterEndpoints.CONNECTION_FILE),
					JSON.writerWithDefaultPrettyPrinter().writeValueAsString(layout));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void applyTopology(MdsRestApi mds, String yaml) {
		try {
			Files.writeString(this.home.resolve("topology.yaml"), yaml);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		mds.applyTopology(yaml);
	}

	private static int onlineChunkServers(MdsRestApi mds) {
		int online = 0;
		for (JsonNode cs : mds.topology().path("chunkServers")) {
			if (cs.path("online").asBoolean()) {
				online++;
			}
		}
		return online;
	}

	private void awaitMdsLeader(MdsRestApi mds) {
		await("an MDS leader", () -> !mds.clusterStatus().path("mds").path("leader").isNull());
	}

	/** Waits for the service's Actuator health to say UP; fails early if its process died. */
	private void awaitHealthy(ServiceSpec spec) {
		await(spec.name() + " healthy", () -> {
			if (process(spec.name()).isEmpty()) {
				Path log = this.home.resolve(spec.name()).resolve("service.log");
				throw new IllegalStateException(
						spec.name() + " exited during start; the end of " + log + ":\n" + FsMounts.tail(log, 30));
			}
			if (spec.kind() == ServiceSpec.Kind.NBD) {
				return answers(spec.nbdPort());
			}
			if (spec.kind() == ServiceSpec.Kind.S3) {
				return answers(spec.httpPort());
			}
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + spec.http() + "/actuator/health"))
				.timeout(Duration.ofSeconds(2))
				.build();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200;
		});
	}

	private static boolean answers(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private interface Check {

		boolean passes() throws Exception;

	}

	private static void await(String what, Check check) {
		Instant deadline = Instant.now().plus(START_TIMEOUT);
		Exception last = null;
		while (Instant.now().isBefore(deadline)) {
			try {
				if (check.passes()) {
					return;
				}
			}
			catch (IllegalStateException ex) {
				// a service died: waiting longer cannot help
				throw ex;
			}
			catch (Exception ex) {
				last = ex;
			}
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while waiting for " + what);
			}
		}
		throw new CurveException(ErrorCode.TIMEOUT, "timed out after " + START_TIMEOUT.toSeconds() + " s waiting for "
				+ what + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
	}

}
