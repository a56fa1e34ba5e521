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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

	/**
	 * How long a read of bytes another mount wrote back and has not uploaded yet waits for
	 * the upload (a live client uploads within seconds) before it fails.
	 */
	static final Duration PENDING_WAIT = Duration.ofSeconds(10);

	private static final Duration PENDING_POLL = Duration.ofMillis(250);

	private static final Logger log = LoggerFactory.getLogger(FileData.class);

	private final FsMount mount;

	private final FsNamespace namespace;

	private final SnapshotStore store;

	private final BlockNames names;

	private final DiskCache disk;

	private final WriteBackUploads writeBack;

	private final Executor background;

	/** Objects a prefetch or a cache fill is fetching now: fetched once. */
	private final Set<String> fetching = ConcurrentHashMap.newKeySet();

	private final FileBytes bytes;

	private final ExecutorService io;

	/** Runs whole uploads in the background (each waits for its PUTs on {@link #io}, so never on that pool). */
	private final ExecutorService uploads;

	private final Cache<String, byte[]> blocks = FsSession.cache()
		.maximumWeight(CACHE_BYTES)
		.weigher((String key, byte[] bytes) -> bytes.length)
		.build();

	/**
	 * @param disk where block objects read are also kept, or null for none
	 * @param writeBack with a disk cache: writes are durable once staged on it, and uploaded
	 *     later by this; null: writes are durable once in the store
	 * @param background runs prefetches and disk cache fills (best effort: dropped when busy)
	 */
	public FileData(FsMount mount, FsNamespace namespace, SnapshotStore store, DiskCache disk,
			WriteBackUploads writeBack, ExecutorService io, ExecutorService uploads, Executor background) {
		if (writeBack != null && disk == null) {
			throw new IllegalArgumentException("write-back needs a disk cache");
		}
		this.mount = mount;
		this.disk = disk;
		this.writeBack = writeBack;
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
		long deadline = System.nanoTime() + PENDING_WAIT.toNanos();
		Inode by = inode;
		while (true) {
			try {
				return this.bytes.read(by, offset, dst,
						(key, from, into, at, n) -> readBlock(key, from, into, at, n, wholeBlocks), this.io,
						this.namespace::getInode);
			}
			catch (FileBytes.ObjectMissingException ex) {
				by = this.namespace.getInode(inode.getInodeId());
				long pendingOn = pendingMount(by, ex.key());
				if (pendingOn == 0) {
					throw new CurveException(ErrorCode.INTERNAL, ex.getMessage(), ex);
				}
				if (System.nanoTime() > deadline) {
					throw new CurveException(ErrorCode.UNAVAILABLE, "bytes of inode " + inode.getInodeId()
							+ " are pending upload on mount " + pendingOn + ": that client wrote them to its write-back"
							+ " cache and has not uploaded them yet; they read once it has (restart it on its cache"
							+ " directory if it stopped)");
				}
				sleep(PENDING_POLL);
			}
			catch (SdkException ex) {
				throw new CurveException(ErrorCode.UNAVAILABLE, "object store: " + ex.getMessage(), ex);
			}
		}
	}

	/** The mount a piece holding object {@code key} is pending upload on, or 0 when none is. */
	private long pendingMount(Inode inode, String key) {
		for (ChunkPieces chunk : inode.getChunksMap().values()) {
			for (Piece piece : chunk.getPiecesList()) {
				if (piece.getPendingMount() != 0
						&& this.names.keys(inode.getFsId(), inode.getInodeId(), piece, 0).contains(key)) {
					return piece.getPendingMount();
				}
			}
		}
		return 0;
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while waiting for an upload", ex);
		}
	}

	/**
	 * Stores dirty ranges as pieces and records them on the inode: the write is durable (in
	 * the object store, or in write-back mode on the local cache disk, and on a Raft
	 * majority of the metaservers) when this returns. With metadata write-back the record is
	 * committed later, and the objects are synced then ({@link FsNamespace#appendPiecesLater}).
	 * @return the inode as recorded, or null when it is recorded later
	 */
	public Inode write(long inodeId, List<WriteBuffer.Range> ranges, long newLength) {
		List<PieceUploads.Upload> uploads = new ArrayList<>();
		long bytes = 0;
		for (WriteBuffer.Range range : ranges) {
			uploads.add(PieceUploads.of(this.names, this.mount.fsId(), inodeId, this.mount.nextChunkId(), range));
			bytes += range.data().length;
		}
		if (this.writeBack != null && this.namespace.recordsLater() && this.disk.acceptsWrites(bytes)
				&& stage(uploads, false)) {
			this.namespace.appendPiecesLater(inodeId, pieces(ranges, uploads, this.mount.mountId()), newLength,
					FsNamespace.nowNs(), () -> submitUploads(inodeId, uploads));
			return null;
		}
		if (this.writeBack != null && this.disk.acceptsWrites(bytes) && stage(uploads, true)) {
			try {
				return this.namespace.appendPieces(inodeId, pieces(ranges, uploads, this.mount.mountId()), newLength,
						FsNamespace.nowNs());
			}
			finally {
				// recorded or not (an unknown outcome may have been): the uploader finds out which and keeps or drops them
				submitUploads(inodeId, uploads);
			}
		}
		return writeThrough(inodeId, ranges, uploads, newLength);
	}

	private void submitUploads(long inodeId, List<PieceUploads.Upload> uploads) {
		for (PieceUploads.Upload upload : uploads) {
			this.writeBack.submit(inodeId, upload.piece().getChunkId(),
					upload.puts().stream().map(PieceUploads.Put::key).toList());
		}
	}

	/**
	 * Writes the pieces' objects to the disk cache's write area, synced when {@code durable}.
	 * @return false when the disk refused them (none staged then: the write goes to the store)
	 */
	private boolean stage(List<PieceUploads.Upload> uploads, boolean durable) {
		List<String> staged = new ArrayList<>();
		try {
			for (PieceUploads.Upload upload : uploads) {
				for (PieceUploads.Put put : upload.puts()) {
					this.disk.stage(put.key(), put.bytes());
					staged.add(put.key());
				}
			}
			if (durable) {
				this.disk.sync();
			}
			return true;
		}
		catch (java.io.UncheckedIOException ex) {
			log.warn("write-back cache refused a write, so it goes to the store: {}", ex.getMessage());
			staged.forEach(this.disk::discard);
			return false;
		}
	}

	/** The pieces by chunk index, marked pending upload on {@code pendingMount} (0: in the store). */
	private Map<Long, ChunkPieces> pieces(List<WriteBuffer.Range> ranges, List<PieceUploads.Upload> uploads,
			long pendingMount) {
		Map<Long, ChunkPieces.Builder> pieces = new LinkedHashMap<>();
		for (int i = 0; i < ranges.size(); i++) {
			pieces.computeIfAbsent(ranges.get(i).offset() / chunkSize(), (c) -> ChunkPieces.newBuilder())
				.addPieces(uploads.get(i).piece().toBuilder().setPendingMount(pendingMount));
		}
		Map<Long, ChunkPieces> built = new LinkedHashMap<>();
		pieces.forEach((chunk, builder) -> built.put(chunk, builder.build()));
		return built;
	}

	private Inode writeThrough(long inodeId, List<WriteBuffer.Range> ranges, List<PieceUploads.Upload> uploads,
			long newLength) {
		long started = System.nanoTime();
		List<CompletableFuture<Void>> puts = new ArrayList<>();
		for (PieceUploads.Upload upload : uploads) {
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
		return this.namespace.appendPieces(inodeId, pieces(ranges, uploads, 0), newLength, FsNamespace.nowNs());
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
