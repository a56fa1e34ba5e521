package io.curve4j.metaserver.config;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.metaserver.compaction.Compactor;
import io.curve4j.metaserver.compaction.DataCollector;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.metaserver.trash.TrashCleaner;
import io.curve4j.objectstore.SnapshotStore;

/**
 * What looks after file data in the object store, once it is configured: the trash
 * cleaner, compaction and the collector of retired and orphaned objects. Without the
 * store the metaserver cannot delete an inode's objects, so it keeps the inode (and says
 * so at start) rather than leak its data, and compacts nothing.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(FileDataConfiguration.ObjectStoreConfigured.class)
public class FileDataConfiguration {

	static final String SETTINGS = "curve.metaserver.object-store";

	/** Rounds often enough that an inode outlives its trash period by a quarter at most, at least once a minute. */
	static Duration interval(Duration trashPeriod) {
		Duration quarter = trashPeriod.dividedBy(4);
		Duration floor = Duration.ofMillis(100);
		Duration ceiling = Duration.ofMinutes(1);
		return quarter.compareTo(floor) < 0 ? floor : quarter.compareTo(ceiling) > 0 ? ceiling : quarter;
	}

	@Bean(destroyMethod = "close")
	S3Client trashObjectStoreClient(MetaServerProperties properties) {
		return properties.getObjectStore().newClient(SETTINGS);
	}

	@Bean(destroyMethod = "close")
	TrashCleaner trashCleaner(MetaCopysets copysets, S3Client s3, MetaServerProperties properties) {
		MetaServerProperties.FsObjectStore settings = properties.getObjectStore();
		TrashCleaner cleaner = new TrashCleaner(copysets, new SnapshotStore(s3, settings.getBucket()),
				settings.getKeyPrefix(), properties.getTrashPeriod(), Clock.systemUTC());
		cleaner.start(interval(properties.getTrashPeriod()));
		return cleaner;
	}

	@Bean(destroyMethod = "close")
	Compactor compactor(MetaCopysets copysets, S3Client s3, MetaServerProperties properties, MeterRegistry meters) {
		MetaServerProperties.Compaction settings = properties.getCompaction();
		return new Compactor(copysets, new SnapshotStore(s3, properties.getObjectStore().getBucket()),
				properties.getObjectStore().getKeyPrefix(), settings.isEnabled(), settings.getPiecesThreshold(),
				settings.getThreads(), settings.getQueue(), meters);
	}

	@Bean(destroyMethod = "close")
	DataCollector dataCollector(MetaCopysets copysets, Compactor compactor, S3Client s3,
			MetaServerProperties properties, MeterRegistry meters) {
		MetaServerProperties.Compaction settings = properties.getCompaction();
		DataCollector collector = new DataCollector(copysets, compactor,
				new SnapshotStore(s3, properties.getObjectStore().getBucket()), properties.getObjectStore().getKeyPrefix(),
				settings.getGracePeriod(), settings.getOrphanAge(), Clock.systemUTC(), meters);
		collector.start(settings.getInterval(), settings.getSweepInterval());
		return collector;
	}

	/** True when any {@code curve.metaserver.object-store.*} setting is given. */
	static final class ObjectStoreConfigured implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean bound = Binder.get(context.getEnvironment())
				.bind(SETTINGS, MetaServerProperties.FsObjectStore.class)
				.isBound();
			if (!bound) {
				LoggerFactory.getLogger(FileDataConfiguration.class)
					.warn("no {}.*: inodes without links stay in the trash (their objects cannot be deleted)",
							SETTINGS);
			}
			return bound;
		}

	}

}
