package io.curve4j.fs.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.fs.client.DiskCache;
import io.curve4j.fs.client.FsNamespace;
import io.curve4j.fs.client.MetadataWriteBack;
import io.curve4j.fs.client.WriteBackUploads;

/**
 * A mount's disk cache metrics, in Prometheus's text format, rewritten every
 * {@link #EVERY} to {@code <cache-dir>/metrics.prom}: the FUSE client serves no HTTP, so
 * node_exporter's textfile collector (pointed at the cache directory) publishes them.
 */
final class CacheMetrics {

	private static final Logger log = LoggerFactory.getLogger(CacheMetrics.class);

	static final Duration EVERY = Duration.ofSeconds(10);

	static final String FILE = "metrics.prom";

	private CacheMetrics() {
	}

	/**
	 * @param uploads the write-back uploader, or null in read-only mode
	 * @param namespace with its metadata write-back, if any
	 */
	static void publish(DiskCache disk, WriteBackUploads uploads, FsNamespace namespace, String fs, Path mountPoint,
			Path cacheDir, ScheduledExecutorService timers) {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		// the S3 client's request timers (curve4j_s3_requests_seconds) are in the global registry
		Metrics.addRegistry(registry);
		Tags tags = Tags.of("fs", fs, "mountpoint", mountPoint.toString());
		Gauge.builder("curve4j.fs.cache.hit.ratio", disk, DiskCache::hitRatio)
			.description("share of reads answered from the disk cache")
			.tags(tags)
			.register(registry);
		Gauge.builder("curve4j.fs.cache.read.area", disk, DiskCache::used)
			.description("bytes kept for reads")
			.baseUnit("bytes")
			.tags(tags)
			.register(registry);
		Gauge.builder("curve4j.fs.cache.pending.upload", disk, DiskCache::pendingBytes)
			.description("bytes written back to the cache disk and not yet in the object store")
			.baseUnit("bytes")
			.tags(tags)
			.register(registry);
		if (uploads != null) {
			FunctionCounter.builder("curve4j.fs.cache.uploaded", uploads, WriteBackUploads::uploadedBytes)
				.description("bytes the write-back cache uploaded to the object store")
				.baseUnit("bytes")
				.tags(tags)
				.register(registry);
		}
		MetadataWriteBack metadata = namespace.metadataWriteBack();
		if (metadata != null) {
			Gauge.builder("curve4j.fs.metadata.pending", metadata, MetadataWriteBack::backlog)
				.description("creates and piece records answered and not yet committed to the metaservers")
				.baseUnit("records")
				.tags(tags)
				.register(registry);
			FunctionCounter.builder("curve4j.fs.metadata.committed", metadata, MetadataWriteBack::committed)
				.description("creates and piece records committed to the metaservers")
				.baseUnit("records")
				.tags(tags)
				.register(registry);
			FunctionCounter.builder("curve4j.fs.metadata.batches", metadata, MetadataWriteBack::batches)
				.description("batches of records committed, one Raft entry each")
				.tags(tags)
				.register(registry);
			FunctionCounter.builder("curve4j.fs.metadata.conflicts", metadata, MetadataWriteBack::conflicts)
				.description("files committed as NAME.conflict-INODE because another mount took the name first")
				.tags(tags)
				.register(registry);
			String listings = "directory listings read for the lookups they answer: by the lookup, or ahead of it";
			FunctionCounter.builder("curve4j.fs.metadata.listings", namespace, FsNamespace::listingsAsked)
				.description(listings)
				.tags(tags.and("read", "asked"))
				.register(registry);
			FunctionCounter.builder("curve4j.fs.metadata.listings", namespace, FsNamespace::listingsReadAhead)
				.description(listings)
				.tags(tags.and("read", "ahead"))
				.register(registry);
		}
		Path file = cacheDir.resolve(FILE);
		timers.scheduleWithFixedDelay(() -> write(registry, file), 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
		timers.scheduleWithFixedDelay(() -> log.info("disk cache: {} bytes kept for reads, {} bytes pending upload, {}% of"
				+ " reads from disk", disk.used(), disk.pendingBytes(), Math.round(disk.hitRatio() * 100)), 1, 1,
				TimeUnit.MINUTES);
	}

	/** Replaces the file whole, so a collector never reads half of it. */
	private static void write(PrometheusMeterRegistry registry, Path file) {
		Path tmp = file.resolveSibling(FILE + ".tmp");
		try {
			Files.writeString(tmp, registry.scrape(), StandardCharsets.UTF_8);
			Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			log.warn("cannot write the cache metrics to {}: {}", file, ex.toString());
		}
	}

}
