package io.curve4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.Volume;
import io.curve4j.sdk.cluster.MdsRestApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots end to end on the processes {@code bin/curve local up} starts (MDS,
 * chunkservers, S3Proxy, the snapshot service): a snapshot taken over REST holds what
 * was written before it and not the overwrite that follows at once; the objects are
 * checked with the AWS CLI, a client we did not write; a later snapshot copies only the
 * chunks that changed; deleting the first keeps what the others need; the snapshot
 * service killed mid-copy resumes and finishes; a chunkserver killed during a copy only
 * delays it; under concurrent writes the snapshot holds exactly what was acknowledged
 * before it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
// about four minutes of kills and copies: with the fault-injection suite, which .ci/run runs after mvn verify
@Tag("fault")
class SnapshotServiceIT {

	private static final int CHUNK = SnapshotCluster.CHUNK;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration COPY_TIMEOUT = SnapshotCluster.COPY_TIMEOUT;

	static SnapshotCluster env;

	static Path home;

	static LocalCluster cluster;

	static LocalLayout layout;

	static CurveClient client;

	static MdsRestApi rest;

	/** The three chunks written before the first snapshot, the overwrite of two, and a later change of one. */
	static final byte[] first = random(3 * CHUNK, 1);

	static final byte[] overwrite = random(2 * CHUNK, 2);

	static final byte[] change = random(CHUNK, 3);

	static MdsRestApi.Snapshot snapshot1;

	static MdsRestApi.Snapshot snapshot2;

	static MdsRestApi.Snapshot snapshot3;

	@BeforeAll
	static void startCluster() throws IOException {
		env = SnapshotCluster.up("snapshot-service-it");
		home = env.home;
		cluster = env.cluster;
		layout = env.layout;
		client = env.client;
		rest = env.rest;
		client.createDirectory("/snap");
	}

	@AfterAll
	static void stopCluster() {
		if (env != null) {
			env.close();
		}
	}

	@Test
	@Order(1)
	void aSnapshotHoldsWhatWasWrittenBeforeItAndNotTheOverwrite() throws Exception {
		client.createVolume("/snap/vol", Sizes.DEFAULT_SEGMENT_SIZE);
		try (Volume volume = client.open("/snap/vol")) {
			volume.write(0, first);
			snapshot1 = rest.createSnapshot(new MdsRestApi.NewSnapshot("/snap/vol", "first"));
			// at once, while the snapshot service copies
			volume.write(0, overwrite);
		}
		awaitDone(snapshot1);

		JsonNode manifest = manifest(snapshot1);
		assertThat(manifest.path("seq").asLong()).isEqualTo(snapshot1.seq());
		assertThat(manifest.path("chunkSize").asInt()).isEqualTo(CHUNK);
		List<Long> contentSns = contentSns(manifest);
		assertThat(contentSns).hasSize((int) (Sizes.DEFAULT_SEGMENT_SIZE / CHUNK));
		assertThat(contentSns.subList(0, 3)).containsOnly(snapshot1.seq());
		assertThat(contentSns.subList(3, contentSns.size())).containsOnly(0L);
		for (int chunk = 0; chunk < 3; chunk++) {
			assertThat(object(chunkKey(snapshot1, chunk, contentSns.get(chunk))))
				.as("chunk %d as written before the snapshot", chunk)
				.isEqualTo(Arrays.copyOfRange(first, chunk * CHUNK, (chunk + 1) * CHUNK));
		}
		assertThat(bucketKeys()).containsExactlyInAnyOrder(manifestKey(snapshot1), chunkKey(snapshot1, 0, 1),
				chunkKey(snapshot1, 1, 1), chunkKey(snapshot1, 2, 1));
		// the in-cluster snapshot ended with the copy
		assertThat(client.stat("/snap/vol").snapshotSeqs()).isEmpty();
	}

	@Test
	@Order(2)
	void laterSnapshotsCopyOnlyTheChunksThatChanged() throws Exception {
		Set<String> before = bucketKeys();
		snapshot2 = rest.createSnapshot(new MdsRestApi.NewSnapshot("/snap/vol", "second"));
		awaitDone(snapshot2);
		Set<String> added = added(before);
		// chunks 0 and 1 were overwritten after the first snapshot; chunk 2 is the first's object
		assertThat(added).containsExactlyInAnyOrder(manifestKey(snapshot2), chunkKey(snapshot2, 0, snapshot2.seq()),
				chunkKey(snapshot2, 1, snapshot2.seq()));
		assertThat(object(chunkKey(snapshot2, 1, snapshot2.seq()))).isEqualTo(Arrays.copyOfRange(overwrite, CHUNK, 2 * CHUNK));

		try (Volume volume = client.open("/snap/vol")) {
			volume.write(CHUNK, change);
		}
		before = bucketKeys();
		snapshot3 = rest.createSnapshot(new MdsRestApi.NewSnapshot("/snap/vol", "third"));
		awaitDone(snapshot3);
		assertThat(added(before)).as("one chunk changed: one chunk object copied")
			.containsExactlyInAnyOrder(manifestKey(snapshot3), chunkKey(snapshot3, 1, snapshot3.seq()));
	}

	@Test
	@Order(3)
	void deletingTheFirstSnapshotKeepsTheObjectsTheOthersNeed() throws Exception {
		assertThat(rest.deleteSnapshot(snapshot1.id()).status()).isEqualTo("DELETING");
		await().atMost(COPY_TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
				assertThatThrownBy(() -> rest.snapshot(snapshot1.id())).isInstanceOfSatisfying(CurveException.class,
						(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.SNAPSHOT_NOT_FOUND)));

		Set<String> keys = bucketKeys();
		assertThat(keys).doesNotContain(manifestKey(snapshot1), chunkKey(snapshot1, 0, 1), chunkKey(snapshot1, 1, 1));
		assertThat(keys).contains(chunkKey(snapshot1, 2, 1));
		// the third snapshot, read back from its manifest: the overwrite, the change, the first's chunk 2
		byte[] expected = Arrays.copyOf(overwrite, 3 * CHUNK);
		System.arraycopy(change, 0, expected, CHUNK, CHUNK);
		System.arraycopy(first, 2 * CHUNK, expected, 2 * CHUNK, CHUNK);
		List<Long> contentSns = contentSns(manifest(snapshot3));
		for (int chunk = 0; chunk < 3; chunk++) {
			assertThat(object(chunkKey(snapshot3, chunk, contentSns.get(chunk)))).as("chunk %d of the third", chunk)
				.isEqualTo(Arrays.copyOfRange(expected, chunk * CHUNK, (chunk + 1) * CHUNK));
		}
	}

	@Test
	@Order(4)
	void theSnapshotServiceKilledMidCopyResumesAndFinishes() throws Exception {
		int chunks = 10;
		byte[] data = random(chunks * CHUNK, 4);
		client.createVolume("/snap/big", Sizes.DEFAULT_SEGMENT_SIZE);
		try (Volume volume = client.open("/snap/big")) {
			volume.write(0, data);
		}
		MdsRestApi.Snapshot snapshot = rest.createSnapshot(new MdsRestApi.NewSnapshot("/snap/big", "big"));
		await().atMost(COPY_TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> rest.snapshot(snapshot.id()).progress() > 0);
		cluster.kill(layout.snapshotService().name());
		assertThat(rest.snapshot(snapshot.id()).status()).as("killed before the copy finished").isEqualTo("PENDING");
		// progress is percent of the volume's chunks: at least this many were stored before the kill
		long volumeChunks = Sizes.DEFAULT_SEGMENT_SIZE / CHUNK;
		long storedBeforeKill = (rest.snapshot(snapshot.id()).progress() * volumeChunks + 99) / 100;
		assertThat(storedBeforeKill).isPositive();

		cluster.start(layout.snapshotService().name(), System.out);
		awaitDone(snapshot);

		List<Long> contentSns = contentSns(manifest(snapshot));
		for (int chunk = 0; chunk < chunks; chunk++) {
			assertThat(object(chunkKey(snapshot, chunk, contentSns.get(chunk)))).as("chunk %d", chunk)
				.isEqualTo(Arrays.copyOfRange(data, chunk * CHUNK, (chunk + 1) * CHUNK));
		}
		// the restarted service read only the chunks past the reported progress
		Matcher finished = Pattern.compile("copy of snapshot " + snapshot.id() + " .* finished in \\d+ ms: (\\d+) chunks copied")
			.matcher(Files.readString(home.resolve(layout.snapshotService().name()).resolve("service.log")));
		assertThat(finished.find()).as("the finished copy's log line").isTrue();
		assertThat(Long.parseLong(finished.group(1))).isLessThanOrEqualTo(chunks - Math.min(chunks, storedBeforeKill));
	}

	@Test
	@Order(5)
	void aChunkServerKilledDuringTheCopyOnlyDelaysIt() throws Exception {
		int chunks = 6;
		byte[] data = random(chunks * CHUNK, 5);
		client.createVolume("/snap/healing", Sizes.DEFAULT_SEGMENT_SIZE);
		try (Volume volume = client.open("/snap/healing")) {
			volume.write(0, data);
		}
		String victim = layout.chunkServers().get(1).name();
		MdsRestApi.Snapshot snapshot = rest.createSnapshot(new MdsRestApi.NewSnapshot("/snap/healing", "healing"));
		cluster.kill(victim);
		try {
			awaitDone(snapshot);
		}
		finally {
			cluster.start(victim, System.out);
		}
		List<Long> contentSns = contentSns(manifest(snapshot));
		for (int chunk = 0; chunk < chunks; chunk++) {
			assertThat(object(chunkKey(snapshot, chunk, contentSns.get(chunk)))).as("chunk %d", chunk)
				.isEqualTo(Arrays.copyOfRange(data, chunk * CHUNK, (chunk + 1) * CHUNK));
		}
	}

	/**
	 * The point in time under load: writers keep writing while the snapshot is taken, and
	 * every 4 KiB block of the snapshot (read in the cluster, the snapshot service stopped
	 * so it cannot drop the copies) holds the last write to it acknowledged before the
	 * create call, or one in flight or started while it ran; never one started after it
	 * returned. A block's writes come one at a time from one writer, so "last" is exact.
	 */
	@Test
	@Order(6)
	void underConcurrentWritesTheSnapshotHoldsExactlyWhatWasAcknowledgedBeforeIt() throws Exception {
		int chunks = 4;
		int block = 4096;
		int blocks = chunks * CHUNK / block;
		int writers = 4;
		client.createVolume("/snap/busy", Sizes.DEFAULT_SEGMENT_SIZE);
		cluster.kill(layout.snapshotService().name());
		// per block, its writes in order: value, when it started, when it was acknowledged
		List<List<long[]>> history = new ArrayList<>();
		for (int b = 0; b < blocks; b++) {
			history.add(java.util.Collections.synchronizedList(new ArrayList<>()));
		}
		java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
		List<Thread> threads = new ArrayList<>();
		MdsRestApi.Snapshot snapshot;
		long createStart;
		long createEnd;
		try (Volume volume = client.open("/snap/busy")) {
			for (int w = 0; w < writers; w++) {
				int writer = w;
				Thread thread = new Thread(() -> {
					Random random = new Random(writer);
					long count = 0;
					while (!stop.get()) {
						// the blocks of this writer: b % writers == writer
						int b = random.nextInt(blocks / writers) * writers + writer;
						long value = ((long) (writer + 1) << 48) | ++count;
						byte[] data = new byte[block];
						java.nio.ByteBuffer.wrap(data).putLong(value).putLong(b);
						long started = System.nanoTime();
						volume.write((long) b * block, data);
						history.get(b).add(new long[] { value, started, System.nanoTime() });
					}
				}, "writer-" + w);
				thread.start();
				threads.add(thread);
			}
			Thread.sleep(1500);
			createStart = System.nanoTime();
			snapshot = rest.createSnapshot(new MdsRestApi.NewSnapshot("/snap/busy", "busy"));
			createEnd = System.nanoTime();
			Thread.sleep(1500);
			stop.set(true);
			for (Thread thread : threads) {
				thread.join();
			}
		}
		long written = history.stream().mapToLong(List::size).sum();
		assertThat(written).as("writes around the snapshot").isGreaterThan(100);

		List<String> wrong = new ArrayList<>();
		try (io.curve4j.sdk.block.VolumeSnapshot at = client.openSnapshot("/snap/busy", snapshot.seq())) {
			for (int chunk = 0; chunk < chunks; chunk++) {
				java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(at.readChunk(chunk).data());
				for (int i = 0; i < CHUNK / block; i++) {
					int b = chunk * (CHUNK / block) + i;
					long value = data.getLong(i * block);
					List<long[]> writes = history.get(b);
					int last = -1;
					for (int k = 0; k < writes.size(); k++) {
						if (writes.get(k)[2] < createStart) {
							last = k;
						}
					}
					boolean allowed = value == (last < 0 ? 0 : writes.get(last)[0]);
					for (int k = last + 1; k < writes.size() && !allowed; k++) {
						allowed = writes.get(k)[0] == value && writes.get(k)[1] < createEnd;
					}
					if (!allowed) {
						wrong.add("block " + b + " holds " + Long.toHexString(value) + ", last acknowledged before: "
								+ (last < 0 ? "none" : Long.toHexString(writes.get(last)[0])));
					}
				}
			}
		}
		finally {
			cluster.start(layout.snapshotService().name(), System.out);
		}
		assertThat(wrong).as("blocks of the snapshot outside its point in time").isEmpty();
		awaitDone(snapshot);
	}

	private static void awaitDone(MdsRestApi.Snapshot snapshot) {
		env.awaitDone(snapshot);
	}

	private static Set<String> added(Set<String> before) throws Exception {
		Set<String> now = bucketKeys();
		now.removeAll(before);
		return now;
	}

	private static String chunkKey(MdsRestApi.Snapshot snapshot, long chunk, long contentSn) {
		return "volumes/" + snapshot.volumeId() + "/chunks/" + chunk + "-" + contentSn;
	}

	private static String manifestKey(MdsRestApi.Snapshot snapshot) {
		return "snapshots/" + snapshot.volumeId() + "/" + snapshot.id() + ".json";
	}

	private static JsonNode manifest(MdsRestApi.Snapshot snapshot) throws Exception {
		return JSON.readTree(object(manifestKey(snapshot)));
	}

	private static List<Long> contentSns(JsonNode manifest) {
		List<Long> sns = new ArrayList<>();
		manifest.path("chunkContentSns").forEach((n) -> sns.add(n.asLong()));
		return sns;
	}

	/** Every key in the bucket, as {@code aws s3 ls --recursive} lists them. */
	private static Set<String> bucketKeys() throws Exception {
		Set<String> keys = new HashSet<>();
		String listing = new String(aws("s3", "ls", "--recursive", "s3://" + layout.objectStore().bucket() + "/"),
				StandardCharsets.UTF_8);
		for (String line : listing.split("\n")) {
			String[] columns = line.trim().split("\\s+");
			if (columns.length == 4) {
				keys.add(columns[3]);
			}
		}
		return keys;
	}

	private static byte[] object(String key) throws Exception {
		return aws("s3", "cp", "--quiet", "s3://" + layout.objectStore().bucket() + "/" + key, "-");
	}

	/** The AWS CLI against the local S3 server, with the credentials from cluster.json. */
	private static byte[] aws(String... args) throws Exception {
		LocalLayout.ObjectStore store = layout.objectStore();
		List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", store.endpoint()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
		builder.environment().put("AWS_ACCESS_KEY_ID", store.accessKey());
		builder.environment().put("AWS_SECRET_ACCESS_KEY", store.secretKey());
		builder.environment().put("AWS_DEFAULT_REGION", store.region());
		Process process = builder.start();
		byte[] out = process.getInputStream().readAllBytes();
		assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
		return out;
	}

	private static byte[] random(int length, long seed) {
		return SnapshotCluster.random(length, seed);
	}

}
