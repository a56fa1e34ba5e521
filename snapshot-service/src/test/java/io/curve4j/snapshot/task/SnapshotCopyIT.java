package io.curve4j.snapshot.task;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.objectstore.ObjectKeys;
import io.curve4j.objectstore.SnapshotManifest;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The copy and the deletion against a real S3 server (S3Proxy in this JVM): the object
 * layout, the manifest, the incremental skip, resuming, and deletion keeping what other
 * snapshots share.
 */
class SnapshotCopyIT {

	private static final int CHUNK = 64 * 1024;

	private static final long VOLUME_ID = 7;

	@RegisterExtension
	static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder()
		.withCredentials("access", "secret")
		.withBlobStoreProvider("transient")
		.build();

	private S3Client s3;

	private SnapshotStore store;

	private SimpleMeterRegistry registry;

	private TaskMetrics metrics;

	private SnapshotCopier copier;

	/** Every progress report of the copy under test, and what the MDS answers to them. */
	private final List<Long> reports = new ArrayList<>();

	private SnapshotStatus statusAnswered = SnapshotStatus.PENDING;

	@BeforeEach
	void connect() {
		URI endpoint = S3_PROXY.getUri();
		this.s3 = S3Client.builder()
			.endpointOverride(endpoint)
			.forcePathStyle(true)
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
			.build();
		this.store = new SnapshotStore(this.s3, "snap-" + UUID.randomUUID());
		this.store.ensureBucket();
		this.registry = new SimpleMeterRegistry();
		this.metrics = new TaskMetrics(this.registry);
		this.copier = new SnapshotCopier(this.store, this.metrics, Duration.ofHours(1));
	}

	@AfterEach
	void close() {
		this.s3.close();
	}

	@Test
	void copyStoresOneObjectPerWrittenChunkAndTheManifestLast() {
		InMemoryVolume volume = new InMemoryVolume(4, CHUNK).write(0, 1, 0x11).write(2, 1, 0x22);
		SnapshotCopier.Result result = copy(snapshot("s1", 1, 0), volume);

		assertThat(result.whole()).isTrue();
		assertThat(result.chunksCopied()).isEqualTo(2);
		assertThat(result.bytesCopied()).isEqualTo(2L * CHUNK);
		assertThat(this.store.keys("")).containsExactlyInAnyOrder("volumes/7/chunks/0-1", "volumes/7/chunks/2-1",
				"snapshots/7/s1.json");
		assertThat(this.store.get("volumes/7/chunks/2-1")).containsOnly(0x22);
		SnapshotManifest manifest = this.store.manifest(VOLUME_ID, "s1").orElseThrow();
		assertThat(manifest.chunkContentSns()).containsExactly(1L, 0L, 1L, 0L);
		assertThat(manifest.seq()).isEqualTo(1);
		assertThat(manifest.volumePath()).isEqualTo("/vol");
		assertThat(manifest.chunkSize()).isEqualTo(CHUNK);
		assertThat(manifest.length()).isEqualTo(4L * CHUNK);
		// the manifest's JSON as documented in docs/formats.md
		assertThat(new String(this.store.get("snapshots/7/s1.json"))).contains("\"chunkContentSns\":[1,0,1,0]")
			.contains("\"volumeId\":7");
		assertThat(this.registry.get("curve4j.snapshot.copied.bytes").counter().count()).isEqualTo(2.0 * CHUNK);
	}

	@Test
	void aSecondSnapshotCopiesOnlyTheChunksWrittenSinceTheFirst() {
		InMemoryVolume first = new InMemoryVolume(4, CHUNK).write(0, 1, 1).write(1, 1, 2).write(3, 1, 3);
		copy(snapshot("s1", 1, 0), first);
		InMemoryVolume second = new InMemoryVolume(4, CHUNK).write(0, 1, 1).write(1, 2, 9).write(3, 1, 3);

		SnapshotCopier.Result result = copy(snapshot("s2", 2, 0), second);

		assertThat(result.chunksCopied()).isEqualTo(1);
		assertThat(result.chunksUnchanged()).isEqualTo(2);
		assertThat(second.reads).hasValue(1);
		assertThat(this.store.keys(ObjectKeys.chunkPrefix(VOLUME_ID))).containsExactlyInAnyOrder(
				"volumes/7/chunks/0-1", "volumes/7/chunks/1-1", "volumes/7/chunks/1-2", "volumes/7/chunks/3-1");
		assertThat(this.registry.get("curve4j.snapshot.unchanged.chunks").counter().count()).isEqualTo(2);
	}

	@Test
	void deletingASnapshotKeepsTheObjectsAnotherStillNeeds() {
		copy(snapshot("s1", 1, 0), new InMemoryVolume(3, CHUNK).write(0, 1, 1).write(1, 1, 2));
		copy(snapshot("s2", 2, 0), new InMemoryVolume(3, CHUNK).write(0, 1, 1).write(1, 2, 5).write(2, 2, 6));
		// another volume's objects are not this deletion's business
		this.store.put(ObjectKeys.chunk(70, 1, 1), new byte[] { 1 });

		int deleted = new SnapshotDeleter(this.store).delete(snapshot("s1", 1, 0));

		assertThat(deleted).isEqualTo(1);
		assertThat(this.store.keys("")).containsExactlyInAnyOrder("volumes/7/chunks/0-1", "volumes/7/chunks/1-2",
				"volumes/7/chunks/2-2", "snapshots/7/s2.json", "volumes/70/chunks/1-1");

		new SnapshotDeleter(this.store).delete(snapshot("s2", 2, 0));
		assertThat(this.store.keys("")).containsExactly("volumes/70/chunks/1-1");
	}

	@Test
	void deletionRemovesWhatAnInterruptedCopyLeft() {
		InMemoryVolume volume = new InMemoryVolume(20, CHUNK);
		for (long i = 0; i < 20; i++) {
			volume.write(i, 1, (int) i);
		}
		this.statusAnswered = SnapshotStatus.DELETING;
		SnapshotCopier.Result stopped = copy(snapshot("s1", 1, 0), volume);
		assertThat(stopped.whole()).isFalse();
		assertThat(stopped.nextChunk()).isEqualTo(8);
		assertThat(this.store.manifest(VOLUME_ID, "s1")).isEmpty();
		assertThat(this.store.keys("")).hasSize(8);

		new SnapshotDeleter(this.store).delete(snapshot("s1", 1, 8));
		assertThat(this.store.keys("")).isEmpty();
	}

	@Test
	void aResumedCopyReadsOnlyTheChunksNotYetStored() {
		InMemoryVolume volume = new InMemoryVolume(10, CHUNK);
		for (long i = 0; i < 10; i++) {
			volume.write(i, 3, (int) i);
		}
		// an earlier run stored chunks 0..5 and reported next_chunk 6; one of its objects is gone since
		for (long i = 0; i < 6; i++) {
			this.store.put(ObjectKeys.chunk(VOLUME_ID, i, 3), volume.data.get(i));
		}
		this.store.delete(List.of(ObjectKeys.chunk(VOLUME_ID, 2, 3)));

		SnapshotCopier.Result result = copy(snapshot("s3", 3, 6), volume);

		assertThat(result.whole()).isTrue();
		assertThat(volume.reads).hasValue(5);
		assertThat(result.chunksUnchanged()).isZero();
		assertThat(this.store.keys(ObjectKeys.chunkPrefix(VOLUME_ID))).hasSize(10);
		assertThat(this.store.get(ObjectKeys.chunk(VOLUME_ID, 2, 3))).containsOnly(2);
		// four chunks past next_chunk: fewer than a report's worth, and FinishCopy follows
		assertThat(this.reports).isEmpty();
	}

	@Test
	void aSnapshotWhoseManifestIsStoredIsNotReadAgain() {
		InMemoryVolume volume = new InMemoryVolume(3, CHUNK).write(0, 1, 1);
		copy(snapshot("s1", 1, 0), volume);
		// the run that stored it died after dropping the chunks' copies: reading now fails for good
		volume.failWith = ErrorCode.SNAPSHOT_NOT_FOUND;

		SnapshotCopier.Result again = copy(snapshot("s1", 1, 2), volume);

		assertThat(again.whole()).isTrue();
		assertThat(again.chunksCopied()).isZero();
		assertThat(volume.reads).hasValue(1);
	}

	@Test
	void progressIsReportedEveryFewChunksAndAtLeastEveryInterval() {
		InMemoryVolume volume = new InMemoryVolume(20, CHUNK);
		copy(snapshot("s1", 1, 0), volume);
		assertThat(this.reports).containsExactly(8L, 16L);

		// a clock that moves a whole interval per reading: every chunk is due
		AtomicLong nanos = new AtomicLong();
		SnapshotCopier eager = new SnapshotCopier(this.store, this.metrics, Duration.ofSeconds(1), () -> nanos.addAndGet(1_000_000_000L));
		this.reports.clear();
		eager.copy(snapshot("s2", 1, 0), new InMemoryVolume(3, CHUNK), this::report, () -> true);
		assertThat(this.reports).containsExactly(1L, 2L, 3L);
	}

	@Test
	void aLostLeaseStopsTheCopyWithoutAManifest() {
		InMemoryVolume volume = new InMemoryVolume(4, CHUNK).write(0, 1, 1).write(1, 1, 1);
		int[] checks = { 0 };
		assertThatThrownBy(() -> this.copier.copy(snapshot("s1", 1, 0), volume, this::report, () -> ++checks[0] <= 1))
			.isInstanceOf(TaskFailures.TaskStoppedException.class);
		assertThat(this.store.keys("")).containsExactly("volumes/7/chunks/0-1");
	}

	@Test
	void aVolumeThatCannotBeReadFailsTheCopyButAnUnavailableOneIsRetried() {
		InMemoryVolume volume = new InMemoryVolume(4, CHUNK).write(0, 1, 1);
		volume.failWith = ErrorCode.VOLUME_NOT_FOUND;
		assertThatThrownBy(() -> copy(snapshot("s1", 1, 0), volume))
			.isInstanceOf(TaskFailures.VolumeUnreadableException.class)
			.hasMessageContaining("VOLUME_NOT_FOUND");
		volume.failWith = ErrorCode.UNAVAILABLE;
		assertThatThrownBy(() -> copy(snapshot("s1", 1, 0), volume))
			.satisfies((failure) -> assertThat(TaskFailures.isTransient(failure)).isTrue());
		assertThat(this.store.keys("")).isEmpty();
	}

	private SnapshotCopier.Result copy(SnapshotInfo snapshot, InMemoryVolume volume) {
		return this.copier.copy(snapshot, volume, this::report, () -> true);
	}

	private SnapshotInfo report(long nextChunk) {
		this.reports.add(nextChunk);
		return SnapshotInfo.newBuilder().setNextChunk(nextChunk).setStatus(this.statusAnswered).build();
	}

	private static SnapshotInfo snapshot(String id, long seq, long nextChunk) {
		return SnapshotInfo.newBuilder()
			.setId(id)
			.setVolumeId(VOLUME_ID)
			.setVolumePath("/vol")
			.setName("snap-" + id)
			.setSeq(seq)
			.setStatus(SnapshotStatus.PENDING)
			.setNextChunk(nextChunk)
			.setLength(4L * CHUNK)
			.setChunkSize(CHUNK)
			.setCreatedMs(1_700_000_000_000L)
			.build();
	}

}
