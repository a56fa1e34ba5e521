package io.curve4j.snapshot.task;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsTestCluster;
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
import static org.awaitility.Awaitility.await;

/**
 * Flatten tasks against a real MDS (its clones, their flatten state and the task service,
 * signed as root) and a real S3 server for the source snapshot the worker copies first:
 * a clone made not lazy is flattened from its next chunk to the source's last, its
 * progress reported, its link ended; a worker started again resumes where the reports
 * got; a clone deleted meanwhile stops its task. The clones' chunks are memory: the
 * RecoverChunk path is the SDK's and the chunkservers' tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class FlattenWorkerIT {

	private static final String ROOT_PASSWORD = "flatten-worker-it";

	private static final SigningKey ROOT = SigningKey.of("root", ROOT_PASSWORD);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** A 1 GiB volume of 16 MiB chunks. */
	private static final long SOURCE_CHUNKS = 64;

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

	private final HttpClient http = HttpClient.newHttpClient();

	private ScheduledExecutorService scheduler;

	private ChannelPool channels;

	private S3Client s3;

	private SnapshotStore store;

	/** The clones the workers flatten, per path; one missing here is not there yet (UNAVAILABLE). */
	private final Map<String, MemoryClone> clones = new ConcurrentHashMap<>();

	private SnapshotWorker worker;

	@BeforeAll
	void startMds() {
		this.mds = MdsTestCluster.start(dir, 1, "--curve.mds.auth.root-password=" + ROOT_PASSWORD,
				"--curve.mds.snapshot.worker-lease=2000ms");
		this.mds.awaitLeader();
		this.client = CurveClient.builder().mdsAddresses(this.mds.grpcAddress(0)).credentials("root", ROOT_PASSWORD).build();
		this.rest = MdsRestApi.connect(this.mds.httpAddresses(), new Credentials("root", ROOT_PASSWORD));
		this.scheduler = Executors.newSingleThreadScheduledExecutor();
		this.channels = new ChannelPool(ChannelPool.plaintext(4 * (int) Sizes.MIB));
		this.client.createDirectory("/f");
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
		this.s3 = S3Client.builder()
			.endpointOverride(S3_PROXY.getUri())
			.forcePathStyle(true)
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
			.build();
		this.store = new SnapshotStore(this.s3, "flatten-" + UUID.randomUUID());
		this.store.ensureBucket();
		this.worker = newWorker();
		this.worker.start();
	}

	@AfterEach
	void stopWorker() {
		this.worker.close();
		this.s3.close();
	}

	/** Progress is reported after every chunk, so a test knows what the MDS holds. */
	private SnapshotWorker newWorker() {
		MdsClient mdsClient = new MdsClient(List.of(this.mds.grpcAddress(0)), this.channels,
				new BoundedRetry("flatten", RetrySettings.DEFAULTS.withOperationTimeout(Duration.ofSeconds(5)),
						this.scheduler),
				new RequestSigner(ROOT));
		// the source volumes' snapshots are copied from memory too: zeros, nothing to store
		SnapshotReader.Opener sources = (path, seq) -> new InMemoryVolume(SOURCE_CHUNKS, 16 * (int) Sizes.MIB);
		CloneVolume.Opener clones = (path) -> {
			MemoryClone clone = this.clones.get(path);
			if (clone == null) {
				// listed before the test registered it: tried again after a backoff
				throw new CurveException(ErrorCode.UNAVAILABLE, "clone " + path + " not registered yet");
			}
			clone.opens++;
			return clone;
		};
		TaskMetrics metrics = new TaskMetrics(new SimpleMeterRegistry());
		return new SnapshotWorker(new SnapshotTasks(mdsClient, "worker-a"), sources,
				new SnapshotCopier(this.store, metrics, Duration.ofMillis(200)), new SnapshotDeleter(this.store), clones,
				new CloneFlattener(metrics, Duration.ZERO), metrics, 2, Duration.ofMillis(100), Duration.ofMillis(50),
				Duration.ofMillis(200));
	}

	/** A clone of a DONE snapshot of a new source volume, made not lazy: FLATTENING at once. */
	private MemoryClone flatteningClone(String name, long gateAt) {
		this.client.createVolume("/f/" + name + "-src", Sizes.GIB);
		MdsRestApi.Snapshot snapshot = this.rest.createSnapshot(new MdsRestApi.NewSnapshot("/f/" + name + "-src", "s"));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.rest.snapshot(snapshot.id()).status().equals("DONE"));
		JsonNode created = send("POST", "/api/v1/clones",
				Map.of("source", "/f/" + name + "-src@s", "path", "/f/" + name, "lazy", false));
		assertThat(created.path("clone").path("status").asString()).isEqualTo("FLATTENING");
		assertThat(created.path("clone").path("sourceChunks").asLong()).isEqualTo(SOURCE_CHUNKS);
		MemoryClone clone = new MemoryClone(created.path("id").asLong(), gateAt);
		this.clones.put("/f/" + name, clone);
		return clone;
	}

	/** The clone's link as the MDS answers it; null once it ended. */
	private JsonNode cloneLink(long volumeId) {
		JsonNode link = send("GET", "/api/v1/volumes/" + volumeId, null).path("clone");
		return link.isNull() || link.isMissingNode() ? null : link;
	}

	@Test
	void aFlatteningCloneIsFlattenedChunkByChunkWithItsProgressReportedThenUnlinked() throws Exception {
		MemoryClone clone = flatteningClone("whole", 40);

		assertThat(clone.reachedGate.await(30, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(cloneLink(clone.id).path("nextChunk").asLong()).isEqualTo(40));
		assertThat(cloneLink(clone.id).path("status").asString()).isEqualTo("FLATTENING");
		clone.gate.countDown();

		await().atMost(Duration.ofSeconds(30)).until(() -> cloneLink(clone.id) == null);
		assertThat(clone.flattened).as("every chunk of the source, in order, once")
			.containsExactlyElementsOf(LongStream.range(0, SOURCE_CHUNKS).boxed().toList());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.worker.runningTasks() == 0);
		assertThat(clone.closed).isTrue();
	}

	@Test
	void aWorkerStartedAgainResumesFromTheReportedChunk() throws Exception {
		MemoryClone clone = flatteningClone("resumed", 20);
		assertThat(clone.reachedGate.await(30, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(cloneLink(clone.id).path("nextChunk").asLong()).isEqualTo(20));

		// a restart: the task is interrupted in chunk 20, whose flatten never completes
		this.worker.close();
		assertThat(clone.flattened).hasSize(20);
		MemoryClone reopened = new MemoryClone(clone.id, -1);
		this.clones.put("/f/resumed", reopened);
		this.worker = newWorker();
		this.worker.start();

		await().atMost(Duration.ofSeconds(30)).until(() -> cloneLink(clone.id) == null);
		assertThat(reopened.flattened).as("from the reported chunk on")
			.containsExactlyElementsOf(LongStream.range(20, SOURCE_CHUNKS).boxed().toList());
	}

	@Test
	void aCloneDeletedWhileItIsFlattenedEndsItsTaskQuietly() throws Exception {
		MemoryClone clone = flatteningClone("deleted", 10);
		assertThat(clone.reachedGate.await(30, TimeUnit.SECONDS)).isTrue();

		this.client.delete("/f/deleted");
		clone.gate.countDown();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.worker.runningTasks() == 0);
		assertThat(clone.flattened).as("the report after chunk 10 said the clone is gone").hasSize(11);
		assertThat(clone.closed).isTrue();
		assertThat(this.worker.holdsLease()).isTrue();
		// not started again: the MDS lists no task for it
		assertThat(clone.opens).isEqualTo(1);
	}

	private JsonNode send(String method, String path, Object json) {
		byte[] body = json == null ? new byte[0] : JSON.writeValueAsBytes(json);
		URI uri = URI.create("http://" + this.mds.httpAddresses().get(0) + path);
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
			.timeout(Duration.ofSeconds(20));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		ROOT.sign(method, uri.getRawPath(), uri.getRawQuery(), body).forEach(request::header);
		try {
			HttpResponse<String> response = this.http.send(request.build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
			return JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
