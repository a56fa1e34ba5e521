package io.curve4j.fs.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import software.amazon.awssdk.core.exception.SdkException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.objectstore.filedata.FileBytes;
import io.curve4j.proto.fs.v1.ObjectStoreInfo;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.Piece;

/**
 * File data in the object store: a flushed range becomes a piece stored as block objects
 * under a chunk id never used before, so an object, once written, never changes. That
 * is what lets every mount cache whole objects without invalidation: a newer write is a
 * newer piece under another name, and the inode's piece list (read at open) says which
 * bytes are current.
 */
public final class FileData {

	/** Whole block objects kept for reads (sequential reads fetch whole objects). */
	private static final long CACHE_BYTES = 256L << 20;

	/**
	 * Longest time from an upload's first PUT to its AppendPieces: the metaservers' orphan
	 * age (1 h by default) must stay above it plus the metadata call's retries (30 s).
	 */
	static final Duration UPLOAD_DEADLINE = Duration.ofMinutes(10);

	/** Objects a sequential read fetches ahead of itself. */
	static final int PREFETCH_BLOCKS = 2;

	private final FsMount mount;

	private final FsNamespace namespace;

	private final SnapshotStore store;

	private final BlockNames names;

	private final DiskCache disk;

	private final Executor background;

	/** Objects a prefetch or a cache fill is fetching now: fetched once. */
	private final Set<String> fetching = ConcurrentHashMap.newKeySet();

	private final FileBytes bytes;

	private final ExecutorService io;

	/** Runs whole uploads in the background (each waits for its PUTs on {@link #io}, so never on that pool). */
	private final ExecutorService uploads;

	private final Cache<String, byte[]> blocks = Caffeine.newBuilder()
		.maximumWeight(CACHE_BYTES)
		.weigher((String key, byte[] bytes) -> bytes.length)
		.build();

	/**
	 * @param disk where block objects read are also kept, or null for none
	 * @param background runs prefetches and disk cache fills (best effort: dropped when busy)
	 */
	public FileData(FsMount mount, FsNamespace namespace, SnapshotStore store, DiskCache disk, ExecutorService io,
			ExecutorService uploads, Executor background) {
		this.mount = mount;
		this.disk = disk;
		this.background = background;
		this.namespace = namespace;
		this.store = store;
		this.io = io;
		this.uploads = uploads;
		ObjectStoreInfo info = mount.objectStore();
		this.names = new BlockNames(info.getKeyPrefix(), mount.fs().getBlockSize());
		this.bytes = new FileBytes(this.names, mount.fs().getChunkSize());
	}

	public long chunkSize() {
		return this.mount.fs().getChunkSize();
	}

	/**
	 * Bytes {@code [offset, offset + dst.length)} of the file as {@code inode} describes it,
	 * into {@code dst} (holes as zeros); the caller bounds the read by the length. When
	 * compaction replaced pieces of that list and their objects are gone, the inode is
	 * read again.
	 * @param wholeBlocks fetch and keep whole objects (sequential reads), else only the bytes asked for
	 * @return the inode the bytes were read by
	 */
	public Inode read(Inode inode, long offset, byte[] dst, boolean wholeBlocks) {
		try {
			return this.bytes.read(inode, offset, dst, (key, from, into, at, n) -> readBlock(key, from, into, at, n, wholeBlocks),
					this.io, this.namespace::getInode);
		}
		catch (FileBytes.ObjectMissingException ex) {
			throw new CurveException(ErrorCode.INTERNAL, ex.getMessage(), ex);
		}
		catch (SdkException ex) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "object store: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Stores dirty ranges as pieces and records them on the inode: the write is durable (in
	 * the object store and on a Raft majority of the metaservers) when this returns.
	 * @return the inode as recorded
	 */
	public Inode write(long inodeId, List<WriteBuffer.Range> ranges, long newLength) {
		long started = System.nanoTime();
		Map<Long, ChunkPieces.Builder> pieces = new LinkedHashMap<>();
		List<CompletableFuture<Void>> puts = new ArrayList<>();
		for (WriteBuffer.Range range : ranges) {
			long chunk = range.offset() / chunkSize();
			PieceUploads.Upload upload = PieceUploads.of(this.names, this.mount.fsId(), inodeId, this.mount.nextChunkId(),
					range);
			pieces.computeIfAbsent(chunk, (c) -> ChunkPieces.newBuilder()).addPieces(upload.piece());
			for (PieceUploads.Put put : upload.puts()) {
				puts.add(CompletableFuture.runAsync(() -> {
					s3(() -> this.store.put(put.key(), put.bytes()));
					this.blocks.put(put.key(), put.bytes());
				}, this.io));
			}
		}
		join(puts);
		if (System.nanoTime() - started > UPLOAD_DEADLINE.toNanos()) {
			// the metaservers' sweep may take objects this old that nothing references yet: upload again, under new names
			throw new CurveException(ErrorCode.UNAVAILABLE, "the upload took longer than " + UPLOAD_DEADLINE
					+ "; the bytes stay buffered and are uploaded again");
		}
		Map<Long, ChunkPieces> built = new LinkedHashMap<>();
		pieces.forEach((chunk, builder) -> built.put(chunk, builder.build()));
		return this.namespace.appendPieces(inodeId, built, newLength, FsNamespace.nowNs());
	}

	/** {@link #write} in the background. */
	public CompletableFuture<Inode> writeLater(long inodeId, List<WriteBuffer.Range> ranges, long newLength) {
		return CompletableFuture.supplyAsync(() -> write(inodeId, ranges, newLength), this.uploads);
	}

	/**
	 * A sequential read takes whole objects into the memory cache (and the disk cache) and
	 * fetches the next {@link #PREFETCH_BLOCKS} of the piece in the background; a random read
	 * takes only its bytes, and with a disk cache the whole object is fetched for it later.
	 */
	private void readBlock(String key, long from, byte[] dst, int at, int n, boolean wholeBlocks) {
		if (wholeBlocks) {
			String next = key;
			for (int i = 0; i < PREFETCH_BLOCKS; i++) {
				next = BlockNames.nextBlock(next);
				fetchLater(next);
			}
		}
		byte[] cached = this.blocks.getIfPresent(key);
		if (cached == null && this.disk != null && this.disk.read(key, from, dst, at, n)) {
			return;
		}
		if (cached == null && wholeBlocks) {
			cached = this.blocks.get(key, this::fetchWhole);
		}
		if (cached != null) {
			System.arraycopy(cached, (int) from, dst, at, n);
			return;
		}
		System.arraycopy(FileBytes.get(() -> this.store.getRange(key, from, n), key), 0, dst, at, n);
		if (this.disk != null) {
			fetchLater(key);
		}
	}

	private byte[] fetchWhole(String key) {
		byte[] local = this.disk == null ? null : this.disk.get(key);
		if (local != null) {
			return local;
		}
		byte[] bytes = FileBytes.get(() -> this.store.get(key), key);
		if (this.disk != null) {
			this.disk.put(key, bytes);
		}
		return bytes;
	}

	/** Fetches an object into the caches in the background, unless it is there or coming; a missing one is no error. */
	private void fetchLater(String key) {
		if (this.blocks.getIfPresent(key) != null || !this.fetching.add(key)) {
			return;
		}
		try {
			this.background.execute(() -> {
				try {
					this.blocks.get(key, this::fetchWhole);
				}
				catch (RuntimeException ex) {
					// past the piece's last block, or the store unreachable: the read itself will say
				}
				finally {
					this.fetching.remove(key);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.fetching.remove(key);
		}
	}

	private static <T> T s3(java.util.function.Supplier<T> call) {
		try {
			return call.get();
		}
		catch (SdkException ex) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "object store: " + ex.getMessage(), ex);
		}
	}

	private static void s3(Runnable call) {
		s3(() -> {
			call.run();
			return null;
		});
	}

	private static void join(List<CompletableFuture<Void>> all) {
		try {
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof CurveException ce) {
				throw ce;
			}
			throw new CurveException(ErrorCode.INTERNAL, String.valueOf(ex.getCause()), ex.getCause());
		}
	}

}
