package io.curve4j.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.objectstore.ObjectStoreSettings;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.local.ServiceSpec;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.fs.v1.FsCapability;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.PartitionRequest;
import io.curve4j.proto.metaserver.v1.PartitionStats;
import io.curve4j.sdk.cluster.MdsRestApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * CurveFS end to end: the processes {@code bin/curve local up} starts (MDS, chunkservers,
 * three metaservers, S3Proxy), a file system created and mounted twice with
 * {@code bin/curve fs}, and the kernel's FUSE between this test and our client. Every
 * POSIX operation and error the client promises, the catalog commands and their refusals,
 * close-to-open between two mounts, a
 * random workload compared with a local directory, a build of a source tree, and the
 * kills: a metaserver during creates and renames, the FUSE client mid-write.
 */
@Tag("fs")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FsMountIT {

	static SnapshotCluster cluster;

	static Path mountA;

	static Path mountB;

	static Path local;

	@BeforeAll
	static void createAndMount() throws IOException {
		cluster = SnapshotCluster.up("fs-mount-it", true);
		assertThat(SnapshotCluster.cli("fs", "create", "fs1").code()).isZero();
		mountA = Files.createDirectories(cluster.home.resolve("mnt-a"));
		mountB = Files.createDirectories(cluster.home.resolve("mnt-b"));
		local = Files.createDirectories(cluster.home.resolve("local"));
		mount(mountA);
		mount(mountB);
	}

	@AfterAll
	static void umountAndStop() {
		if (cluster != null) {
			for (Path mount : List.of(mountA, mountB)) {
				SnapshotCluster.cli("fs", "umount", mount.toString());
			}
			cluster.close();
		}
	}

	static void mount(Path dir) {
		assertThat(SnapshotCluster.cli("fs", "mount", "fs1", dir.toString()).code()).isZero();
	}

	static void umount(Path dir) {
		assertThat(SnapshotCluster.cli("fs", "umount", dir.toString()).code()).isZero();
	}

	@Test
	@Order(0)
	void theCatalogLivesOnTheMetaserversAlsoWithOneOfThemDown() throws IOException {
		MdsRestApi.FileSystem fs1 = cluster.rest.fileSystem("fs1");
		assertThat(fs1.status()).isEqualTo("READY");
		assertThat(fs1.partitions()).hasSize(3).extracting(MdsRestApi.FsPartition::copysetId).doesNotHaveDuplicates();
		assertThat(fs1.mounts()).hasSize(2);
		MdsRestApi.FsPartition first = fs1.partitions().stream().filter(p -> p.startInode() == 1).findFirst().orElseThrow();

		FsCapabilities capabilities = FsCapabilities.fromSecret(
				Files.readString(cluster.home.resolve(LocalCluster.DATA_KEY_FILE), StandardCharsets.UTF_8).trim());
		FsCapability reader = capabilities.issue((int) fs1.id(), 0, FsCapabilities.READ, System.currentTimeMillis() + 60_000);
		PartitionRequest stats = PartitionRequest.newBuilder()
			.setPartition(PartitionRef.newBuilder()
				.setCopyset(CopysetKey.newBuilder().setLogicalPoolId((int) first.logicalPoolId()).setCopysetId((int) first.copysetId()))
				.setPartitionId((int) first.id())
				.setCapability(reader))
			.build();
		ServiceSpec metaserver = cluster.layout.metaServers().get(0);
		ManagedChannel channel = ManagedChannelBuilder.forTarget(metaserver.grpc()).usePlaintext().build();
		try {
			// every replica serves the partition (followers through the read index): the root is there
			PartitionStats found = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
				.until(() -> MetaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).getPartitionStats(stats),
						s -> true);
			assertThat(found.getNextInode()).isGreaterThanOrEqualTo(2);
			// the door is locked: no capability, nothing served
			assertThatThrownBy(() -> MetaServiceGrpc.newBlockingStub(channel).getPartitionStats(stats.toBuilder()
				.setPartition(stats.getPartition().toBuilder().clearCapability())
				.build())).isInstanceOfSatisfying(StatusRuntimeException.class,
						e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		}
		finally {
			channel.shutdownNow();
		}

		cluster.cluster.kill("metaserver-1");
		try {
			assertThat(SnapshotCluster.cli("fs", "create", "fs2").code()).isZero();
			// CREATING until each partition's copyset has elected a leader among the two left
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(cluster.rest.fileSystem("fs2").status()).isEqualTo("READY"));
			// the mounts ride through: their calls follow the new leaders
			Files.writeString(mountA.resolve("during-outage"), "written with a metaserver down");
			assertThat(Files.readString(mountA.resolve("during-outage"))).isEqualTo("written with a metaserver down");
		}
		finally {
			cluster.cluster.start("metaserver-1", System.out);
		}

		assertThat(SnapshotCluster.cli("fs", "create", "fs1").code()).as("FS_EXISTS").isOne();
		assertThat(SnapshotCluster.cli("fs", "create", "no/slash").code()).as("INVALID_FS_NAME").isOne();
		assertThat(SnapshotCluster.cli("fs", "info", "missing").code()).as("FS_NOT_FOUND").isOne();
		assertThat(SnapshotCluster.cli("fs", "delete", "fs1").code()).as("FS_MOUNTED").isOne();
		assertThat(SnapshotCluster.cli("fs", "list").out()).contains("fs1", "fs2");
		assertThat(SnapshotCluster.cli("fs", "delete", "fs2").code()).isZero();
		assertThat(SnapshotCluster.cli("fs", "info", "fs2").code()).isOne();
		assertThat(SnapshotCluster.cli("fs", "list").out()).contains("fs1").doesNotContain("fs2");
		Files.delete(mountA.resolve("during-outage"));
	}

	@Test
	@Order(1)
	void filesAndDirectoriesWithPosixErrors() throws IOException {
		Path dir = Files.createDirectory(mountA.resolve("posix"));
		Path file = dir.resolve("file");
		byte[] data = SnapshotCluster.random(3 * 1024 * 1024 + 17, 1);
		Files.write(file, data);
		assertThat(Files.readAllBytes(file)).isEqualTo(data);
		assertThat(Files.size(file)).isEqualTo(data.length);
		assertThat(Files.isRegularFile(file)).isTrue();

		assertThatThrownBy(() -> Files.write(file, data, StandardOpenOption.CREATE_NEW))
			.isInstanceOf(FileAlreadyExistsException.class);
		assertThatThrownBy(() -> Files.readAllBytes(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
		assertThatThrownBy(() -> Files.createDirectory(file.resolve("sub"))).isInstanceOf(FileSystemException.class)
			.hasMessageContaining("Not a directory");
		assertThatThrownBy(() -> Files.newByteChannel(dir, StandardOpenOption.WRITE))
			.isInstanceOf(FileSystemException.class)
			.hasMessageContaining("Is a directory");
		String longName = "n".repeat(256);
		assertThatThrownBy(() -> Files.createFile(dir.resolve(longName))).isInstanceOf(FileSystemException.class)
			.hasMessageContaining("File name too long");
		Files.createFile(dir.resolve("n".repeat(255)));

		Path sub = Files.createDirectory(dir.resolve("sub"));
		Files.writeString(sub.resolve("x"), "x");
		assertThatThrownBy(() -> Files.delete(sub)).isInstanceOf(DirectoryNotEmptyException.class);
		assertThatThrownBy(() -> Files.createDirectory(sub)).isInstanceOf(FileAlreadyExistsException.class);
		Files.delete(sub.resolve("x"));
		Files.delete(sub);
		assertThat(Files.exists(sub)).isFalse();
		assertThat(list(dir)).containsExactly("file", "n".repeat(255));
	}

	@Test
	@Order(2)
	void linksAttributesTruncateAndExtendedAttributes() throws Exception {
		Path dir = Files.createDirectory(mountA.resolve("attrs"));
		Path file = dir.resolve("f");
		Files.writeString(file, "hello, curvefs");

		Path hard = dir.resolve("hard");
		Files.createLink(hard, file);
		// libfuse2 gives each name its own kernel inode, whose attributes live for attr_timeout (1 s)
		assertThat(Files.getAttribute(hard, "unix:nlink")).isEqualTo(2);
		await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(Files.getAttribute(file, "unix:nlink")).isEqualTo(2));
		assertThat(Files.readString(hard)).isEqualTo("hello, curvefs");
		Files.delete(file);
		assertThat(Files.readString(hard)).isEqualTo("hello, curvefs");
		await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(Files.getAttribute(hard, "unix:nlink")).isEqualTo(1));

		Path symlink = dir.resolve("sym");
		Files.createSymbolicLink(symlink, Path.of("hard"));
		assertThat(Files.readSymbolicLink(symlink)).isEqualTo(Path.of("hard"));
		assertThat(Files.readString(symlink)).isEqualTo("hello, curvefs");
		assertThat(Files.isSymbolicLink(symlink)).isTrue();

		Files.setPosixFilePermissions(hard, PosixFilePermissions.fromString("rw-r-----"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hard))).isEqualTo("rw-r-----");
		Files.setAttribute(hard, "unix:uid", 1234);
		Files.setAttribute(hard, "unix:gid", 4321);
		assertThat(Files.getAttribute(hard, "unix:uid")).isEqualTo(1234);
		assertThat(Files.getAttribute(hard, "unix:gid")).isEqualTo(4321);
		FileTime when = FileTime.fromMillis(1_600_000_000_123L);
		Files.setLastModifiedTime(hard, when);
		assertThat(Files.getLastModifiedTime(hard).toMillis()).isEqualTo(when.toMillis());

		// truncate down, then a write past the end leaves a hole of zeros; truncate up is zeros too
		try (FileChannel channel = FileChannel.open(hard, StandardOpenOption.WRITE)) {
			channel.truncate(5);
			channel.write(ByteBuffer.wrap("!".getBytes(StandardCharsets.UTF_8)), 10);
		}
		assertThat(Files.readAllBytes(hard)).isEqualTo("hello\0\0\0\0\0!".getBytes(StandardCharsets.UTF_8));
		try (RandomAccessFile raf = new RandomAccessFile(hard.toFile(), "rw")) {
			raf.setLength(20);
		}
		byte[] grown = Files.readAllBytes(hard);
		assertThat(grown).hasSize(20);
		assertThat(java.util.Arrays.copyOfRange(grown, 11, 20)).containsOnly(0);

		UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(hard, UserDefinedFileAttributeView.class);
		xattrs.write("color", ByteBuffer.wrap("blue".getBytes(StandardCharsets.UTF_8)));
		xattrs.write("size", ByteBuffer.wrap("xl".getBytes(StandardCharsets.UTF_8)));
		assertThat(xattrs.list()).containsExactlyInAnyOrder("color", "size");
		ByteBuffer value = ByteBuffer.allocate(xattrs.size("color"));
		xattrs.read("color", value);
		assertThat(new String(value.array(), StandardCharsets.UTF_8)).isEqualTo("blue");
		xattrs.delete("color");
		assertThat(xattrs.list()).containsExactly("size");
		assertThatThrownBy(() -> xattrs.size("color")).isInstanceOf(FileSystemException.class);

		Path fifo = dir.resolve("fifo");
		run("mkfifo", fifo.toString());
		assertThat(run("stat", "-c", "%F", fifo.toString()).trim()).isEqualTo("fifo");
		assertThat(Files.getFileStore(hard).getTotalSpace()).isPositive();
		assertThat(Files.isReadable(hard)).isTrue();
	}

	@Test
	@Order(3)
	void renamesReplaceMoveAndRefuse() throws IOException {
		Path dir = Files.createDirectory(mountA.resolve("rename"));
		Path a = Files.createDirectory(dir.resolve("a"));
		Path b = Files.createDirectory(dir.resolve("b"));
		Files.writeString(a.resolve("one"), "one");
		Files.writeString(b.resolve("two"), "two");
		// over an existing file: the target is replaced
		Files.move(a.resolve("one"), b.resolve("two"), StandardCopyOption.REPLACE_EXISTING);
		assertThat(Files.readString(b.resolve("two"))).isEqualTo("one");
		assertThat(list(a)).isEmpty();
		// a directory with its contents into another directory
		Files.writeString(Files.createDirectory(a.resolve("inner")).resolve("deep"), "deep");
		Files.move(a.resolve("inner"), b.resolve("moved"));
		assertThat(Files.readString(b.resolve("moved").resolve("deep"))).isEqualTo("deep");
		// a directory over a non-empty one is refused and changes nothing
		Files.createDirectory(a.resolve("empty"));
		assertThatThrownBy(() -> Files.move(a.resolve("empty"), b.resolve("moved"), StandardCopyOption.ATOMIC_MOVE))
			.isInstanceOf(FileSystemException.class);
		assertThat(list(a)).containsExactly("empty");
		assertThat(list(b)).containsExactly("moved", "two");

		// an open file stays readable after its last name goes
		Path doomed = dir.resolve("doomed");
		Files.writeString(doomed, "still here");
		try (FileChannel open = FileChannel.open(doomed, StandardOpenOption.READ)) {
			Files.delete(doomed);
			ByteBuffer buffer = ByteBuffer.allocate(64);
			open.read(buffer, 0);
			assertThat(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)).isEqualTo("still here");
		}
		assertThat(Files.exists(doomed)).isFalse();
	}

	@Test
	@Order(4)
	void largeDirectoryListsInPages() throws IOException {
		Path dir = Files.createDirectory(mountA.resolve("large"));
		int count = 2_500;
		for (int i = 0; i < count; i++) {
			Files.createFile(dir.resolve(String.format("entry-%05d", i)));
		}
		assertThat(list(dir)).hasSize(count).first().isEqualTo("entry-00000");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(list(mountB.resolve("large"))).hasSize(count));
	}

	@Test
	@Order(5)
	void closeToOpenBetweenTwoMountsAndRenamesSeenOnTheOther() throws IOException {
		Path dir = Files.createDirectory(mountA.resolve("shared"));
		byte[] first = SnapshotCluster.random(5 * 1024 * 1024, 2);
		Files.write(dir.resolve("f"), first);
		Path onB = mountB.resolve("shared").resolve("f");
		await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(onB));
		assertThat(Files.readAllBytes(onB)).isEqualTo(first);
		// a rewrite closed on B is read whole on A after open
		byte[] second = SnapshotCluster.random(1024 * 1024, 3);
		Files.write(onB, second, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(second));

		Files.move(dir.resolve("f"), dir.resolve("g"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(Files.exists(mountB.resolve("shared").resolve("f"))).isFalse();
			assertThat(Files.readAllBytes(mountB.resolve("shared").resolve("g"))).isEqualTo(second);
		});
	}

	@Test
	@Order(6)
	void randomOperationsMatchALocalDirectoryAlsoAfterRemount() throws IOException {
		Map<String, String> before = randomOperationsMatchLocal(Files.createDirectory(mountA.resolve("random")),
				Files.createDirectory(local.resolve("random")), 7, 300);
		umount(mountA);
		mount(mountA);
		assertThat(snapshot(mountA.resolve("random"))).isEqualTo(before);
	}

	@Test
	@Order(7)
	void smallSyncedOverwritesAreCompactedReadTheSameAndLeaveNoGarbage() throws Exception {
		Path onMount = mountA.resolve("overwritten");
		Path onLocal = local.resolve("overwritten");
		Random random = new Random(11);
		byte[] first = new byte[1 << 20];
		random.nextBytes(first);
		try (FileChannel m = FileChannel.open(onMount, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileChannel l = FileChannel.open(onLocal, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			m.write(ByteBuffer.wrap(first));
			l.write(ByteBuffer.wrap(first));
			// every fsync records one more piece: far past the metaservers' threshold (32 per chunk)
			for (int i = 0; i < 80; i++) {
				byte[] data = new byte[1 + random.nextInt(16_384)];
				random.nextBytes(data);
				long at = random.nextInt(first.length - data.length);
				m.write(ByteBuffer.wrap(data), at);
				m.force(false);
				l.write(ByteBuffer.wrap(data), at);
			}
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> compactedChunks() > 0);
		// a fresh mount reads by the compacted list, nothing cached
		umount(mountA);
		mount(mountA);
		assertThat(Files.mismatch(onMount, onLocal)).isEqualTo(-1);

		// after everything the earlier cases did on fs1, the random workload above included
		SnapshotCluster.Run check = SnapshotCluster.cli("fs", "check", "fs1");
		assertThat(check.out()).contains("unreferenced objects: 0", "missing objects: 0");
		assertThat(check.code()).as(check.out()).isZero();
		assertThat(SnapshotCluster.cli("fs", "check", "no-such-fs").code()).as("FS_NOT_FOUND").isOne();
	}

	@Test
	@Order(14)
	void everyMetricTheDashboardsAndAlertsQueryIsExported() throws Exception {
		// the volume panels read the NBD server's per-volume meters, made when a volume is opened
		assertThat(SnapshotCluster.cli("volume", "create", "/metrics/vol", "--size", "1GiB").code()).isZero();
		String nbd = "nbd://" + cluster.layout.nbd().nbd() + "/metrics/vol";
		run("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 64k", "-c", "read -P 0x5a 0 64k", nbd);
		String nbdMetrics = DeployedMetrics.scrape(cluster.layout.nbd().http());
		assertThat(nbdMetrics).contains(
				"curve4j_client_io_seconds_count{op=\"write\",outcome=\"success\",volume=\"/metrics/vol\"}",
				"curve4j_client_io_bytes_total{op=\"read\",volume=\"/metrics/vol\"}",
				"curve4j_client_io_seconds_bucket{op=\"read\",outcome=\"success\",volume=\"/metrics/vol\",le=\"0.001\"}");
		Set<String> exported = new TreeSet<>(DeployedMetrics.SYNTHETIC);
		for (ServiceSpec service : cluster.layout.services()) {
			if (service.http() != null && !service.equals(cluster.layout.s3())) {
				exported.addAll(DeployedMetrics.exposed(DeployedMetrics.scrape(service.http())));
			}
		}
		// the write-back mount of case 13 wrote the FUSE client's metrics (node_exporter's textfile collector reads them)
		exported.addAll(DeployedMetrics.exposed(Files.readString(cluster.home.resolve("cache-w/metrics.prom"))));
		Path deploy = Path.of("..", "deploy").toAbsolutePath().normalize();
		Set<String> queried = DeployedMetrics.queried(deploy.resolve("grafana/dashboards"), deploy.resolve("prometheus"));
		assertThat(queried).as("metrics the dashboards and alerts query").hasSizeGreaterThan(10)
			.contains("curve4j_mds_leader", "curve4j_mds_copysets", "disk_free_bytes");
		assertThat(queried).as("queried but exported by no service of a running cluster").isSubsetOf(exported);
	}

	/** Chunk lists the metaservers swapped for merged pieces, by their metrics. */
	private static long compactedChunks() throws Exception {
		long total = 0;
		for (ServiceSpec ms : cluster.layout.metaServers()) {
			String metrics = DeployedMetrics.scrape(ms.http());
			total += metrics.lines()
				.filter(line -> line.startsWith("curve4j_metaserver_compaction_chunks_total") && line.contains("result=\"swapped\""))
				.mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
				.sum();
		}
		return total;
	}

	/** One random step: write at a random offset, truncate, rename, unlink, link. */
	/**
	 * The same random writes, truncates, renames, unlinks and links on the mount and on a
	 * local directory, the two trees compared after every step.
	 * @return the tree they end with
	 */
	private static Map<String, String> randomOperationsMatchLocal(Path onMount, Path onLocal, long seed, int steps)
			throws IOException {
		Random random = new Random(seed);
		List<String> names = List.of("a", "b", "c", "d", "e", "f");
		for (int step = 0; step < steps; step++) {
			String name = names.get(random.nextInt(names.size()));
			String other = names.get(random.nextInt(names.size()));
			int op = random.nextInt(6);
			for (Path root : List.of(onMount, onLocal)) {
				applyRandom(root, op, name, other, new Random(step));
			}
			assertThat(snapshot(onMount)).as("after step %d (op %d on %s/%s)", step, op, name, other)
				.isEqualTo(snapshot(onLocal));
		}
		return snapshot(onLocal);
	}

	private static void applyRandom(Path root, int op, String name, String other, Random random) throws IOException {
		Path file = root.resolve(name);
		Path target = root.resolve(other);
		try {
			switch (op) {
				case 0, 1 -> {
					byte[] data = new byte[1 + random.nextInt(200_000)];
					random.nextBytes(data);
					try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
						channel.write(ByteBuffer.wrap(data), random.nextInt(300_000));
					}
				}
				case 2 -> {
					if (Files.exists(file)) {
						try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
							channel.truncate(random.nextInt(250_000));
						}
					}
				}
				case 3 -> {
					if (Files.exists(file) && !name.equals(other)) {
						Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
					}
				}
				case 4 -> Files.deleteIfExists(file);
				default -> {
					if (Files.exists(file) && !Files.exists(target)) {
						Files.createLink(target, file);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new IOException("on " + root + ": " + ex, ex);
		}
	}

	@Test
	@Order(8)
	void unpackAndBuildASourceTreeAsOnLocalDisk() throws Exception {
		Path archive = cluster.home.resolve("src.tar.gz");
		Path source = Files.createDirectories(cluster.home.resolve("src-origin").resolve("project"));
		for (int i = 0; i < 40; i++) {
			Files.writeString(source.resolve("unit" + i + ".c"),
					"int unit" + i + "(int x) { int s = 0; for (int k = 0; k < x; k++) s += k * " + (i + 1) + "; return s; }\n");
		}
		Files.writeString(source.resolve("main.c"), "#include <stdio.h>\nint unit7(int);\nint main(void) { printf(\"%d\\n\", unit7(10)); return 0; }\n");
		run("tar", "czf", archive.toString(), "-C", source.getParent().toString(), "project");
		Map<String, String> built = new TreeMap<>();
		for (Path root : List.of(Files.createDirectory(mountA.resolve("build")), Files.createDirectory(local.resolve("build")))) {
			run("tar", "xzf", archive.toString(), "-C", root.toString());
			Path project = root.resolve("project");
			// relative names, so that nothing built records where it was built
			run("sh", "-c", "cd '" + project + "' && for f in *.c; do gcc -O2 -c \"$f\"; done && gcc -o app *.o");
			assertThat(run(project.resolve("app").toString()).trim()).isEqualTo("360");
			built.put(root.toString(), snapshot(project).toString());
		}
		// the same sources, objects and program on the mount as on local disk
		assertThat(built).hasSize(2);
		assertThat(built.values()).containsOnly(built.values().iterator().next());
	}

	@Test
	@Order(9)
	void renameStressFromManyClientsLeavesEveryFileExactlyOnce() throws Exception {
		Path root = Files.createDirectory(mountA.resolve("stress"));
		int dirs = 4;
		int files = 40;
		for (int d = 0; d < dirs; d++) {
			Files.createDirectory(root.resolve("d" + d));
		}
		for (int f = 0; f < files; f++) {
			Files.writeString(root.resolve("d" + (f % dirs)).resolve("file-" + f), "file-" + f);
		}
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<?>> runs = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			Path mount = t % 2 == 0 ? mountA : mountB;
			int seed = t;
			runs.add(pool.submit(() -> {
				Random random = new Random(seed);
				for (int i = 0; i < 60; i++) {
					String name = "file-" + random.nextInt(files);
					Path to = mount.resolve("stress").resolve("d" + random.nextInt(dirs)).resolve(name);
					for (int d = 0; d < dirs; d++) {
						Path from = mount.resolve("stress").resolve("d" + d).resolve(name);
						try {
							Files.move(from, to);
							break;
						}
						catch (NoSuchFileException | FileAlreadyExistsException moved) {
							// another client moved it first, or it is already there
						}
						catch (IOException ex) {
							throw new IllegalStateException(ex);
						}
					}
				}
				return null;
			}));
		}
		for (Future<?> run : runs) {
			run.get(5, TimeUnit.MINUTES);
		}
		pool.shutdown();
		Map<String, Integer> seen = new TreeMap<>();
		for (int d = 0; d < dirs; d++) {
			for (String name : list(root.resolve("d" + d))) {
				seen.merge(name, 1, Integer::sum);
				assertThat(Files.readString(root.resolve("d" + d).resolve(name))).isEqualTo(name);
			}
		}
		assertThat(seen).hasSize(files).allSatisfy((name, count) -> assertThat(count).as(name).isOne());
	}

	@Test
	@Order(10)
	void metaserverKilledDuringCreatesAndRenamesLosesNothingAcknowledged() throws Exception {
		Path dir = Files.createDirectory(mountA.resolve("kill-meta"));
		Map<String, String> acknowledged = new ConcurrentHashMap<>();
		AtomicBoolean stop = new AtomicBoolean();
		List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newSingleThreadExecutor();
		Future<Integer> load = pool.submit(() -> {
			int done = 0;
			while (!stop.get()) {
				String name = "f" + done;
				try {
					Files.writeString(dir.resolve(name), name);
					if (done % 2 == 0) {
						Files.move(dir.resolve(name), dir.resolve("r" + done));
						acknowledged.put("r" + done, name);
					}
					else {
						acknowledged.put(name, name);
					}
				}
				catch (IOException ex) {
					// a call that was on the killed leader when it died has no known outcome: EIO, not acknowledged
					failed.add(name + ": " + ex);
				}
				done++;
			}
			return done;
		});
		await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 20);
		ServiceSpec leader = leaderOfPartitionOf(dir);
		cluster.cluster.kill(leader.name());
		int before = acknowledged.size();
		await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= before + 40);
		stop.set(true);
		assertThat(load.get(60, TimeUnit.SECONDS)).isPositive();
		pool.shutdown();
		assertThat(failed).as("operations that failed around the kill").hasSizeLessThanOrEqualTo(2);
		cluster.cluster.start(leader.name(), System.out);
		Map<String, String> found = new TreeMap<>();
		for (String name : list(dir)) {
			found.put(name, Files.readString(dir.resolve(name)));
		}
		assertThat(found).containsAllEntriesOf(acknowledged);
		// nothing twice: a renamed file is only under its new name
		for (String name : acknowledged.keySet()) {
			if (name.startsWith("r")) {
				assertThat(found).doesNotContainKey("f" + name.substring(1));
			}
		}
	}

	@Test
	@Order(11)
	void fuseClientKilledMidWriteKeepsEveryClosedFileWhole() throws Exception {
		Path dir = Files.createDirectory(mountB.resolve("kill-client"));
		Map<String, String> closed = new TreeMap<>();
		for (int i = 0; i < 10; i++) {
			byte[] data = SnapshotCluster.random(256 * 1024 + i, 100 + i);
			Files.write(dir.resolve("closed-" + i), data);
			closed.put("closed-" + i, sha256(data));
		}
		FileChannel open = FileChannel.open(dir.resolve("open"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		open.write(ByteBuffer.wrap(SnapshotCluster.random(3 * 1024 * 1024, 9)));
		killMountClient(mountB);
		try {
			open.close();
		}
		catch (IOException gone) {
			// the client is dead: the kernel answers ENOTCONN
		}
		umount(mountB);
		mount(mountB);
		for (Map.Entry<String, String> file : closed.entrySet()) {
			assertThat(sha256(Files.readAllBytes(mountB.resolve("kill-client").resolve(file.getKey()))))
				.as(file.getKey()).isEqualTo(file.getValue());
		}
	}

	@Test
	@Order(12)
	void aMountsDiskCacheServesReadsAcrossRemountsEvenWithoutTheObjects() throws Exception {
		byte[] data = SnapshotCluster.random(6 * 1024 * 1024 + 5, 77);
		Files.write(mountA.resolve("cached.bin"), data);
		Path mountC = Files.createDirectories(cluster.home.resolve("mnt-c"));
		Path cacheDir = cluster.home.resolve("cache-c");
		String[] mountCached = { "fs", "mount", "fs1", mountC.toString(), "--cache-dir", cacheDir.toString(),
				"--cache-size", "64M" };
		assertThat(SnapshotCluster.cli(mountCached).code()).isZero();
		try {
			assertThat(Files.readAllBytes(mountC.resolve("cached.bin"))).isEqualTo(data);
			umount(mountC);
			assertThat(list(cacheDir.resolve("read"))).as("the file's two block objects").hasSizeGreaterThanOrEqualTo(2);

			// with the file's objects gone from S3, only the disk cache has its bytes
			long inode = ((Number) Files.getAttribute(mountA.resolve("cached.bin"), "unix:ino")).longValue();
			try (S3Client client = s3Client()) {
				SnapshotStore bucket = new SnapshotStore(client, LocalCluster.FS_BUCKET);
				List<String> objects = objectsOf(bucket, inode);
				assertThat(objects).hasSizeGreaterThanOrEqualTo(2);
				bucket.delete(objects);
			}
			assertThat(SnapshotCluster.cli(mountCached).code()).isZero();
			assertThat(Files.readAllBytes(mountC.resolve("cached.bin"))).isEqualTo(data);
			assertThat(Files.readString(cluster.cluster.mounts().log(mountC))).contains("read-only disk cache in " + cacheDir);
		}
		finally {
			SnapshotCluster.cli("fs", "umount", mountC.toString());
			Files.deleteIfExists(mountA.resolve("cached.bin"));
		}
	}

	@Test
	@Order(13)
	void writeBackWritesAreDurableOnTheCacheDiskThroughAnS3OutageAndAClientCrash() throws Exception {
		Path mountW = Files.createDirectories(cluster.home.resolve("mnt-w"));
		Path cacheDir = cluster.home.resolve("cache-w");
		String[] mountWriteBack = { "fs", "mount", "fs1", mountW.toString(), "--cache-dir", cacheDir.toString(),
				"--cache-mode", "write-back", "--cache-size", "256M" };
		assertThat(SnapshotCluster.cli(mountWriteBack).code()).isZero();
		byte[] data = SnapshotCluster.random(3 * 1024 * 1024 + 7, 31);
		String s3 = Long.toString(cluster.cluster.status().stream()
			.filter(s -> s.spec().kind() == ServiceSpec.Kind.S3).findFirst().orElseThrow().pid());
		try {
			assertThat(cluster.rest.fileSystem("fs1").mounts())
				.filteredOn(m -> m.mountPoint().equals(mountW.toString()))
				.singleElement()
				.extracting(MdsRestApi.FsMount::cacheMode).isEqualTo("write-back");

			run("kill", "-STOP", s3);
			try {
				// S3 does not answer, yet fsync returns: the bytes are on the cache disk and the piece on the metaservers
				assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
					try (FileChannel out = FileChannel.open(mountW.resolve("wb.bin"), StandardOpenOption.CREATE,
							StandardOpenOption.WRITE)) {
						out.write(ByteBuffer.wrap(data));
						out.force(true);
					}
				});
				assertThat(Files.readAllBytes(mountW.resolve("wb.bin"))).isEqualTo(data);
				assertThat(list(cacheDir.resolve("write"))).isNotEmpty();
				await().atMost(Duration.ofSeconds(30)).until(() -> cacheMetric(cacheDir, "curve4j_fs_cache_pending_upload_bytes") >= data.length);
				killMountClient(mountW);
			}
			finally {
				run("kill", "-CONT", s3);
			}

			// only the dead client's disk has the bytes: another mount waits for the upload, then fails (never zeros)
			long started = System.nanoTime();
			assertThatThrownBy(() -> Files.readAllBytes(mountB.resolve("wb.bin"))).isInstanceOf(IOException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(9));
			// fs check counts its objects as pending, not missing (other cases may leave garbage: only this file is checked)
			long inode = ((Number) Files.getAttribute(mountB.resolve("wb.bin"), "unix:ino")).longValue();
			String objectOfTheFile = "(?m)(^|[/\\s])\\d+_" + inode + "_\\d+_\\d+_\\d+";
			SnapshotCluster.Run pending = SnapshotCluster.cli("fs", "check", "fs1");
			assertThat(pending.out()).containsPattern("pending upload on write-back clients: [1-9]\\d* objects")
				.doesNotContainPattern(objectOfTheFile);

			// restarted on its cache directory, the client uploads what it left pending before it serves
			umount(mountW);
			assertThat(SnapshotCluster.cli(mountWriteBack).code()).isZero();
			assertThat(Files.readAllBytes(mountB.resolve("wb.bin"))).isEqualTo(data);
			assertThat(list(cacheDir.resolve("write"))).isEmpty();
			await().atMost(Duration.ofSeconds(30)).until(() -> cacheMetric(cacheDir, "curve4j_fs_cache_uploaded_bytes_total") >= data.length
					&& cacheMetric(cacheDir, "curve4j_fs_cache_pending_upload_bytes") == 0);
			SnapshotCluster.Run uploaded = SnapshotCluster.cli("fs", "check", "fs1");
			assertThat(uploaded.out()).contains("pending upload on write-back clients: 0 objects")
				.doesNotContainPattern(objectOfTheFile);
		}
		finally {
			SnapshotCluster.cli("fs", "umount", mountW.toString());
			Files.deleteIfExists(mountA.resolve("wb.bin"));
		}
	}

	@Test
	@Order(14)
	void metadataWriteBackCommitsCreatesLaterKeepsSyncedFilesThroughACrashAndNamesAConflictBeside() throws Exception {
		Path mountM = Files.createDirectories(cluster.home.resolve("mnt-m"));
		Path cacheDir = cluster.home.resolve("cache-m");
		String[] mountMetadataWriteBack = { "fs", "mount", "fs1", mountM.toString(), "--cache-dir", cacheDir.toString(),
				"--cache-mode", "write-back", "--cache-size", "256M", "--metadata-write-back" };
		assertThat(SnapshotCluster.cli("fs", "mount", "fs1", mountM.toString(), "--metadata-write-back").code())
			.as("metadata write-back without a write-back cache").isNotZero();
		assertThat(SnapshotCluster.cli(mountMetadataWriteBack).code()).isZero();
		try {
			Path dir = Files.createDirectory(mountM.resolve("meta-wb"));
			Map<String, String> written = new TreeMap<>();
			for (int i = 0; i < 300; i++) {
				byte[] data = SnapshotCluster.random(4096 + i, 500 + i);
				Files.write(dir.resolve("f" + i), data);
				written.put("f" + i, sha256(data));
			}
			// this mount reads its files at once (a read waits for their records); another mount once they are committed
			assertThat(sha256(Files.readAllBytes(dir.resolve("f7")))).isEqualTo(written.get("f7"));
			assertThat(list(dir)).hasSize(300);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(snapshot(mountB.resolve("meta-wb")))
				.isEqualTo(written));

			// records made within the linger (50 ms) of the oldest one go to the metaservers together, in one Raft entry:
			// four files 5 ms apart (a create and a piece record each) are one batch, two if a write stalls; sent
			// as soon as they were made, they would be at least three
			Path lingered = Files.createDirectory(mountM.resolve("lingered"));
			Map<String, Double> beforeLinger = freshMetrics(cacheDir);
			for (int i = 0; i < 4; i++) {
				Files.writeString(lingered.resolve("l" + i), "l" + i);
				Thread.sleep(5);
			}
			String committed = "curve4j_fs_metadata_committed_records_total";
			AtomicReference<Map<String, Double>> afterLinger = new AtomicReference<>();
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				afterLinger.set(freshMetrics(cacheDir));
				return sample(afterLinger.get(), committed) - sample(beforeLinger, committed) >= 8;
			});
			assertThat(sample(afterLinger.get(), committed) - sample(beforeLinger, committed)).isEqualTo(8);
			String batches = "curve4j_fs_metadata_batches_total";
			assertThat(sample(afterLinger.get(), batches) - sample(beforeLinger, batches)).isBetween(1.0, 2.0);

			// unlinks are queued too: the names are gone here at once and on the other mount once committed, in few
			// Raft entries; a name removed can be made again at once
			Path unlinked = Files.createDirectory(mountM.resolve("unlinked"));
			for (int i = 0; i < 20; i++) {
				Files.writeString(unlinked.resolve("x" + i), "x" + i);
			}
			Files.writeString(unlinked.resolve("kept"), "kept");
			await().atMost(Duration.ofSeconds(30)).until(() -> list(mountB.resolve("unlinked")).size() == 21);
			Map<String, Double> beforeUnlinks = freshMetrics(cacheDir);
			for (int i = 0; i < 20; i++) {
				Files.delete(unlinked.resolve("x" + i));
			}
			assertThat(Files.exists(unlinked.resolve("x3"))).isFalse();
			assertThatThrownBy(() -> Files.delete(unlinked.resolve("x3"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
			Files.writeString(unlinked.resolve("x5"), "again");
			AtomicReference<Map<String, Double>> afterUnlinks = new AtomicReference<>();
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				afterUnlinks.set(freshMetrics(cacheDir));
				return sample(afterUnlinks.get(), committed) - sample(beforeUnlinks, committed) >= 22;
			});
			assertThat(sample(afterUnlinks.get(), committed) - sample(beforeUnlinks, committed)).as("20 unlinks, a create and its data")
				.isEqualTo(22);
			// one each would be 21; a stall past the linger splits a batch
			assertThat(sample(afterUnlinks.get(), batches) - sample(beforeUnlinks, batches)).isBetween(1.0, 5.0);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(snapshot(mountB.resolve("unlinked")))
				.isEqualTo(Map.of("kept", sha256("kept".getBytes(StandardCharsets.UTF_8)), "x5",
						sha256("again".getBytes(StandardCharsets.UTF_8)))));
			// fsync of the directory returns once its queued unlinks are committed: a mount that never looked the
			// name up finds it gone right after
			try (FileChannel out = FileChannel.open(unlinked.resolve("y"), StandardOpenOption.CREATE_NEW,
					StandardOpenOption.WRITE)) {
				out.write(ByteBuffer.wrap(new byte[] { 1 }));
				out.force(true);
			}
			Files.delete(unlinked.resolve("y"));
			try (FileChannel directory = FileChannel.open(unlinked, StandardOpenOption.READ)) {
				directory.force(true);
			}
			assertThat(Files.exists(mountB.resolve("unlinked").resolve("y"))).isFalse();

			// a name another mount takes after this mount last listed the directory: the other keeps it, this file goes beside
			String[] conflict = nameTakenMeanwhile(dir, mountB.resolve("meta-wb"));
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(Files.readString(mountB.resolve("meta-wb").resolve(conflict[0]))).isEqualTo("theirs");
				assertThat(Files.readString(mountB.resolve("meta-wb").resolve(conflict[1]))).isEqualTo("ours");
			});
			await().atMost(Duration.ofSeconds(30)).until(() -> cacheMetric(cacheDir, "curve4j_fs_metadata_conflicts_total") == 1
					&& cacheMetric(cacheDir, "curve4j_fs_metadata_pending_records") == 0);

			// names this mount did not make are looked up in a listing at most a second old: another mount's changes show after it
			Path onOther = mountB.resolve("meta-wb");
			Files.writeString(onOther.resolve("r1"), "old");
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
				.untilAsserted(() -> assertThat(Files.readString(dir.resolve("r1"))).isEqualTo("old"));
			Files.writeString(onOther.resolve("r2"), "new");
			Files.move(onOther.resolve("r2"), onOther.resolve("r1"), StandardCopyOption.REPLACE_EXISTING);
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
				.untilAsserted(() -> assertThat(Files.readString(dir.resolve("r1"))).isEqualTo("new"));
			await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir.resolve("r2")));
			Files.delete(onOther.resolve("r1"));
			await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir.resolve("r1")));

			// directories another mount made, filled here one after the other in name order: their listings are read ahead
			Path walkedOnB = Files.createDirectory(mountB.resolve("walked"));
			for (int i = 0; i < 20; i++) {
				Files.createDirectory(walkedOnB.resolve(String.format("w%02d", i)));
			}
			double[] before = listingMetrics(cacheDir);
			for (int i = 0; i < 20; i++) {
				Files.writeString(mountM.resolve("walked").resolve(String.format("w%02d", i)).resolve("f"), "in " + i);
			}
			double[] after = listingMetrics(cacheDir);
			// w00 and w01 are asked (w00 has no directory before it), then the rest are read ahead; a stall past
			// the listings' second would ask one more, so the bounds leave room
			assertThat(after[1] - before[1]).as("listings read ahead").isGreaterThanOrEqualTo(10);
			assertThat(after[0] - before[0]).as("listings a lookup waited for").isLessThanOrEqualTo(10);
			for (int i = 0; i < 20; i++) {
				String name = String.format("w%02d", i);
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Files.readString(walkedOnB.resolve(name)
					.resolve("f"))).isEqualTo("in " + name.substring(1).replaceFirst("^0", "")));
			}

			// writes, truncates, renames, unlinks and links among files whose records may still be queued
			Map<String, String> random200 = randomOperationsMatchLocal(Files.createDirectory(mountM.resolve("random-mwb")),
					Files.createDirectory(local.resolve("random-mwb")), 11, 200);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(snapshot(mountB.resolve("random-mwb")))
				.isEqualTo(random200));
			Files.writeString(dir.resolve("p"), "1");
			assertThatThrownBy(() -> Files.writeString(dir.resolve("p"), "2", StandardOpenOption.CREATE_NEW))
				.isInstanceOf(java.nio.file.FileAlreadyExistsException.class);

			// fsync returns once the records are committed: synced files survive a crash of the client whole
			Map<String, String> synced = new TreeMap<>();
			Map<String, String> closedOnly = new TreeMap<>();
			for (int i = 0; i < 40; i++) {
				byte[] data = SnapshotCluster.random(8192 + i, 900 + i);
				try (FileChannel out = FileChannel.open(dir.resolve("s" + i), StandardOpenOption.CREATE_NEW,
						StandardOpenOption.WRITE)) {
					out.write(ByteBuffer.wrap(data));
					out.force(true);
				}
				synced.put("s" + i, sha256(data));
				byte[] other = SnapshotCluster.random(8192 + i, 1900 + i);
				Files.write(dir.resolve("u" + i), other);
				closedOnly.put("u" + i, sha256(other));
			}
			killMountClient(mountM);
			umount(mountM);
			// restarted, the client uploads the staged objects its records name (before it serves) and drops the others
			assertThat(SnapshotCluster.cli(mountMetadataWriteBack).code()).isZero();
			await().atMost(Duration.ofSeconds(60)).until(() -> list(cacheDir.resolve("write")).isEmpty());
			Path onB = mountB.resolve("meta-wb");
			for (Map.Entry<String, String> file : synced.entrySet()) {
				assertThat(sha256(Files.readAllBytes(onB.resolve(file.getKey())))).as(file.getKey()).isEqualTo(file.getValue());
			}
			// closed without fsync: lost, or there empty (its data not recorded yet), or whole; never anything else
			for (Map.Entry<String, String> file : closedOnly.entrySet()) {
				if (Files.exists(onB.resolve(file.getKey()))) {
					byte[] bytes = Files.readAllBytes(onB.resolve(file.getKey()));
					assertThat(bytes.length == 0 || sha256(bytes).equals(file.getValue())).as(file.getKey()).isTrue();
				}
			}
		}
		finally {
			SnapshotCluster.cli("fs", "umount", mountM.toString());
		}
	}

	@Test
	@Order(15)
	void anUploadDelayKeepsRemovedFilesOutOfTheStoreAndAnUnmountUploadsWhatWaits() throws Exception {
		Path mountD = Files.createDirectories(cluster.home.resolve("mnt-d"));
		Path cacheDir = cluster.home.resolve("cache-d");
		List<String> writeBack = List.of("fs", "mount", "fs1", mountD.toString(), "--cache-dir", cacheDir.toString(),
				"--cache-mode", "write-back", "--cache-size", "256M", "--upload-delay");
		try (S3Client client = s3Client()) {
			SnapshotStore bucket = new SnapshotStore(client, LocalCluster.FS_BUCKET);

			// a delay far longer than the test: nothing goes up while it lasts, and the unmount uploads at once
			assertThat(SnapshotCluster.cli(concat(writeBack, "600")).code()).isZero();
			byte[] kept = SnapshotCluster.random(200_003, 61);
			Files.write(mountD.resolve("kept.bin"), kept);
			long keptInode = ((Number) Files.getAttribute(mountD.resolve("kept.bin"), "unix:ino")).longValue();
			assertThat(objectsOf(bucket, keptInode)).isEmpty();
			assertThat(list(cacheDir.resolve("write"))).isNotEmpty();
			// a file removed here goes from the waiting pieces at once, not when its delay ends
			Files.write(mountD.resolve("gone.bin"), SnapshotCluster.random(150_001, 64));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> cacheMetric(cacheDir, "curve4j_fs_cache_pending_upload_bytes") == kept.length + 150_001);
			Files.delete(mountD.resolve("gone.bin"));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> cacheMetric(cacheDir, "curve4j_fs_cache_pending_upload_bytes") == kept.length);
			umount(mountD);
			assertThat(objectsOf(bucket, keptInode)).isNotEmpty();
			assertThat(list(cacheDir.resolve("write"))).isEmpty();
			assertThat(Files.readAllBytes(mountB.resolve("kept.bin"))).isEqualTo(kept);

			// a short delay: what is still named then goes up; a file removed within it never does
			assertThat(SnapshotCluster.cli(concat(writeBack, "3")).code()).isZero();
			byte[] removed = SnapshotCluster.random(300_007, 62);
			Files.write(mountD.resolve("removed.bin"), removed);
			long removedInode = ((Number) Files.getAttribute(mountD.resolve("removed.bin"), "unix:ino")).longValue();
			byte[] later = SnapshotCluster.random(100_019, 63);
			Files.write(mountD.resolve("later.bin"), later);
			Files.delete(mountD.resolve("removed.bin"));
			// once nothing is pending both pieces are done: one uploaded, the other dropped
			await().atMost(Duration.ofSeconds(60)).until(() -> cacheMetric(cacheDir, "curve4j_fs_cache_pending_upload_bytes") == 0
					&& cacheMetric(cacheDir, "curve4j_fs_cache_uploaded_bytes_total") >= later.length);
			assertThat(cacheMetric(cacheDir, "curve4j_fs_cache_uploaded_bytes_total")).isEqualTo(later.length);
			assertThat(objectsOf(bucket, removedInode)).isEmpty();
			assertThat(list(cacheDir.resolve("write"))).isEmpty();
			assertThat(Files.readAllBytes(mountB.resolve("later.bin"))).isEqualTo(later);
		}
		finally {
			SnapshotCluster.cli("fs", "umount", mountD.toString());
			Files.deleteIfExists(mountA.resolve("kept.bin"));
			Files.deleteIfExists(mountA.resolve("later.bin"));
		}
	}

	private static String[] concat(List<String> args, String... last) {
		List<String> all = new ArrayList<>(args);
		all.addAll(List.of(last));
		return all.toArray(String[]::new);
	}

	/** A client of the cluster's S3 server. */
	private static S3Client s3Client() {
		LocalLayout.ObjectStore s3 = cluster.layout.objectStore();
		ObjectStoreSettings settings = new ObjectStoreSettings();
		settings.setEndpoint(java.net.URI.create(s3.endpoint()));
		settings.setRegion(s3.region());
		settings.setAccessKey(s3.accessKey());
		settings.setSecretKey(s3.secretKey());
		return settings.newClient("test");
	}

	/** The data objects of one inode in the file system bucket. */
	private static List<String> objectsOf(SnapshotStore bucket, long inode) {
		return bucket.keys("").stream().filter(k -> k.matches("(.*/)?\\d+_" + inode + "_\\d+_\\d+_\\d+")).toList();
	}

	/**
	 * Lists {@code dir} on the metadata write-back mount, lets the other mount create
	 * {@code taken}, and creates it here before this mount lists again (its listing is
	 * trusted for 1 s): tried again under another name if the other mount took longer than that.
	 * The metaservers are paused meanwhile, and a file made just before holds the commit
	 * thread: the create of the taken name and its data record go to them in one batch.
	 * @return the name the other mount keeps, and the name this mount's file is committed under
	 */
	private static String[] nameTakenMeanwhile(Path dir, Path onOther) throws Exception {
		String[] metaservers = cluster.cluster.status().stream()
			.filter(s -> s.spec().kind() == ServiceSpec.Kind.METASERVER)
			.map(s -> Long.toString(s.pid()))
			.toArray(String[]::new);
		for (int attempt = 0; attempt < 3; attempt++) {
			String name = attempt == 0 ? "taken" : "taken-" + attempt;
			long listed = System.nanoTime();
			assertThat(Files.exists(dir.resolve(name))).isFalse();
			Files.writeString(onOther.resolve(name), "theirs");
			if (System.nanoTime() - listed < Duration.ofMillis(800).toNanos()) {
				CompletableFuture<Void> writes;
				run(concat(List.of("kill", "-STOP"), metaservers));
				try {
					writes = CompletableFuture.runAsync(() -> {
						try {
							Files.writeString(dir.resolve(name + "-before"), "first");
							Files.writeString(dir.resolve(name), "ours");
						}
						catch (IOException ex) {
							throw new UncheckedIOException(ex);
						}
					});
					// the writes need no metaserver, unless this mount must reserve inode ids now
					writes.exceptionally((failed) -> null).completeOnTimeout(null, 3, TimeUnit.SECONDS).join();
				}
				finally {
					run(concat(List.of("kill", "-CONT"), metaservers));
				}
				writes.get(30, TimeUnit.SECONDS);
				long inode = ((Number) Files.getAttribute(dir.resolve(name), "unix:ino")).longValue();
				return new String[] { name, name + ".conflict-" + inode };
			}
		}
		throw new AssertionError("the other mount took more than 0.8 s to create a file, three times");
	}

	/** A value of the mount's cache metrics file (Prometheus text format), -1 when not there yet. */
	static double cacheMetric(Path cacheDir, String name) throws IOException {
		Path file = cacheDir.resolve("metrics.prom");
		return Files.exists(file) ? first(samples(file), name).orElse(-1) : -1;
	}

	/** The mount's listing counters {@code [asked, ahead]}, as {@link #freshMetrics} reads them. */
	static double[] listingMetrics(Path cacheDir) throws IOException {
		double[] counters = new double[2];
		freshMetrics(cacheDir).forEach((sample, value) -> {
			if (sample.startsWith("curve4j_fs_metadata_listings_total{")) {
				counters[sample.contains("read=\"asked\"") ? 0 : 1] = value;
			}
		});
		return counters;
	}

	/**
	 * The mount's metrics, sample (name and labels) to value, as of a rewrite of its metrics
	 * file that started after this call (the file is rewritten every 10 s).
	 */
	static Map<String, Double> freshMetrics(Path cacheDir) throws IOException {
		Path file = cacheDir.resolve("metrics.prom");
		FileTime seen = Files.getLastModifiedTime(file);
		await().atMost(Duration.ofSeconds(30)).until(() -> Files.getLastModifiedTime(file).compareTo(seen) > 0);
		return samples(file);
	}

	/** A metrics file (Prometheus text format), sample (name and labels) to value. */
	private static Map<String, Double> samples(Path file) throws IOException {
		Map<String, Double> samples = new TreeMap<>();
		for (String line : Files.readAllLines(file)) {
			if (!line.startsWith("#") && line.contains(" ")) {
				samples.put(line.substring(0, line.lastIndexOf(' ')), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
			}
		}
		return samples;
	}

	/** The one sample of metric {@code name} in {@code samples}. */
	static double sample(Map<String, Double> samples, String name) {
		return first(samples, name).orElseThrow();
	}

	private static OptionalDouble first(Map<String, Double> samples, String name) {
		return samples.entrySet().stream().filter(e -> e.getKey().startsWith(name + "{")).mapToDouble(Map.Entry::getValue)
			.findFirst();
	}

	/** SIGKILL of the mount's client process (its pid is in the file {@code bin/curve fs mount} keeps). */
	static void killMountClient(Path mount) {
		ProcessHandle client = cluster.cluster.mounts().mount(mount).process().orElseThrow();
		client.destroyForcibly();
		client.onExit().join();
	}

	/** The metaserver leading the copyset that holds {@code dir}'s entries. */
	static ServiceSpec leaderOfPartitionOf(Path dir) throws IOException {
		long inode = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
		MdsRestApi.FsPartition partition = cluster.rest.fileSystem("fs1").partitions().stream()
			.filter(p -> inode >= p.startInode() && inode < p.endInode()).findFirst().orElseThrow();
		JsonNode copyset = null;
		for (JsonNode c : cluster.rest.copysets(0, 1000).path("content")) {
			if (c.path("logicalPoolId").asLong() == partition.logicalPoolId() && c.path("copysetId").asLong() == partition.copysetId()) {
				copyset = c;
			}
		}
		assertThat(copyset).as("copyset of partition " + partition.id()).isNotNull();
		int leaderId = copyset.path("leaderId").asInt();
		String raft = "";
		for (JsonNode peer : copyset.path("peers")) {
			if (peer.path("chunkServerId").asInt() == leaderId) {
				raft = peer.path("raftAddress").asString("");
			}
		}
		String leaderRaft = raft;
		return cluster.layout.metaServers().stream().filter(s -> s.raft().equals(leaderRaft)).findFirst().orElseThrow();
	}

	static List<String> list(Path dir) throws IOException {
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	/** Every regular file under root (relative name -> sha256), symlinks by target. */
	static Map<String, String> snapshot(Path root) throws IOException {
		Map<String, String> sums = new TreeMap<>();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path p : files.filter(p -> !p.equals(root)).toList()) {
				String key = root.relativize(p).toString();
				if (Files.isSymbolicLink(p)) {
					sums.put(key, "-> " + Files.readSymbolicLink(p));
				}
				else if (Files.isDirectory(p)) {
					sums.put(key, "dir");
				}
				else {
					sums.put(key, sha256(Files.readAllBytes(p)));
				}
			}
		}
		return sums;
	}

	static String sha256(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String run(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IOException(String.join(" ", command) + " failed: " + out);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		return out;
	}

}
