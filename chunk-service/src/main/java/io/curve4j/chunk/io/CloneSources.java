package io.curve4j.chunk.io;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.objectstore.ObjectKeys;
import io.curve4j.objectstore.SnapshotManifest;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CloneSource;

/**
 * Where a lazy clone's chunks read what they never wrote: the source snapshot's chunk
 * objects in the object store ({@code curve.chunkserver.object-store.*}), fetched with
 * ranged GETs of just the pages needed. Manifests are cached: one never changes once
 * written. Calls block on S3, so they run on threads of their own, off the gRPC and Raft
 * threads. S3 failing answers {@code UNAVAILABLE} (the client retries); no object store
 * configured answers {@code UNAVAILABLE} too, naming the settings.
 */
@Component
class CloneSources implements AutoCloseable {

	static final String SETTINGS = "curve.chunkserver.object-store";

	/** Null: no object store configured. */
	private final SnapshotStore store;

	private final S3Client s3;

	private final Map<String, SnapshotManifest> manifests = new ConcurrentHashMap<>();

	private final ExecutorService executor;

	CloneSources(ChunkServerProperties properties) {
		this.s3 = properties.getObjectStore() == null ? null : properties.getObjectStore().newClient(SETTINGS);
		this.store = this.s3 == null ? null : new SnapshotStore(this.s3, properties.getObjectStore().getBucket());
		AtomicInteger threads = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(8, r -> {
			Thread t = new Thread(r, "clone-source-" + threads.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
	}

	/**
	 * The source's content of whole pages {@code [offset, offset + length)} of the clone's
	 * chunk {@code chunkId} (zeros where the source chunk is), read off the caller's thread.
	 */
	CompletableFuture<ByteBuffer> read(ChunkCapability capability, long chunkId, int chunkSize, long offset,
			int length) {
		return CompletableFuture.supplyAsync(() -> readNow(capability, chunkId, chunkSize, offset, length),
				this.executor);
	}

	private ByteBuffer readNow(ChunkCapability capability, long chunkId, int chunkSize, long offset, int length) {
		CloneSource source = capability.getCloneSource();
		if (Long.compareUnsigned(chunkId, capability.getFirstChunkId()) < 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "chunk " + Long.toUnsignedString(chunkId)
					+ " is not in the capability's segment, which starts at chunk "
					+ Long.toUnsignedString(capability.getFirstChunkId()));
		}
		long index = source.getFirstChunkIndex() + (chunkId - capability.getFirstChunkId());
		if (this.store == null) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "chunk " + Long.toUnsignedString(chunkId)
					+ " belongs to a lazy clone, whose source this chunkserver reads from an object store, and none is configured: set "
					+ SETTINGS + ".endpoint, .bucket, .access-key, .secret-key (and .region)");
		}
		String key = null;
		try {
			SnapshotManifest manifest = manifest(source);
			if (manifest.chunkSize() != chunkSize) {
				throw new CurveException(ErrorCode.CHUNK_SIZE_MISMATCH, "clone source snapshot " + source.getSnapshotId()
						+ " has chunks of " + Sizes.format(manifest.chunkSize()) + ", this copyset's are "
						+ Sizes.format(chunkSize));
			}
			long contentSn = index < manifest.chunkContentSns().size() ? manifest.chunkContentSns().get((int) index) : 0;
			if (contentSn == 0) {
				return ByteBuffer.allocate(length);
			}
			key = ObjectKeys.chunk(source.getVolumeId(), index, contentSn);
			return ByteBuffer.wrap(this.store.getRange(key, offset, length));
		}
		catch (NoSuchKeyException ex) {
			throw new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND, "clone source: object " + key + " of snapshot "
					+ source.getSnapshotId() + " of volume " + source.getVolumeId() + " is missing from bucket "
					+ this.store.bucket());
		}
		catch (SdkException ex) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "clone source: reading "
					+ (key != null ? "object " + key : "the manifest of snapshot " + source.getSnapshotId()) + " from bucket "
					+ this.store.bucket() + " failed: " + ex.getMessage());
		}
	}

	private SnapshotManifest manifest(CloneSource source) {
		String key = ObjectKeys.manifest(source.getVolumeId(), source.getSnapshotId());
		SnapshotManifest cached = this.manifests.get(key);
		if (cached != null) {
			return cached;
		}
		SnapshotManifest manifest = this.store.manifest(source.getVolumeId(), source.getSnapshotId())
			.orElseThrow(() -> new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND, "clone source: snapshot "
					+ source.getSnapshotId() + " of volume " + source.getVolumeId() + " has no manifest " + key
					+ " in bucket " + this.store.bucket()));
		this.manifests.put(key, manifest);
		return manifest;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		if (this.s3 != null) {
			this.s3.close();
		}
	}

}
