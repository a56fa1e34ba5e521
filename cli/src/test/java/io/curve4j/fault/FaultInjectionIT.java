package io.curve4j.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.Volume;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.local.ServiceSpec;
import io.curve4j.proto.cli.v1.CliServiceGrpc;
import io.curve4j.proto.cli.v1.GetLeaderRequest;
import io.curve4j.proto.cli.v1.TransferLeaderRequest;
import io.curve4j.proto.common.v1.CopysetKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults injected into a real cluster (three MDS members, four chunkservers in three
 * zones, every service its own process) under a mixed read/write load, with every
 * acknowledged write checked at the end. One cluster for the whole class: each case
 * starts from a healed cluster (every copyset healthy with three replicas, no operator
 * in flight) and leaves one behind. Each case asserts its bounds: the longest single
 * I/O a client saw (the stall) and, where a replica is lost, the time back to three
 * healthy replicas; the figures are printed at the end.
 *
 * <p>
 * Chunkserver 4 runs on a small tmpfs (the session must be allowed to mount) so its
 * disk can be filled; chunkservers 1 and 4 share zone 1, so replicas of either have a
 * place to heal to.
 */
@Tag("fault")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class FaultInjectionIT {

	private static final long VOLUME_SIZE = Sizes.DEFAULT_SEGMENT_SIZE;

	/** Region under load: spans 16 chunks, so every copyset takes part. */
	private static final long LOADED = 256 * Sizes.MIB;

	private static final Duration HEAL_TIMEOUT = Duration.ofMinutes(4);

	// Bounds: what a run on 2 cores measured while two builds ran beside it (in brackets),
	// with a margin for a loaded machine, and well inside the SDK's 60 s I/O timeout. The
	// failover path: Raft election timeout 1 s, chunkserver offline after 3 s locally, SDK
	// retries backing off to 250 ms.

	/** SIGKILL of a chunkserver: its copysets elect new leaders, clients follow [11.2 s; 2.7-3.0 s unloaded]. */
	private static final Duration KILLED_CHUNKSERVER_STALL = Duration.ofSeconds(20);

	/** SIGKILL of a chunkserver until every copyset has three healthy replicas elsewhere [18.9 s]. */
	private static final Duration KILLED_CHUNKSERVER_HEAL = Duration.ofSeconds(90);

	/** SIGKILL of the MDS leader: a new one is elected [3.4 s]. */
	private static final Duration MDS_ELECTION = Duration.ofSeconds(15);

	/** SIGKILL of the MDS leader: I/O needs the MDS only for metadata not cached [0.13 s]. */
	private static final Duration KILLED_MDS_STALL = Duration.ofSeconds(10);

	/** SIGSTOP of a chunkserver for 20 s: its leaderships time out after the election timeout [2.1 s]. */
	private static final Duration HUNG_CHUNKSERVER_STALL = Duration.ofSeconds(12);

	/** A chunkserver's disk fills: its leaders halt and hand over [0.65 s]. */
	private static final Duration FULL_DISK_STALL = Duration.ofSeconds(10);

	/** Every service killed and restarted in turn, 2 s apart [0.17 s]. */
	private static final Duration ROLLING_RESTART_STALL = Duration.ofSeconds(20);

	/** Kept when a case fails: the services' logs are the only account of what went wrong. */
	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	static Path home;

	static Path smallDisk;

	static LocalCluster cluster;

	static LocalLayout layout;

	static MdsRestApi mds;

	static CurveClient client;

	static Volume volume;

	static final Verifier verifier = new Verifier();

	static final List<String> figures = new ArrayList<>();

	@BeforeAll
	static void startCluster() throws Exception {
		cluster = new LocalCluster(home, Path.of("..").toAbsolutePath().normalize());
		// block only: the faults are the volume data path's, and copyset members here are chunkservers
		LocalLayout planned = LocalLayout.randomPorts(3, 4).withoutMetaServers();
		smallDisk = home.resolve("chunkserver-4").resolve("data");
		Files.createDirectories(smallDisk);
		run("mount", "-t", "tmpfs", "-o", "size=4g", "tmpfs", smallDisk.toString());
		layout = cluster.up(planned, System.out);
		mds = MdsRestApi.connect(layout.mds().stream().map(ServiceSpec::http).toList(),
				new Credentials("root", cluster.rootSecret()));
		client = CurveClient.builder()
			.mdsAddresses(layout.mds().stream().map(ServiceSpec::grpc).toList())
			.credentials("root", cluster.rootSecret())
			.rpcTimeout(Duration.ofSeconds(2))
			.ioTimeout(Duration.ofSeconds(60))
			.build();
		client.createDirectory("/fault");
		client.createVolume("/fault/vol", VOLUME_SIZE);
		volume = client.open("/fault/vol");
	}

	@AfterAll
	static void stopCluster() throws Exception {
		try {
			if (volume != null) {
				volume.close();
			}
			if (client != null) {
				client.close();
			}
			if (cluster != null) {
				cluster.down(System.out);
			}
		}
		finally {
			run("umount", "-l", smallDisk.toString());
			System.out.println("=== fault injection figures ===");
			figures.forEach(System.out::println);
		}
	}

	@Test
	@Order(1)
	void fullDiskFailsOverItsLeadersAndLosesNothing() throws Exception {
		awaitHealed();
		Path ballast = smallDisk.resolve("ballast");
		try (Workload load = new Workload(volume, verifier, 3, LOADED).start()) {
			Thread.sleep(3000);
			load.takeLongestStallMillis();
			fill(ballast, 8 * Sizes.MIB);
			Thread.sleep(15000);
			long stall = load.takeLongestStallMillis();
			load.stop();
			assertThat(load.errors()).as("I/O errors with a full disk on chunkserver-4").isEmpty();
			figures.add("case 5 (chunkserver-4 disk full): longest I/O " + stall + " ms, " + load.ops() + " I/Os");
			assertWithin(stall, FULL_DISK_STALL, "longest I/O with a full disk on chunkserver-4");
		}
		Files.delete(ballast);
		// Replicas that hit the full disk halted (rather than skip an entry); a restart replays their logs.
		cluster.kill("chunkserver-4");
		cluster.start("chunkserver-4", System.out);
		awaitHealed();
		assertThat(verifyOnEveryReplica()).isEmpty();
	}

	@Test
	@Order(2)
	void killedChunkServerIsReplacedWithoutIoErrors() throws Exception {
		awaitHealed();
		ServiceSpec victim = layout.service("chunkserver-1");
		Duration heal;
		long stall;
		try (Workload load = new Workload(volume, verifier, 4, LOADED).start()) {
			Thread.sleep(3000);
			load.takeLongestStallMillis();
			Instant killed = Instant.now();
			cluster.kill(victim.name());
			Thread.sleep(10000);
			stall = load.takeLongestStallMillis();
			await().atMost(HEAL_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> fullyRedundantWithout(victim));
			heal = Duration.between(killed, Instant.now());
			load.stop();
			assertThat(load.errors()).as("I/O errors after SIGKILL of " + victim.name()).isEmpty();
			stall = Math.max(stall, load.takeLongestStallMillis());
		}
		figures.add("case 1 (SIGKILL chunkserver-1): longest I/O " + stall + " ms; back to 3 healthy replicas on "
				+ "the other chunkservers after " + heal.toMillis() + " ms");
		assertWithin(stall, KILLED_CHUNKSERVER_STALL, "longest I/O after SIGKILL of chunkserver-1");
		assertWithin(heal.toMillis(), KILLED_CHUNKSERVER_HEAL, "time back to full redundancy after SIGKILL of chunkserver-1");
		assertThat(verifyOnEveryReplica()).isEmpty();
		// it comes back empty (its replicas were replaced) and copyset balance refills it
		cluster.start(victim.name(), System.out);
		await().atMost(HEAL_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> copysetsOn(victim) > 0);
		awaitHealed();
	}

	@Test
	@Order(3)
	void killedMdsLeaderIsReplacedWhileIoContinues() throws Exception {
		awaitHealed();
		ServiceSpec leader = mdsLeader();
		long stall;
		Duration election;
		try (Workload load = new Workload(volume, verifier, 4, LOADED).start()) {
			Thread.sleep(3000);
			load.takeLongestStallMillis();
			long before = load.ops();
			Instant killed = Instant.now();
			cluster.kill(leader.name());
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
				ServiceSpec now = mdsLeader();
				return now != null && !now.name().equals(leader.name());
			});
			election = Duration.between(killed, Instant.now());
			Thread.sleep(5000);
			stall = load.takeLongestStallMillis();
			client.createVolume("/fault/after-failover", Sizes.DEFAULT_SEGMENT_SIZE);
			load.stop();
			assertThat(load.errors()).as("I/O errors after SIGKILL of the MDS leader").isEmpty();
			assertThat(load.ops()).as("I/O went on").isGreaterThan(before + 10);
		}
		figures.add("case 2 (SIGKILL MDS leader " + leader.name() + "): new leader after " + election.toMillis()
				+ " ms; longest I/O " + stall + " ms; volume create afterwards ok");
		assertWithin(election.toMillis(), MDS_ELECTION, "time to a new MDS leader");
		assertWithin(stall, KILLED_MDS_STALL, "longest I/O after SIGKILL of the MDS leader");
		assertThat(client.stat("/fault/after-failover").length()).isEqualTo(Sizes.DEFAULT_SEGMENT_SIZE);
		cluster.start(leader.name(), System.out);
		assertThat(verifyOnEveryReplica()).isEmpty();
	}

	@Test
	@Order(4)
	void hungChunkServerStallsBoundedAndRejoins() throws Exception {
		awaitHealed();
		ServiceSpec victim = layout.service("chunkserver-2");
		long pid = pid(victim);
		long stall;
		try (Workload load = new Workload(volume, verifier, 4, LOADED).start()) {
			Thread.sleep(3000);
			load.takeLongestStallMillis();
			run("kill", "-STOP", Long.toString(pid));
			try {
				Thread.sleep(20000);
			}
			finally {
				run("kill", "-CONT", Long.toString(pid));
			}
			Thread.sleep(5000);
			stall = load.takeLongestStallMillis();
			load.stop();
			assertThat(load.errors()).as("I/O errors while chunkserver-2 hung").isEmpty();
		}
		figures.add("case 3 (SIGSTOP chunkserver-2 for 20 s): longest I/O " + stall + " ms");
		assertWithin(stall, HUNG_CHUNKSERVER_STALL, "longest I/O while chunkserver-2 hung");
		awaitHealed();
		assertThat(copysetsOn(victim)).isPositive();
		assertThat(verifyOnEveryReplica()).isEmpty();
	}

	@Test
	@Order(5)
	void rollingKillsAndRestartsForTwoMinutesLoseNothing() throws Exception {
		awaitHealed();
		Instant end = Instant.now().plus(Duration.ofMinutes(2));
		int rounds = 0;
		long stall = 0;
		// the longest I/O of each round, named by its victim: a stall points at the restart that caused it
		List<String> stalls = new ArrayList<>();
		try (Workload load = new Workload(volume, verifier, 3, LOADED).start()) {
			load.takeLongestStallMillis();
			while (Instant.now().isBefore(end)) {
				ServiceSpec victim = layout.services().get(rounds % layout.services().size());
				cluster.kill(victim.name());
				Thread.sleep(2000);
				cluster.start(victim.name(), System.out);
				Thread.sleep(2000);
				long roundStall = load.takeLongestStallMillis();
				stalls.add(victim.name() + " " + roundStall + " ms");
				stall = Math.max(stall, roundStall);
				rounds++;
			}
			load.stop();
			assertThat(load.errors()).as("I/O errors during rolling restarts").isEmpty();
		}
		figures.add("case 4 (kill and restart every service in turn for 2 min, " + rounds + " restarts): longest I/O "
				+ stall + " ms (per restart: " + String.join(", ", stalls) + ")");
		assertWithin(stall, ROLLING_RESTART_STALL, "longest I/O during rolling restarts " + stalls);
		awaitHealed();
		assertThat(verifyOnEveryReplica()).isEmpty();
		assertThat(verifier.size()).isPositive();
	}

	private static void assertWithin(long millis, Duration bound, String what) {
		assertThat(millis).as(what + " (ms)").isLessThanOrEqualTo(bound.toMillis());
	}

	/**
	 * Reads every acknowledged block back from each replica, not only from the leaders of
	 * the moment: the leadership of every copyset moves to its first member, then its
	 * second, then its third (CLI service TransferLeader, leader balancing paused), and
	 * after each move the whole volume is read through the new leaders, which serve reads
	 * only once they have applied everything committed.
	 */
	private static List<String> verifyOnEveryReplica() {
		mds.pauseScheduler("leader-balance");
		try {
			List<String> problems = new ArrayList<>();
			for (int member = 0; member < 3; member++) {
				moveLeadersTo(member);
				String where = " (read with every copyset led by its member " + member + ")";
				verifier.verifyAll(volume).forEach(problem -> problems.add(problem + where));
			}
			return problems;
		}
		finally {
			mds.resumeScheduler("leader-balance");
		}
	}

	/** Transfers each copyset's leadership to its member-th peer (in the MDS's order) and waits until all lead. */
	private static void moveLeadersTo(int member) {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
			boolean all = true;
			for (JsonNode c : copysets()) {
				CopysetKey key = CopysetKey.newBuilder()
					.setLogicalPoolId(c.path("logicalPoolId").asInt())
					.setCopysetId(c.path("copysetId").asInt())
					.build();
				String target = c.path("peers").get(member).path("raftAddress").asString("");
				String leader = cli(target, stub -> stub.getLeader(GetLeaderRequest.newBuilder().setCopyset(key).build()))
					.getLeader();
				if (!leader.equals(target)) {
					all = false;
					cli(leader, stub -> stub.transferLeader(
							TransferLeaderRequest.newBuilder().setCopyset(key).setPeer(target).build()));
				}
			}
			return all;
		});
	}

	/** A call to the CLI service of the chunkserver whose raft address is given. */
	private static <T> T cli(String raftAddress, Function<CliServiceGrpc.CliServiceBlockingStub, T> call) {
		ServiceSpec chunkServer = layout.chunkServers()
			.stream()
			.filter(cs -> cs.raft().equals(raftAddress))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no chunkserver with raft address " + raftAddress));
		ManagedChannel channel = ManagedChannelBuilder.forTarget(chunkServer.grpc()).usePlaintext().build();
		try {
			// moving leadership is an operator's call: it carries the cluster credential
			ClusterCredential credential = ClusterCredential
				.fromSecret(Credentials.read(home.resolve(LocalCluster.DATA_KEY_FILE)));
			return call.apply(CliServiceGrpc.newBlockingStub(channel)
				.withInterceptors(credential.interceptor())
				.withDeadlineAfter(5, TimeUnit.SECONDS));
		}
		finally {
			channel.shutdownNow();
		}
	}

	/** Every copyset healthy with three replicas, and no operator in flight. */
	private static void awaitHealed() {
		await().atMost(HEAL_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
			JsonNode status = mds.clusterStatus();
			if (status.path("operators").path("inFlight").asInt(-1) != 0) {
				return false;
			}
			for (JsonNode c : copysets()) {
				if (!c.path("state").asString("").equals("HEALTHY") || c.path("peers").size() != 3) {
					return false;
				}
			}
			return true;
		});
	}

	private static boolean fullyRedundantWithout(ServiceSpec gone) {
		for (JsonNode c : copysets()) {
			if (!c.path("state").asString("").equals("HEALTHY") || c.path("peers").size() != 3) {
				return false;
			}
			for (JsonNode p : c.path("peers")) {
				if (p.path("raftAddress").asString("").equals(gone.raft())) {
					return false;
				}
			}
		}
		return true;
	}

	/** Every copyset: one page holds them all here. */
	private static JsonNode copysets() {
		return mds.copysets(0, 1000).path("content");
	}

	private static int copysetsOn(ServiceSpec chunkServer) {
		int count = 0;
		for (JsonNode c : copysets()) {
			for (JsonNode p : c.path("peers")) {
				if (p.path("raftAddress").asString("").equals(chunkServer.raft())) {
					count++;
				}
			}
		}
		return count;
	}

	private static ServiceSpec mdsLeader() {
		try {
			String raft = mds.clusterStatus().path("mds").path("leader").path("raft").asString("");
			return layout.mds().stream().filter(m -> m.raft().equals(raft)).findFirst().orElse(null);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static long pid(ServiceSpec service) {
		return cluster.status()
			.stream()
			.filter(s -> s.spec().name().equals(service.name()))
			.findFirst()
			.orElseThrow()
			.pid();
	}

	/** Writes zeros to the file until the disk has at most {@code leave} bytes free or is full. */
	private static void fill(Path file, long leave) throws IOException {
		ByteBuffer zeros = ByteBuffer.allocate((int) Sizes.MIB);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			while (Files.getFileStore(file).getUsableSpace() > leave) {
				channel.write(zeros.clear());
			}
		}
		catch (IOException ex) {
			// no space left: full is what was wanted
		}
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).inheritIO().start();
		if (p.waitFor() != 0) {
			throw new IOException(String.join(" ", command) + " exited with " + p.exitValue());
		}
	}

}
