package io.curve4j.snapshot.task;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsTestCluster;
import io.curve4j.objectstore.ObjectKeys;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.metacache.MdsClient;
import io.curve4j.sdk.metacache.RequestSigner;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.RetrySettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The worker against a real MDS (its snapshot catalog and task service, signed gRPC as
 * root) and a real S3 server: it takes the lease, copies PENDING snapshots to DONE,
 * retries what is transient, fails what cannot succeed, removes deleted snapshots, and a
 * second worker waits for the lease. The volumes' chunks come from memory: reading them
 * from chunkservers is the end-to-end test's part.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SnapshotWorkerIT {

	private static final String ROOT_PASSWORD = "snapshot-worker-it";

	private static final Duration WORKER_LEASE = Duration.ofSeconds(2);

	private static final int CHUNK = 4096;

	@RegisterExtension
	static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder()
		.withCredentials("access", "secret")
		.withBlobStoreProvider("transient")
		.build();

	@TempDir
	static Path dir;

	private MdsTestCluster mds;

	private CurveClient client;

	private MdsRestApi rest;

	private ScheduledExecutorService scheduler;

	private ChannelPool channels;

	/** What the workers read, per volume path; a path missing here is a deleted volume. */
	private final Map<String, InMemoryVolume> volumes = new ConcurrentHashMap<>();

	private S3Client s3;

	private SnapshotStore store;

	private SnapshotWorker worker;

	@BeforeAll
	void startMds() {
		this.mds = MdsTestCluster.start(dir, 1, "--curve.mds.auth.root-password=" + ROOT_PASSWORD,
				"--curve.mds.snapshot.worker-lease=" + WORKER_LEASE.toMillis() + "ms");
		this.mds.awaitLeader();
		this.client = CurveClient.builder().mdsAddresses(this.mds.grpcAddress(0)).credentials("root", ROOT_PASSWORD).build();
		this.rest = MdsRestApi.connect(this.mds.httpAddresses(), new Credentials("root", ROOT_PASSWORD));
		this.scheduler = Executors.newSingleThreadScheduledExecutor();
		this.channels = new ChannelPool(ChannelPool.plaintext(4 * (int) Sizes.MIB));
		this.client.createDirectory("/w");
	}

	@AfterAll
	void stopMds() {
		this.client.close();
		this.channels.close();
		this.scheduler.shutdownNow();
		this.mds.close();
	}

	@BeforeEach
	void startWorker() {
		URI endpoint = S3_PROXY.getUri();
		this.s3 = S3Client.builder()
			.endpointOverride(endpoint)
			.forcePathStyle(true)
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
			.build();
		this.store = new SnapshotStore(this.s3, "worker-" + UUID.randomUUID());
		this.store.ensureBucket();
		this.worker = newWorker("worker-a");
	}

	@AfterEach
	void stopWorker() {
		this.worker.close();
		this.s3.close();
	}

	private SnapshotWorker newWorker(String id) {
		MdsClient mdsClient = new MdsClient(List.of(this.mds.grpcAddress(0)), this.channels,
				new BoundedRetry(id, RetrySettings.DEFAULTS.withOperationTimeout(Duration.ofSeconds(5)), this.scheduler),
				new RequestSigner(SigningKey.of("root", ROOT_PASSWORD)));
		SnapshotReader.Opener opener = (path, seq) -> {
			InMemoryVolume volume = this.volumes.get(path);
			if (volume == null) {
				throw new CurveException(ErrorCode.VOLUME_NOT_FOUND, "volume " + path + " not found");
			}
			return volume;
		};
		TaskMetrics metrics = new TaskMetrics(new SimpleMeterRegistry());
		return new SnapshotWorker(new SnapshotTasks(mdsClient, id), opener,
				new SnapshotCopier(this.store, metrics, Duration.ofMillis(200)), new SnapshotDeleter(this.store),
				// no clones here: FlattenWorkerIT flattens them
				(path) -> {
					throw new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no clone " + path);
				}, new CloneFlattener(metrics, Duration.ofMillis(200)), metrics, 2, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200));
	}

	private InMemoryVolume volume(String path, int chunks) {
		this.client.createVolume(path, Sizes.GIB);
		InMemoryVolume volume = new InMemoryVolume(chunks, CHUNK);
		for (int i = 0; i < chunks; i += 2) {
			volume.write(i, 1, i + 1);
		}
		this.volumes.put(path, volume);
		return volume;
	}

	private MdsRestApi.Snapshot awaitStatus(String id, String status) {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.rest.snapshot(id).status().equals(status));
		return this.rest.snapshot(id);
	}

	@Test
	void aPendingSnapshotIsCopiedAndBecomesDoneThroughRetriedFailures() {
		InMemoryVolume volume = volume("/w/copy", 40);
		// a chunkserver down for a while: the copy goes on once it is back
		volume.unavailableReads.set(5);
		MdsRestApi.Snapshot snapshot = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/w/copy", "first"));
		assertThat(snapshot.status()).isEqualTo("PENDING");
		assertThat(this.client.stat("/w/copy").snapshotSeqs()).containsExactly(1L);

		this.worker.start();
		MdsRestApi.Snapshot done = awaitStatus(snapshot.id(), "DONE");

		assertThat(done.progress()).isEqualTo(100);
		assertThat(volume.unavailableReads).hasValue(0);
		assertThat(volume.copiesDeleted).isTrue();
		assertThat(this.worker.holdsLease()).isTrue();
		long volumeId = snapshot.volumeId();
		assertThat(this.store.manifest(volumeId, snapshot.id()).orElseThrow().chunkContentSns()).hasSize(40);
		assertThat(this.store.keys(ObjectKeys.chunkPrefix(volumeId))).hasSize(20);
		// the in-cluster snapshot ended, so the volume may take the next one
		assertThat(this.client.stat("/w/copy").snapshotSeqs()).isEmpty();
		MdsRestApi.Snapshot second = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/w/copy", "second"));
		awaitStatus(second.id(), "DONE");
		assertThat(this.store.keys(ObjectKeys.chunkPrefix(volumeId))).as("nothing changed: nothing copied").hasSize(20);
	}

	@Test
	void aSnapshotOfAVolumeThatCannotBeReadEndsInError() {
		volume("/w/gone", 4);
		MdsRestApi.Snapshot snapshot = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/w/gone", "lost"));
		this.volumes.get("/w/gone").failWith = ErrorCode.VOLUME_NOT_FOUND;

		this.worker.start();
		MdsRestApi.Snapshot failed = awaitStatus(snapshot.id(), "ERROR");

		assertThat(failed.error()).contains("VOLUME_NOT_FOUND");
		assertThat(this.client.stat("/w/gone").snapshotSeqs()).isEmpty();
		assertThat(this.store.manifests(snapshot.volumeId())).isEmpty();
	}

	@Test
	void aDeletedSnapshotsObjectsGoAndItsRecordWithThem() {
		InMemoryVolume volume = volume("/w/delete", 6);
		MdsRestApi.Snapshot first = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/w/delete", "first"));
		this.worker.start();
		awaitStatus(first.id(), "DONE");
		volume.write(0, 2, 0x77);
		MdsRestApi.Snapshot second = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/w/delete", "second"));
		awaitStatus(second.id(), "DONE");
		long volumeId = first.volumeId();
		assertThat(this.store.keys(ObjectKeys.chunkPrefix(volumeId))).hasSize(4);

		assertThat(this.rest.deleteSnapshot(first.id()).status()).isEqualTo("DELETING");

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() -> this.rest.snapshot(first.id()))
			.isInstanceOfSatisfying(CurveException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.SNAPSHOT_NOT_FOUND)));
		assertThat(this.store.keys(ObjectKeys.chunkPrefix(volumeId))).as("chunk 0 at sn 1 was only the first's")
			.containsExactlyInAnyOrder(ObjectKeys.chunk(volumeId, 0, 2), ObjectKeys.chunk(volumeId, 2, 1),
					ObjectKeys.chunk(volumeId, 4, 1));
		assertThat(this.store.manifests(volumeId)).extracting((m) -> m.id()).containsExactly(second.id());
	}

	@Test
	void aSecondWorkerWaitsForTheLeaseAndTakesOverWhenTheFirstStops() {
		volume("/w/lease", 4);
		this.worker.start();
		await().atMost(Duration.ofSeconds(30)).until(this.worker::holdsLease);
		try (SnapshotWorker other = newWorker("worker-b")) {
			other.start();
			MdsRestApi.Snapshot snapshot = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/w/lease", "first"));
			awaitStatus(snapshot.id(), "DONE");
			assertThat(other.holdsLease()).isFalse();

			this.worker.close();
			await().atMost(WORKER_LEASE.multipliedBy(5)).until(other::holdsLease);
			this.volumes.get("/w/lease").write(1, 2, 9);
			MdsRestApi.Snapshot next = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/w/lease", "second"));
			awaitStatus(next.id(), "DONE");
		}
	}

}
