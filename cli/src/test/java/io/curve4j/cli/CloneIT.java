package io.curve4j.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.FileStat;
import io.curve4j.sdk.block.Volume;
import io.curve4j.sdk.cluster.MdsRestApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Clones end to end on the processes {@code bin/curve local up} starts: a lazy clone of
 * a snapshot reads the snapshot (not the source's later overwrite) through the
 * chunkservers, its writes (whole pages and a sector inside a page) never reach the
 * source or the snapshot; a flatten ends the link, after which the snapshot and the
 * source can go (refused with VOLUME_HAS_CLONES before); a full clone of a volume holds
 * the volume as it was at the clone call; a chunkserver or the snapshot service killed
 * mid-flatten only delays it (the service resumes where it was); and the refusals.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
// kills and flattens of real processes: with the fault-injection suite, which .ci/run runs after mvn verify
@Tag("fault")
class CloneIT {

	private static final int CHUNK = SnapshotCluster.CHUNK;

	/** Chunks of the source written before its snapshot: enough for a kill to land mid-flatten. */
	private static final int CHUNKS = 12;

	static SnapshotCluster env;

	static CurveClient client;

	static MdsRestApi rest;

	/** The source's content at its snapshot, and the overwrite of its first two chunks right after. */
	static final byte[] first = SnapshotCluster.random(CHUNKS * CHUNK, 1);

	static final byte[] overwrite = SnapshotCluster.random(2 * CHUNK, 2);

	/** The lazy clone's content: {@link #first} and the clone's own writes. */
	static byte[] cloneContent;

	static MdsRestApi.Snapshot snapshot;

	/** A snapshot of the flattened first clone, for the flattens that are interrupted. */
	static MdsRestApi.Snapshot flattened;

	@BeforeAll
	static void startCluster() throws IOException {
		env = SnapshotCluster.up("clone-it");
		client = env.client;
		rest = env.rest;
		client.createDirectory("/clone");
		client.createVolume("/clone/src", Sizes.DEFAULT_SEGMENT_SIZE);
		try (Volume volume = client.open("/clone/src")) {
			volume.write(0, first);
			snapshot = rest.createSnapshot(new MdsRestApi.NewSnapshot("/clone/src", "s1"));
			volume.write(0, overwrite);
		}
		env.awaitDone(snapshot);
	}

	@AfterAll
	static void stopCluster() {
		if (env != null) {
			env.close();
		}
	}

	@Test
	@Order(1)
	void aLazyCloneOfASnapshotReadsTheSnapshotNotTheOverwrite() {
		FileStat clone = client.clone("/clone/src@s1", "/clone/lazy", true);
		assertThat(clone.cloneLink()).isNotNull();
		assertThat(clone.cloneLink().status()).isEqualTo(FileStat.CloneStatus.LAZY);
		assertThat(clone.cloneLink().sourcePath()).isEqualTo("/clone/src");
		assertThat(clone.cloneLink().snapshotName()).isEqualTo("s1");
		assertThat(clone.cloneLink().snapshotId()).isEqualTo(snapshot.id());
		assertThat(clone.length()).isEqualTo(Sizes.DEFAULT_SEGMENT_SIZE);

		assertReads("/clone/lazy", first);
		byte[] source = first.clone();
		System.arraycopy(overwrite, 0, source, 0, overwrite.length);
		assertReads("/clone/src", source);

		SnapshotCluster.Run info = SnapshotCluster.cli("volume", "info", "/clone/lazy");
		assertThat(info.code()).as(info.err()).isZero();
		assertThat(info.out()).contains("clone of", "/clone/src@s1", "LAZY");
	}

	@Test
	@Order(2)
	void writesToTheCloneNeverChangeTheSourceOrTheSnapshot() {
		byte[] pages = SnapshotCluster.random(3 * Sizes.PAGE_SIZE, 3);
		byte[] sector = SnapshotCluster.random(Sizes.SECTOR_SIZE, 4);
		// whole pages inside chunk 1; a sector in the middle of a page of chunk 2 (the rest
		// of that page must come from the snapshot); a write across chunks 3 and 4
		long pagesAt = CHUNK + 2L * Sizes.PAGE_SIZE;
		long sectorAt = 2L * CHUNK + 5L * Sizes.PAGE_SIZE + 1024;
		byte[] across = SnapshotCluster.random(2 * Sizes.PAGE_SIZE, 5);
		long acrossAt = 4L * CHUNK - Sizes.PAGE_SIZE;
		try (Volume volume = client.open("/clone/lazy")) {
			volume.write(pagesAt, pages);
			volume.write(sectorAt, sector);
			volume.write(acrossAt, across);
		}
		cloneContent = first.clone();
		System.arraycopy(pages, 0, cloneContent, (int) pagesAt, pages.length);
		System.arraycopy(sector, 0, cloneContent, (int) sectorAt, sector.length);
		System.arraycopy(across, 0, cloneContent, (int) acrossAt, across.length);
		assertReads("/clone/lazy", cloneContent);

		byte[] source = first.clone();
		System.arraycopy(overwrite, 0, source, 0, overwrite.length);
		assertReads("/clone/src", source);
		// the snapshot as a second clone made by the command line reads it
		SnapshotCluster.Run run = SnapshotCluster.cli("clone", "/clone/src@s1", "/clone/lazy2", "--lazy");
		assertThat(run.code()).as(run.err()).isZero();
		assertThat(run.out()).contains("/clone/lazy2 is ready; it reads /clone/src@s1 until flattened");
		assertReads("/clone/lazy2", first);
	}

	@Test
	@Order(3)
	void afterTheFlattenTheSnapshotAndTheSourceCanGoAndTheCloneStillReadsRight() {
		assertCode(() -> client.delete("/clone/src"), ErrorCode.VOLUME_HAS_CLONES);
		assertCode(() -> rest.deleteSnapshot(snapshot.id()), ErrorCode.VOLUME_HAS_CLONES);
		assertThat(rest.snapshot(snapshot.id()).status()).isEqualTo("DONE");
		assertThat(client.stat("/clone/src").isDirectory()).isFalse();

		SnapshotCluster.Run run = SnapshotCluster.cli("flatten", "/clone/lazy", "--wait");
		assertThat(run.code()).as(run.err()).isZero();
		assertThat(run.out()).contains("Flattening /clone/lazy", "/clone/lazy is flattened: it no longer reads /clone/src@s1");
		assertThat(client.stat("/clone/lazy").cloneLink()).isNull();
		// the other clone still needs the snapshot
		assertCode(() -> rest.deleteSnapshot(snapshot.id()), ErrorCode.VOLUME_HAS_CLONES);
		assertThat(client.flatten("/clone/lazy2").cloneLink().status()).isEqualTo(FileStat.CloneStatus.FLATTENING);
		awaitFlattened("/clone/lazy2");

		rest.deleteSnapshot(snapshot.id());
		await().atMost(SnapshotCluster.COPY_TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
				assertCode(() -> rest.snapshot(snapshot.id()), ErrorCode.SNAPSHOT_NOT_FOUND));
		client.delete("/clone/src");
		assertCode(() -> client.stat("/clone/src"), ErrorCode.VOLUME_NOT_FOUND);

		assertReads("/clone/lazy", cloneContent);
		assertReads("/clone/lazy2", first);
	}

	@Test
	@Order(4)
	void aFullCloneOfAVolumeHoldsTheVolumeAtTheCloneCall() {
		byte[] before = SnapshotCluster.random(3 * CHUNK, 6);
		client.createVolume("/clone/vol", Sizes.DEFAULT_SEGMENT_SIZE);
		FileStat clone;
		try (Volume volume = client.open("/clone/vol")) {
			volume.write(0, before);
			clone = client.clone("/clone/vol", "/clone/full", false);
			// at once, while the snapshot taken for the clone is copied
			volume.write(0, SnapshotCluster.random(2 * CHUNK, 7));
		}
		assertThat(clone.cloneLink()).isNotNull();
		assertThat(clone.cloneLink().snapshotName()).isEqualTo("clone-" + clone.id());
		// a full clone flattens on its own: a flatten call could come after it finished (NOT_A_CLONE)
		awaitFlattened("/clone/full");
		assertReads("/clone/full", before);
		awaitSnapshotsGone("/clone/vol");
	}

	@Test
	@Order(5)
	void theFullCloneCommandWaitsUntilFlattened() {
		SnapshotCluster.Run run = SnapshotCluster.cli("clone", "/clone/vol", "/clone/full2");
		assertThat(run.code()).as(run.err()).isZero();
		assertThat(run.out()).contains("Cloned /clone/vol to /clone/full2.", "/clone/full2 is flattened");
		assertThat(client.stat("/clone/full2").cloneLink()).isNull();
		awaitSnapshotsGone("/clone/vol");
	}

	@Test
	@Order(6)
	void aChunkServerKilledDuringAFlattenOnlyDelaysIt() {
		client.clone(flattenedCloneSnapshot(), "/clone/healing", true);
		client.flatten("/clone/healing");
		long atKill = awaitFlattenStarted("/clone/healing");
		String victim = env.layout.chunkServers().get(1).name();
		env.cluster.kill(victim);
		try {
			// the two replicas left are a majority: the flatten goes on
			await().atMost(SnapshotCluster.COPY_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
				FileStat.Clone link = client.stat("/clone/healing").cloneLink();
				return link == null || link.nextChunk() > atKill;
			});
		}
		finally {
			env.cluster.start(victim, System.out);
		}
		awaitFlattened("/clone/healing");
		assertReads("/clone/healing", cloneContent);
	}

	@Test
	@Order(7)
	void theSnapshotServiceKilledMidFlattenResumesWhereItWas() {
		client.clone(flattenedCloneSnapshot(), "/clone/resumed", true);
		client.flatten("/clone/resumed");
		awaitFlattenStarted("/clone/resumed");
		env.cluster.kill(env.layout.snapshotService().name());
		FileStat.Clone atKill = client.stat("/clone/resumed").cloneLink();
		assertThat(atKill).as("killed before the flatten finished").isNotNull();
		assertThat(atKill.status()).isEqualTo(FileStat.CloneStatus.FLATTENING);
		assertThat(atKill.nextChunk()).isPositive().isLessThan(atKill.sourceChunks());

		env.cluster.start(env.layout.snapshotService().name(), System.out);
		AtomicLong lowest = new AtomicLong(atKill.nextChunk());
		await().atMost(SnapshotCluster.COPY_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
			FileStat.Clone now = client.stat("/clone/resumed").cloneLink();
			if (now == null) {
				return true;
			}
			lowest.set(Math.min(lowest.get(), now.nextChunk()));
			return false;
		});
		assertThat(lowest.get()).as("progress after the restart").isEqualTo(atKill.nextChunk());
		assertReads("/clone/resumed", cloneContent);
	}

	@Test
	@Order(8)
	void refusalsChangeNothing() {
		// a snapshot not in the object store yet: the snapshot service stopped keeps it PENDING
		env.cluster.kill(env.layout.snapshotService().name());
		MdsRestApi.Snapshot pending;
		try {
			pending = rest.createSnapshot(new MdsRestApi.NewSnapshot("/clone/vol", "pending"));
			assertCode(() -> client.clone("/clone/vol@pending", "/clone/early", true), ErrorCode.SNAPSHOT_NOT_READY);
			assertCode(() -> client.stat("/clone/early"), ErrorCode.VOLUME_NOT_FOUND);
			// a clone of a volume cannot be opened until its source snapshot is in the object store
			// (another volume: /clone/vol has its one in-cluster snapshot, pending)
			FileStat waiting = client.clone("/clone/full", "/clone/waiting", true);
			assertThat(waiting.cloneLink().status()).isEqualTo(FileStat.CloneStatus.WAITING_FOR_SOURCE);
			assertCode(() -> client.open("/clone/waiting").close(), ErrorCode.SNAPSHOT_NOT_READY);
		}
		finally {
			env.cluster.start(env.layout.snapshotService().name(), System.out);
		}
		env.awaitDone(pending);
		await().atMost(SnapshotCluster.COPY_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> client.stat("/clone/waiting").cloneLink().status() == FileStat.CloneStatus.LAZY);

		// a lazy clone cannot be snapshotted nor cloned until flattened
		assertCode(() -> rest.createSnapshot(new MdsRestApi.NewSnapshot("/clone/waiting", "no")),
				ErrorCode.CLONE_NOT_FLATTENED);
		assertCode(() -> client.clone("/clone/waiting", "/clone/second", true), ErrorCode.CLONE_NOT_FLATTENED);
		assertThat(rest.snapshots("/clone/waiting", null, 0, 10).content()).isEmpty();
		assertCode(() -> client.stat("/clone/second"), ErrorCode.VOLUME_NOT_FOUND);

		SnapshotCluster.Run notAClone = SnapshotCluster.cli("flatten", "/clone/vol", "--wait");
		assertThat(notAClone.code()).isEqualTo(CurveCli.EXIT_ERROR);
		assertThat(notAClone.err()).startsWith("error: NOT_A_CLONE: ");
		assertThat(client.stat("/clone/vol").cloneLink()).isNull();

		SnapshotCluster.Run noSnapshot = SnapshotCluster.cli("clone", "/clone/vol@nope", "/clone/nope", "--lazy");
		assertThat(noSnapshot.code()).isEqualTo(CurveCli.EXIT_ERROR);
		assertThat(noSnapshot.err()).startsWith("error: SNAPSHOT_NOT_FOUND: ");
		assertCode(() -> client.stat("/clone/nope"), ErrorCode.VOLUME_NOT_FOUND);
		assertThat(rest.snapshots("/clone/vol", null, 0, 10).content()).extracting(MdsRestApi.Snapshot::name)
			.containsExactly("pending");
		assertThat(rest.snapshots("/clone/full", null, 0, 10).content()).extracting(MdsRestApi.Snapshot::name)
			.containsExactly("clone-" + client.stat("/clone/waiting").id());
	}

	/**
	 * {@code PATH@NAME} of a snapshot of the flattened first clone (its source is gone by
	 * then), taken once: {@link #cloneContent} in {@link #CHUNKS} chunks to flatten.
	 */
	private static String flattenedCloneSnapshot() {
		if (flattened == null) {
			flattened = rest.createSnapshot(new MdsRestApi.NewSnapshot("/clone/lazy", "flattened"));
			env.awaitDone(flattened);
		}
		return flattened.volume() + "@" + flattened.name();
	}

	/** A clone's source snapshot taken of a volume goes once no clone needs it. */
	private static void awaitSnapshotsGone(String volume) {
		await().atMost(SnapshotCluster.COPY_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> rest.snapshots(volume, null, 0, 10).content().isEmpty());
	}

	/** Waits until the flatten reported its first chunks done (it reports once a second), answers how far it got. */
	private static long awaitFlattenStarted(String path) {
		AtomicLong next = new AtomicLong();
		await().atMost(SnapshotCluster.COPY_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
			FileStat.Clone link = client.stat(path).cloneLink();
			assertThat(link).as("the flatten of %s finished before the kill", path).isNotNull();
			next.set(link.nextChunk());
			return link.nextChunk() > 0;
		});
		return next.get();
	}

	private static void awaitFlattened(String path) {
		await().atMost(SnapshotCluster.COPY_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> client.stat(path).cloneLink() == null);
	}

	/** The volume's first bytes, a chunk at a time, are {@code expected}. */
	private static void assertReads(String path, byte[] expected) {
		try (Volume volume = client.open(path)) {
			for (int chunk = 0; chunk * CHUNK < expected.length; chunk++) {
				byte[] read = volume.read((long) chunk * CHUNK, CHUNK);
				assertThat(Arrays.equals(read, Arrays.copyOfRange(expected, chunk * CHUNK, (chunk + 1) * CHUNK)))
					.as("%s chunk %d", path, chunk)
					.isTrue();
			}
			// past the written part: zeros (the source had none there)
			assertThat(volume.read(expected.length, Sizes.PAGE_SIZE)).containsOnly(0);
		}
	}

	private static void assertCode(Runnable call, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(CurveException.class,
				(ex) -> assertThat(ex.code()).as(ex.getMessage()).isEqualTo(code));
	}

}
