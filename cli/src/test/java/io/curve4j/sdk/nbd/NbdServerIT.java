package io.curve4j.sdk.nbd;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import picocli.CommandLine;

import io.curve4j.cli.CurveCli;
import io.curve4j.common.size.Sizes;
import io.curve4j.fault.ChunkSpace;
import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.local.ServiceSpec;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.sdk.block.Throttle;
import io.curve4j.sdk.block.Volume;
import io.curve4j.sdk.nbd.NbdTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The NBD server in front of a real cluster (one MDS and three chunkservers as processes,
 * three replicas), driven by clients no one here wrote: qemu-img, qemu-io and fio's NBD
 * engine, then by a hand-written client sending bad input; then a second server that
 * requires TLS with pre-shared keys, driven by qemu-img, qemu-io and qemu-nbd with QEMU's
 * {@code tls-creds-psk} as root and as another user; last, a volume's QoS limits set with
 * {@code curve volume throttle}, measured by fio through the server and followed by a
 * volume already open. Tests that need a binary are skipped when it is not installed (CI
 * installs qemu-utils and fio).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NbdServerIT {

	private static final String VOLUME = "/nbd/vol";

	private static final long VOLUME_SIZE = Sizes.DEFAULT_SEGMENT_SIZE;

	/** A volume of another user than root. */
	private static final String ALICE_VOLUME = "/alice/disk";

	/** A volume with QoS limits. */
	private static final String QOS_VOLUME = "/nbd/qos";

	@TempDir
	static Path home;

	static LocalCluster cluster;

	static CurveClient client;

	static LocalLayout layout;

	static NbdServer server;

	static int port;

	/** The MDS's HTTP address, for the command line. */
	static String mdsHttp;

	/** The same cluster's volumes to TLS clients only. */
	static NbdServer tlsServer;

	static int tlsPort;

	/** QEMU's {@code tls-creds-psk} directories: each holds a {@code keys.psk} with one user's key. */
	static Path rootKeys;

	static Path aliceKeys;

	/** A key for alice that the server does not have. */
	static Path wrongKeys;

	@BeforeAll
	static void start() {
		cluster = new LocalCluster(home.resolve("cluster"), Path.of("..").toAbsolutePath().normalize());
		layout = cluster.up(LocalLayout.randomPorts(1, 3).withoutMetaServers(), System.out);
		mdsHttp = String.join(",", layout.mds().stream().map(ServiceSpec::http).toList());
		client = CurveClient.builder()
			.mdsAddresses(layout.mds().stream().map(ServiceSpec::grpc).toList())
			.credentials("root", cluster.rootSecret())
			.ioTimeout(Duration.ofSeconds(60))
			.build();
		client.createDirectory("/nbd");
		client.createVolume(VOLUME, VOLUME_SIZE);
		server = NbdServer.start(client, "127.0.0.1", 0);
		port = server.address().getPort();
		MdsRestApi.connect(layout.mds().stream().map(ServiceSpec::http).toList(),
				new Credentials("root", cluster.rootSecret()))
			.createUser(new MdsRestApi.NewUser("alice", "alice-password"));
		try (CurveClient alice = CurveClient.builder()
			.mdsAddresses(layout.mds().stream().map(ServiceSpec::grpc).toList())
			.credentials("alice", "alice-password")
			.build()) {
			alice.createDirectory("/alice");
			alice.createVolume(ALICE_VOLUME, VOLUME_SIZE);
		}
		String rootLine = "root:" + HexFormat.of().formatHex(randomKey());
		String aliceLine = "alice:" + HexFormat.of().formatHex(randomKey());
		rootKeys = keysDirectory("root-keys", rootLine);
		aliceKeys = keysDirectory("alice-keys", aliceLine);
		wrongKeys = keysDirectory("wrong-keys", "alice:" + HexFormat.of().formatHex(randomKey()));
		Path serverKeys = keysDirectory("server-keys", rootLine + "\n" + aliceLine).resolve(NbdPskKeys.FILE_NAME);
		tlsServer = NbdServer.start(client, "127.0.0.1", 0, NbdPskKeys.read(serverKeys));
		tlsPort = tlsServer.address().getPort();
	}

	@AfterAll
	static void stop() {
		if (tlsServer != null) {
			tlsServer.close();
		}
		if (server != null) {
			server.close();
		}
		if (client != null) {
			client.close();
		}
		if (cluster != null) {
			cluster.down(System.out);
		}
	}

	@Test
	@Order(1)
	void qemuImgInfoSeesTheVolume() {
		Run info = run("qemu-img", "info", uri());
		assertThat(info.output()).contains("virtual size: 1 GiB (1073741824 bytes)");
	}

	@Test
	@Order(2)
	void qemuIoWritesAndReadsBackAPattern() {
		run("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 1M", "-c", "read -P 0xab 0 1M", "-c", "flush", uri());
		String imageOpts = "driver=nbd,server.type=inet,server.host=127.0.0.1,server.port=" + port + ",export="
				+ VOLUME;
		Run viaImageOpts = run("qemu-io", "--image-opts", "-c", "write -P 0xcd 16M 8M", "-c",
				"read -P 0xcd 16M 8M", imageOpts);
		assertThat(viaImageOpts.output()).doesNotContain("Pattern verification failed");
		try (Volume volume = client.open(VOLUME)) {
			assertThat(volume.read(0, (int) Sizes.MIB)).containsOnly((byte) 0xab);
			assertThat(volume.read(20 * Sizes.MIB, (int) Sizes.MIB)).containsOnly((byte) 0xcd);
		}
	}

	@Test
	@Order(3)
	void qemuImgConvertRoundTripKeepsEveryByte() throws IOException {
		// 40 MiB across two chunk boundaries, its first 2 MiB zeros over the pattern written above
		byte[] image = new byte[(int) (40 * Sizes.MIB)];
		new Random(5).nextBytes(image);
		Arrays.fill(image, 0, (int) (2 * Sizes.MIB), (byte) 0);
		Path source = home.resolve("source.img");
		Files.write(source, image);
		run("qemu-img", "convert", "-f", "raw", "-O", "raw", "-n", source.toString(), uri());
		Path copy = home.resolve("copy.img");
		String sized = "driver=raw,size=" + image.length + ",file.driver=nbd,file.server.type=inet,"
				+ "file.server.host=127.0.0.1,file.server.port=" + port + ",file.export=" + VOLUME;
		run("qemu-img", "convert", "--image-opts", sized, "-O", "raw", copy.toString());
		assertThat(sha256(copy)).isEqualTo(sha256(source));
	}

	@Test
	@Order(4)
	void fioRandomWritesAndVerifiedWrites() throws IOException {
		String uri = "--uri=" + uri();
		Run load = run("fio", "--ioengine=nbd", uri, "--rw=randwrite", "--bs=4k", "--iodepth=8", "--runtime=3",
				"--time_based", "--offset=512M", "--size=64M", "--name=load", "--output-format=json");
		JsonNode job = JsonMapper.builder().build().readTree(jsonPart(load.output())).path("jobs").get(0);
		assertThat(job.path("error").asInt()).isZero();
		assertThat(job.path("write").path("iops").asDouble()).isPositive();
		Run verify = run("fio", "--ioengine=nbd", uri, "--rw=randwrite", "--bs=4k", "--iodepth=8", "--offset=600M",
				"--size=4M", "--verify=crc32c", "--do_verify=1", "--name=verify");
		assertThat(verify.output()).doesNotContain("verify: bad");
	}

	@Test
	@Order(5)
	void badInputCostsOnlyThatRequestOrConnection() throws IOException {
		try (NbdTestClient good = NbdTestClient.attached(port, VOLUME, true);
				NbdTestClient bad = NbdTestClient.attached(port, VOLUME, false);
				NbdTestClient unknown = new NbdTestClient(port)) {
			assertThat(unknown.go("nbd/nothing").reply()).isEqualTo(NbdProtocol.REP_ERR_UNKNOWN);
			bad.request(NbdProtocol.CMD_READ, 0, 1, VOLUME_SIZE - 512, 4096, null);
			assertThat(bad.simpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
			bad.request(NbdProtocol.CMD_WRITE, 0, 2, VOLUME_SIZE, 512, new byte[512]);
			assertThat(bad.simpleReply(0).error()).isEqualTo(NbdProtocol.ENOSPC);
			bad.request(NbdProtocol.CMD_READ, 0, 3, 1000, 512, null);
			assertThat(bad.simpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
			NbdTestClient vanishing = NbdTestClient.attached(port, VOLUME, false);
			vanishing.request(NbdProtocol.CMD_WRITE, 0, 1, 0, 65536, null);
			vanishing.raw(new byte[1000]);
			vanishing.abort();
			bad.raw("garbage after the handshake".getBytes(StandardCharsets.US_ASCII));
			assertThat(bad.closedByServer()).isTrue();
			byte[] data = NbdCodecTest.pattern(8192);
			good.request(NbdProtocol.CMD_WRITE, NbdProtocol.CMD_FLAG_FUA, 10, 700 * Sizes.MIB, data.length, data);
			assertThat(good.structuredReply().error()).isZero();
			good.request(NbdProtocol.CMD_READ, 0, 11, 700 * Sizes.MIB, data.length, null);
			Reply read = good.structuredReply();
			assertThat(read.handle()).isEqualTo(11);
			assertThat(read.data()).isEqualTo(data);
		}
	}

	@Test
	@Order(6)
	void qemuOverTlsWritesAPatternAndReadsItBack() {
		Run info = run("qemu-img", "info", "--object", tlsCreds(rootKeys, "root"), "--image-opts",
				tlsImage(VOLUME));
		assertThat(info.output()).contains("virtual size: 1 GiB (1073741824 bytes)");
		run("qemu-io", "--object", tlsCreds(rootKeys, "root"), "--image-opts", tlsImage(VOLUME), "-c",
				"write -P 0x5a 32M 64k", "-c", "flush");
		Run readBack = run("qemu-io", "--object", tlsCreds(rootKeys, "root"), "--image-opts", tlsImage(VOLUME),
				"-c", "read -P 0x5a 32M 64k");
		assertThat(readBack.output()).contains("read 65536/65536 bytes").doesNotContain("Pattern verification failed");
		try (Volume volume = client.open(VOLUME)) {
			assertThat(volume.read(32 * Sizes.MIB, 65536)).containsOnly((byte) 0x5a);
		}
	}

	@Test
	@Order(7)
	void theTlsServerRefusesAClientWithoutTls() {
		Run plain = runFailing("qemu-img", "info", "nbd://127.0.0.1:" + tlsPort + VOLUME);
		assertThat(plain.output()).containsIgnoringCase("TLS");
	}

	@Test
	@Order(8)
	void anotherUsersKeyOpensItsOwnVolumesOnly() {
		Run refused = runFailing("qemu-img", "info", "--object", tlsCreds(aliceKeys, "alice"), "--image-opts",
				tlsImage(VOLUME));
		assertThat(refused.output()).contains("does not exist");
		run("qemu-io", "--object", tlsCreds(aliceKeys, "alice"), "--image-opts", tlsImage(ALICE_VOLUME), "-c",
				"write -P 0x11 0 64k", "-c", "read -P 0x11 0 64k");
		// a key that is not the user's: the TLS handshake fails
		Run wrongKey = runFailing("qemu-img", "info", "--object", tlsCreds(wrongKeys, "alice"), "--image-opts",
				tlsImage(ALICE_VOLUME));
		assertThat(wrongKey.output()).contains("TLS").doesNotContain("virtual size");
		Run list = run("qemu-nbd", "--list", "--bind=127.0.0.1", "--port=" + tlsPort, "--object",
				tlsCreds(aliceKeys, "alice"), "--tls-creds=tls0");
		assertThat(list.output()).contains(ALICE_VOLUME).doesNotContain(VOLUME);
	}


	/**
	 * Trim frees the whole chunks of its range on every replica (the chunkservers' chunk
	 * files go) and they read as zeros; the partial chunks at its ends keep their data, and
	 * a freed chunk is written again like a new one.
	 */
	@Test
	@Order(20)
	void trimFreesWholeChunksWhichReadZerosAndCanBeWrittenAgain() throws IOException {
		client.createVolume("/nbd/trim", VOLUME_SIZE);
		long chunk = Sizes.DEFAULT_CHUNK_SIZE;
		long before = ChunkSpace.inUse(layout);
		byte[] data = new byte[(int) Sizes.MIB];
		new Random(7).nextBytes(data);
		try (NbdTestClient nbd = NbdTestClient.attached(port, "/nbd/trim", false)) {
			long[] offsets = { chunk - data.length, chunk, 2 * chunk };
			for (int i = 0; i < offsets.length; i++) {
				nbd.request(NbdProtocol.CMD_WRITE, 0, i, offsets[i], data.length, data);
				assertThat(nbd.simpleReply(0).error()).isZero();
			}
			long replica = ChunkSpace.fileLength(chunk);
			await().atMost(Duration.ofSeconds(30)).until(() -> ChunkSpace.inUse(layout) == before + 9 * replica);
			// whole chunk 1 and a page on each side
			nbd.request(NbdProtocol.CMD_TRIM, 0, 10, chunk - 4096, chunk + 8192, null);
			assertThat(nbd.simpleReply(0).error()).isZero();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> ChunkSpace.inUse(layout) == before + 6 * replica);
			assertThat(read(nbd, chunk, data.length)).containsOnly(0);
			assertThat(read(nbd, chunk - data.length, data.length)).isEqualTo(data);
			assertThat(read(nbd, 2 * chunk, data.length)).isEqualTo(data);
			nbd.request(NbdProtocol.CMD_WRITE, 0, 11, chunk + 4096, data.length, data);
			assertThat(nbd.simpleReply(0).error()).isZero();
			assertThat(read(nbd, chunk + 4096, data.length)).isEqualTo(data);
			assertThat(read(nbd, chunk, 4096)).containsOnly(0);
		}
	}

	private static byte[] read(NbdTestClient nbd, long offset, int length) throws IOException {
		nbd.request(NbdProtocol.CMD_READ, 0, 99, offset, length, null);
		Reply reply = nbd.simpleReply(length);
		assertThat(reply.error()).isZero();
		return reply.data();
	}

	@Test
	@Order(9)
	void fioAtDepth32OnAVolumeThrottledTo500IopsMeasures450To550() throws IOException {
		client.createVolume(QOS_VOLUME, VOLUME_SIZE);
		Cli set = cli("volume", "throttle", QOS_VOLUME, "--iops", "500");
		assertThat(set.exit()).as(set.err()).isZero();
		assertThat(set.out()).contains("iops", "500", "burst: 100ms");
		Cli shown = cli("volume", "throttle", QOS_VOLUME);
		assertThat(shown.out()).containsPattern("iops\\s+500\\s+-\\s+-");
		assertThat(cli("volume", "info", QOS_VOLUME).out()).contains("iops 500, burst 100ms");

		// the first second creates the chunk and spends the saved-up burst; fio counts the 7 after it
		double throttled = fioRandomWriteIops(1, 7);
		if (throttled < 450) {
			// below the band is the limit's fault only where the cluster goes faster without it
			assertThat(cli("volume", "throttle", QOS_VOLUME, "--clear").exit()).isZero();
			double unthrottled = fioRandomWriteIops(1, 3);
			assumeTrue(unthrottled >= 650, "the cluster does " + Math.round(unthrottled) + " 4 KiB random writes a "
					+ "second on this machine now, too few to show a limit of 500 (" + Math.round(throttled)
					+ " under it): skipped");
		}
		assertThat(throttled).isBetween(450.0, 550.0);
	}

	/** fio's IOPS of 4 KiB random writes at depth 32 over the first chunk of the QoS volume, through the server. */
	private static double fioRandomWriteIops(int rampSeconds, int seconds) {
		Run load = run("fio", "--ioengine=nbd", "--uri=nbd://127.0.0.1:" + port + QOS_VOLUME, "--rw=randwrite",
				"--bs=4k", "--iodepth=32", "--ramp_time=" + rampSeconds, "--runtime=" + seconds, "--time_based",
				"--size=16M", "--name=qos", "--output-format=json");
		JsonNode job = JsonMapper.builder().build().readTree(jsonPart(load.output())).path("jobs").get(0);
		assertThat(job.path("error").asInt()).isZero();
		return job.path("write").path("iops").asDouble();
	}

	@Test
	@Order(10)
	void aChangedLimitReachesAnOpenVolumeWithinASessionRefresh() {
		assertThat(cli("volume", "throttle", QOS_VOLUME, "--iops", "500").exit()).isZero();
		try (Volume volume = client.open(QOS_VOLUME)) {
			assertThat(volume.stat().throttle().iops()).as("learnt at open").isEqualTo(500);
			long changed = System.nanoTime();
			assertThat(cli("volume", "throttle", QOS_VOLUME, "--write-iops", "50").exit()).isZero();
			// refreshed every quarter of the 20 s lease
			await().atMost(Duration.ofSeconds(8)).until(() -> volume.stat().throttle().writeIops() == 50);
			assertThat(Duration.ofNanos(System.nanoTime() - changed)).isLessThan(Duration.ofSeconds(7));
			assertThat(volume.stat().throttle().iops()).as("the limits given replace the others").isZero();
			// 30 writes at once at 50 a second, 5 of them saved up: half a second, where 500 would have let all pass
			long start = System.nanoTime();
			CompletableFuture<?>[] writes = new CompletableFuture<?>[30];
			for (int i = 0; i < writes.length; i++) {
				writes[i] = volume.writeAsync(i * 4096L, new byte[4096]);
			}
			CompletableFuture.allOf(writes).join();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400),
					Duration.ofSeconds(3));

			assertThat(cli("volume", "throttle", QOS_VOLUME, "--clear").exit()).isZero();
			await().atMost(Duration.ofSeconds(8)).until(() -> volume.stat().throttle().isNone());
		}
		assertThat(cli("volume", "throttle", QOS_VOLUME).out()).contains(QOS_VOLUME + " has no limits.");
	}

	@Test
	@Order(11)
	void theThrottleCommandRefusesBadLimitsAndChangesNothing() {
		assertThat(cli("volume", "throttle", QOS_VOLUME, "--iops", "200", "--bps", "100MiB", "--burst", "2s").out())
			.contains("100MiB/s", "burst: 2000ms");
		Cli negative = cli("volume", "throttle", QOS_VOLUME, "--iops", "-1");
		assertThat(negative.exit()).isEqualTo(CurveCli.EXIT_ERROR);
		assertThat(negative.err()).startsWith("error: INVALID_THROTTLE: iops must be from 0");
		assertThat(cli("volume", "throttle", QOS_VOLUME, "--iops", "10", "--burst", "61s").err())
			.startsWith("error: INVALID_THROTTLE: burstMs");
		assertThat(cli("volume", "throttle", QOS_VOLUME, "--burst", "1s").err()).startsWith("error: INVALID_THROTTLE: no limit");
		assertThat(cli("volume", "throttle", QOS_VOLUME, "--clear", "--iops", "5").err())
			.startsWith("error: INVALID_ARGUMENT: --clear takes no limits");
		assertThat(cli("volume", "throttle", QOS_VOLUME, "--bps", "lots").exit()).isEqualTo(2);
		assertThat(cli("volume", "throttle", QOS_VOLUME, "--iops", "5", "--burst", "soon").exit()).isEqualTo(2);
		assertThat(cli("volume", "throttle", "/nbd", "--iops", "5").err()).startsWith("error: NOT_A_VOLUME");
		assertThat(cli("volume", "throttle", "/nbd/none", "--iops", "5").err()).startsWith("error: VOLUME_NOT_FOUND");
		assertThat(client.stat(QOS_VOLUME).throttle()).isEqualTo(new Throttle(200, 0, 0, 100 * Sizes.MIB, 0, 0, 2000));
	}

	private record Cli(int exit, String out, String err) {
	}

	/** {@code curve ...} in this JVM as root, against this cluster. */
	private static Cli cli(String... args) {
		String saved = System.getProperty("curve.home");
		// where the command line finds root's secret
		System.setProperty("curve.home", home.resolve("cluster").toString());
		try {
			CommandLine cli = CurveCli.commandLine();
			StringWriter out = new StringWriter();
			StringWriter err = new StringWriter();
			cli.setOut(new PrintWriter(out, true));
			cli.setErr(new PrintWriter(err, true));
			String[] withMds = Arrays.copyOf(args, args.length + 2);
			withMds[args.length] = "--mds";
			withMds[args.length + 1] = mdsHttp;
			int exit = cli.execute(withMds);
			System.out.println("$ curve " + String.join(" ", args) + " -> " + exit + "\n" + out + err);
			return new Cli(exit, out.toString(), err.toString());
		}
		finally {
			if (saved == null) {
				System.clearProperty("curve.home");
			}
			else {
				System.setProperty("curve.home", saved);
			}
		}
	}

	private static String uri() {
		// qemu and libnbd drop the leading slash of the path; the server puts it back
		return "nbd://127.0.0.1:" + port + VOLUME;
	}

	/** QEMU's PSK credentials as the client end, with the key of {@code user} read from {@code dir}. */
	private static String tlsCreds(Path dir, String user) {
		return "tls-creds-psk,id=tls0,endpoint=client,dir=" + dir + ",username=" + user;
	}

	private static String tlsImage(String volume) {
		return "driver=nbd,host=127.0.0.1,port=" + tlsPort + ",export=" + volume + ",tls-creds=tls0";
	}

	private static Path keysDirectory(String name, String lines) {
		try {
			Path dir = Files.createDirectories(home.resolve(name));
			Files.writeString(dir.resolve(NbdPskKeys.FILE_NAME), lines + "\n");
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static byte[] randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return key;
	}

	private record Run(int exit, String output) {
	}

	/** Runs a client to completion and fails on a non-zero exit; skips when the binary is absent. */
	private static Run run(String... command) {
		Run run = exec(command);
		assertThat(run.exit()).as("exit code of %s: %s", command[0], run.output()).isZero();
		return run;
	}

	/** Runs a client that must fail (exit non-zero); skips when the binary is absent. */
	private static Run runFailing(String... command) {
		Run run = exec(command);
		assertThat(run.exit()).as("exit code of %s: %s", command[0], run.output()).isNotZero();
		return run;
	}

	private static Run exec(String... command) {
		assumeTrue(onPath(command[0]), command[0] + " is not installed (apt-get install qemu-utils fio): skipped");
		try {
			// in the temporary directory: fio leaves verify state files where it runs
			Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
			System.out.println("$ " + String.join(" ", command) + "\n" + output);
			return new Run(process.exitValue(), output);
		}
		catch (IOException ex) {
			throw new AssertionError("cannot run " + command[0], ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static boolean onPath(String binary) {
		return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.anyMatch((dir) -> Files.isExecutable(Path.of(dir, binary)));
	}

	/** fio may print notes before its JSON document. */
	private static String jsonPart(String output) {
		return output.substring(output.indexOf('{'));
	}

	private static String sha256(Path file) throws IOException {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
