package io.curve4j.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container images of {@code mvn -Pimages package} (Jib's {@code buildTar}): opens each
 * module's {@code target/jib-image.tar} and checks its config (tag, entrypoint, user,
 * working directory, ports, environment) and its layers (the jlink runtime, the loader and
 * the libraries it needs, busybox, the user's passwd entry, the application). Without the
 * tarballs (a plain {@code mvn verify}) it is skipped; with
 * {@code -Dcurve.images.required=true}, as .ci/run runs it after building the images, a
 * missing tarball fails it.
 */
class ImageTarballsTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Path REPO = Path.of(System.getProperty("curve.repo.root", "..")).toAbsolutePath().normalize();

	/** One image: where Maven writes it, its name, main class and exposed ports. */
	record Image(String module, String name, String mainClass, Set<String> ports) {

		Path tarball() {
			return REPO.resolve(this.module).resolve("target").resolve("jib-image.tar");
		}

		@Override
		public String toString() {
			return "curve4j/" + this.name;
		}

	}

	static List<Image> images() {
		Set<String> raftService = Set.of("8080/tcp", "9090/tcp", "8300/tcp");
		return List.of(new Image("mds-service", "mds", "io.curve4j.mds.MdsApplication", raftService),
				new Image("chunk-service", "chunkserver", "io.curve4j.chunk.ChunkServerApplication", raftService),
				new Image("metaserver-service", "metaserver", "io.curve4j.metaserver.MetaServerApplication",
						raftService),
				new Image("snapshot-service", "snapshot", "io.curve4j.snapshot.SnapshotServiceApplication",
						Set.of("8080/tcp")),
				new Image("gateway", "gateway", "io.curve4j.gateway.GatewayApplication", Set.of("8080/tcp")),
				new Image("cli", "cli", "io.curve4j.cli.CurveCli", Set.of("10809/tcp")),
				new Image("deploy/docker/s3", "s3", "org.gaul.s3proxy.Main", Set.of("8000/tcp")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("images")
	void imageRunsTheServiceAsItsOwnUserOnTheJlinkRuntime(Image image) throws IOException {
		Path tarball = image.tarball();
		if (!Boolean.getBoolean("curve.images.required")) {
			Assumptions.assumeTrue(Files.exists(tarball),
					"no " + tarball + " (build the images with mvn -Pimages package -DskipTests)");
		}
		assertThat(tarball).as("the image tarball (mvn -B -Pimages package -DskipTests)").exists();

		Map<String, byte[]> outer = readTar(Files.newInputStream(tarball), name -> true);
		JsonNode manifest = JSON.readTree(outer.get("manifest.json")).get(0);
		String version = System.getProperty("curve.project.version");
		assertThat(manifest.get("RepoTags").get(0).asString())
			.isEqualTo("curve4j/" + image.name() + ":" + (version == null ? "0.1.0-SNAPSHOT" : version));
		JsonNode config = JSON.readTree(outer.get(manifest.get("Config").asString())).get("config");

		assertThat(config.get("User").asString()).isEqualTo("10001:10001");
		assertThat(config.get("WorkingDir").asString()).isEqualTo("/var/lib/curve4j");
		assertThat(names(config.get("Volumes"))).containsExactly("/var/lib/curve4j");
		assertThat(names(config.get("ExposedPorts"))).isEqualTo(new TreeSet<>(image.ports()));
		List<String> env = strings(config.get("Env"));
		assertThat(env).contains("MALLOC_ARENA_MAX=2", "JAVA_HOME=/opt/java", "PATH=/opt/java/bin:/bin",
				"SERVER_PORT=8080", "SPRING_GRPC_SERVER_PORT=9090");
		// the JVM itself, its options, then the main class: container args are the service's
		List<String> entrypoint = strings(config.get("Entrypoint"));
		assertThat(entrypoint.get(0)).isEqualTo("java");
		assertThat(entrypoint).contains("-XX:+UseG1GC", "-XX:G1HeapRegionSize=4m", "-XX:+ExitOnOutOfMemoryError",
				"-Dio.netty.leakDetection.level=disabled", "-Dcom.google.protobuf.use_unsafe_pre22_gencode");
		assertThat(entrypoint).anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="));
		assertThat(entrypoint).noneMatch(a -> a.startsWith("-Xmx"));
		assertThat(entrypoint.subList(entrypoint.size() - 3, entrypoint.size()))
			.containsExactly("-cp", "@/app/jib-classpath-file", image.mainClass());
		if (image.name().equals("cli")) {
			assertThat(entrypoint).contains("-Dcurve.root=/opt/curve4j");
		}
		if (image.name().equals("s3")) {
			assertThat(strings(config.get("Cmd"))).containsExactly("--properties",
					"/etc/curve4j/secrets/s3proxy.conf");
		}

		// every layer's entries: path -> mode (files of interest with their content)
		Map<String, Integer> modes = new HashMap<>();
		Map<String, byte[]> files = new HashMap<>();
		for (JsonNode layer : manifest.get("Layers")) {
			byte[] gz = outer.get(layer.asString());
			assertThat(gz).as("layer " + layer.asString()).isNotNull();
			readTar(new GZIPInputStream(new java.io.ByteArrayInputStream(gz)), (name) -> {
				return name.equals("etc/passwd") || name.equals("etc/group") || name.equals("app/jib-classpath-file")
						|| name.equals("app/jib-main-class-file");
			}, modes, files);
		}
		assertThat(modes.keySet()).contains("opt/java/bin/java", "opt/java/lib/server/libjvm.so",
				"opt/java/lib/modules", "lib64/ld-linux-x86-64.so.2", "usr/lib/x86_64-linux-gnu/libc.so.6",
				"usr/lib/x86_64-linux-gnu/libstdc++.so.6", "usr/lib/x86_64-linux-gnu/libz.so.1",
				"usr/lib/x86_64-linux-gnu/libfuse.so.2", "etc/ld.so.cache", "bin/busybox", "bin/sh", "bin/wget",
				"etc/ssl/certs/ca-certificates.crt", "etc/curve4j/secrets");
		assertThat(modes.get("opt/java/bin/java") & 0111).as("java executable").isEqualTo(0111);
		assertThat(modes.get("bin/sh") & 0111).as("/bin/sh executable").isEqualTo(0111);
		assertThat(modes.get("bin/wget") & 0111).as("wget executable").isEqualTo(0111);
		assertThat(modes.get("lib64/ld-linux-x86-64.so.2") & 0111).as("the loader executable").isEqualTo(0111);
		// Jib sets no owners: the directories the service writes are open to its user that way
		assertThat(modes.get("var/lib/curve4j") & 0777).isEqualTo(0777);
		assertThat(modes.get("tmp") & 0777).isEqualTo(0777);
		assertThat(new String(files.get("etc/passwd"), StandardCharsets.UTF_8)).contains("curve4j:x:10001:10001:");
		assertThat(new String(files.get("etc/group"), StandardCharsets.UTF_8)).contains("curve4j:x:10001:");
		// the AWT libraries that would pull in X11 are gone
		assertThat(modes.keySet()).noneMatch(n -> n.contains("libX11") || n.endsWith("libawt_xawt.so"));

		// the application: every classpath entry is in the image, the main class among them
		String classpath = new String(files.get("app/jib-classpath-file"), StandardCharsets.UTF_8).trim();
		for (String entry : classpath.split(":")) {
			String path = entry.startsWith("/") ? entry.substring(1) : entry;
			assertThat(modes.keySet()).as("classpath entry " + entry).contains(path);
		}
		assertThat(new String(files.get("app/jib-main-class-file"), StandardCharsets.UTF_8).trim())
			.isEqualTo(image.mainClass());
		String mainClassFile = "app/classes/" + image.mainClass().replace('.', '/') + ".class";
		switch (image.name()) {
			case "s3" -> assertThat(modes.keySet()).anyMatch(n -> n.matches("app/libs/s3proxy-.*-jar-with-dependencies\\.jar"));
			case "cli" -> assertThat(modes.keySet()).contains(mainClassFile,
					"opt/curve4j/fs-client/target/curve-fs-client-exec.jar");
			default -> assertThat(modes.keySet()).contains(mainClassFile);
		}
		if (image.ports().contains("8300/tcp")) {
			assertThat(modes.keySet()).anyMatch(n -> n.matches("app/libs/rocksdbjni-.*\\.jar"));
		}
	}

	private static List<String> strings(JsonNode array) {
		List<String> out = new ArrayList<>();
		if (array != null) {
			array.forEach(n -> out.add(n.asString()));
		}
		return out;
	}

	private static Set<String> names(JsonNode object) {
		Set<String> out = new TreeSet<>();
		if (object != null) {
			out.addAll(object.propertyNames());
		}
		return out;
	}

	private interface Keep {

		boolean content(String name);

	}

	/** The regular files of a tar stream, by name (with their content). */
	private static Map<String, byte[]> readTar(InputStream in, Keep keep) throws IOException {
		Map<String, byte[]> files = new HashMap<>();
		readTar(in, keep, new HashMap<>(), files);
		return files;
	}

	/**
	 * A minimal reader of the ustar/PAX archives Jib writes: each entry's path (PAX
	 * {@code path} records and ustar prefixes included, without a leading "./" or "/" or a
	 * trailing "/") with its mode, and the content of the files {@code keep} asks for.
	 */
	private static void readTar(InputStream raw, Keep keep, Map<String, Integer> modes, Map<String, byte[]> files)
			throws IOException {
		try (InputStream in = raw) {
			byte[] header = new byte[512];
			String paxPath = null;
			while (in.readNBytes(header, 0, 512) == 512) {
				if (isZero(header)) {
					break;
				}
				String name = field(header, 0, 100);
				String prefix = field(header, 345, 155);
				if (!prefix.isEmpty() && header[257] == 'u') {
					name = prefix + "/" + name;
				}
				int mode = (int) octal(header, 100, 8);
				long size = octal(header, 124, 12);
				char type = (char) header[156];
				byte[] content = null;
				boolean wanted = type == 'x' || type == 'L' || (type == '0' || type == 0)
						&& keep.content(clean(paxPath != null ? paxPath : name));
				if (wanted) {
					content = in.readNBytes((int) size);
				}
				else {
					in.skipNBytes(size);
				}
				long pad = (512 - size % 512) % 512;
				in.skipNBytes(pad);
				if (type == 'x') {
					paxPath = paxRecord(content, "path");
					continue;
				}
				if (type == 'L') {
					paxPath = new String(content, StandardCharsets.UTF_8).replace("\0", "");
					continue;
				}
				String path = clean(paxPath != null ? paxPath : name);
				paxPath = null;
				modes.put(path, mode);
				if (content != null) {
					files.put(path, content);
				}
			}
		}
	}

	private static String clean(String name) {
		String n = name;
		while (n.startsWith("./") || n.startsWith("/")) {
			n = n.startsWith("./") ? n.substring(2) : n.substring(1);
		}
		return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
	}

	private static String paxRecord(byte[] content, String key) {
		String text = new String(content, StandardCharsets.UTF_8);
		for (String line : text.split("\n")) {
			int space = line.indexOf(' ');
			int eq = line.indexOf('=');
			if (space > 0 && eq > space && line.substring(space + 1, eq).equals(key)) {
				return line.substring(eq + 1);
			}
		}
		return null;
	}

	private static boolean isZero(byte[] block) {
		for (byte b : block) {
			if (b != 0) {
				return false;
			}
		}
		return true;
	}

	private static String field(byte[] header, int offset, int length) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int i = offset; i < offset + length && header[i] != 0; i++) {
			out.write(header[i]);
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	private static long octal(byte[] header, int offset, int length) {
		String s = field(header, offset, length).trim();
		return s.isEmpty() ? 0 : Long.parseLong(s, 8);
	}

}
