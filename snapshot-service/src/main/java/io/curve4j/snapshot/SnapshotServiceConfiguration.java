package io.curve4j.snapshot;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.auth.Secrets;
import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.size.Sizes;
import io.curve4j.discovery.MdsMemberSource;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.metacache.MdsClient;
import io.curve4j.sdk.metacache.RequestSigner;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.RetrySettings;
import io.curve4j.snapshot.task.CloneFlattener;
import io.curve4j.snapshot.task.CloneVolume;
import io.curve4j.snapshot.task.SnapshotCopier;
import io.curve4j.snapshot.task.SnapshotDeleter;
import io.curve4j.snapshot.task.SnapshotReader;
import io.curve4j.snapshot.task.SnapshotTasks;
import io.curve4j.snapshot.task.SnapshotWorker;
import io.curve4j.snapshot.task.TaskMetrics;

/**
 * The service's parts: the S3 client and bucket, the SDK (as root) for the MDS and the
 * chunkservers, and the worker, started once everything is in place. Bad settings stop
 * the start with a message naming the property.
 */
@Configuration(proxyBeanMethods = false)
class SnapshotServiceConfiguration {

	/** Task-service calls are retried within this; the worker's own rounds retry beyond it. */
	private static final RetrySettings TASK_CALLS = RetrySettings.DEFAULTS.withOperationTimeout(Duration.ofSeconds(5));

	@Bean(destroyMethod = "close")
	S3Client s3Client(SnapshotServiceProperties properties) {
		return properties.getS3().newClient("curve.snapshot.s3");
	}

	@Bean
	SnapshotStore snapshotStore(S3Client s3, SnapshotServiceProperties properties) {
		SnapshotStore store = new SnapshotStore(s3, properties.getS3().getBucket());
		try {
			store.ensureBucket();
		}
		catch (SdkException ex) {
			throw new IllegalStateException("cannot use bucket '" + store.bucket() + "' at "
					+ (properties.getS3().getEndpoint() != null ? properties.getS3().getEndpoint() : "AWS S3")
					+ " (curve.snapshot.s3.*): " + ex.getMessage(), ex);
		}
		return store;
	}

	/** Root's password, from the file the local cluster (or the operator) wrote. */
	private static String rootPassword(SnapshotServiceProperties properties) {
		try {
			return Secrets.resolve(null, properties.getRootPasswordFile(), "curve.snapshot.root-password-file");
		}
		catch (UncheckedIOException ex) {
			throw new IllegalStateException("curve.snapshot.root-password-file: " + ex.getMessage(), ex);
		}
	}

	@Bean
	SigningKey rootKey(SnapshotServiceProperties properties) {
		return SigningKey.of(RequestSignature.ROOT, rootPassword(properties));
	}

	/** Reads the chunks at a snapshot (as root, who may read every volume). */
	@Bean(destroyMethod = "close")
	CurveClient curveClient(SnapshotServiceProperties properties, MdsMemberSource mdsMemberSource) {
		return CurveClient.builder()
			.mdsMembers(mdsMemberSource.addresses("grpc", properties.getMdsAddresses()))
			.credentials(RequestSignature.ROOT, rootPassword(properties))
			.clientId(properties.getWorkerId())
			// whole chunks are read: fewer, larger requests than the 1 MiB of interactive I/O
			.maxRequestSize(4 * (int) Sizes.MIB)
			.build();
	}

	@Bean
	SnapshotReader.Opener snapshotOpener(CurveClient curveClient) {
		return (path, seq) -> new SdkSnapshotReader(curveClient.openSnapshot(path, seq));
	}

	/** Opens clones to flatten, with a session: their flatten writes carry the volume's sequence number. */
	@Bean
	CloneVolume.Opener cloneOpener(CurveClient curveClient) {
		return (path) -> new SdkCloneVolume(curveClient.open(path));
	}

	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService taskCallScheduler() {
		return Executors.newSingleThreadScheduledExecutor();
	}

	@Bean(destroyMethod = "close")
	ChannelPool mdsChannels() {
		return new ChannelPool(ChannelPool.plaintext(4 * (int) Sizes.MIB));
	}

	@Bean
	SnapshotTasks snapshotTasks(SnapshotServiceProperties properties, MdsMemberSource mdsMemberSource,
			ChannelPool mdsChannels, SigningKey rootKey, ScheduledExecutorService taskCallScheduler) {
		MdsClient mds = new MdsClient(mdsMemberSource.addresses("grpc", properties.getMdsAddresses()), mdsChannels,
				new BoundedRetry("snapshot-tasks", TASK_CALLS, taskCallScheduler), new RequestSigner(rootKey));
		return new SnapshotTasks(mds, properties.getWorkerId());
	}

	@Bean
	TaskMetrics taskMetrics(MeterRegistry registry) {
		return new TaskMetrics(registry);
	}

	@Bean(initMethod = "start", destroyMethod = "close")
	SnapshotWorker snapshotWorker(SnapshotServiceProperties properties, SnapshotTasks tasks,
			SnapshotReader.Opener snapshots, CloneVolume.Opener clones, SnapshotStore store, TaskMetrics metrics) {
		return new SnapshotWorker(tasks, snapshots, new SnapshotCopier(store, metrics, properties.getProgressInterval()),
				new SnapshotDeleter(store), clones, new CloneFlattener(metrics, properties.getProgressInterval()), metrics, properties.getParallelism(), properties.getPollInterval(),
				properties.getInitialBackoff(), properties.getMaxBackoff());
	}

}
