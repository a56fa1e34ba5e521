package io.curve4j.fs.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import software.amazon.awssdk.core.exception.SdkException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.objectstore.ObjectStoreSettings;
import io.curve4j.objectstore.SnapshotStore;
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

	private final FsMount mount;

	private final FsNamespace namespace;

	private final SnapshotStore store;

	private final BlockNames names;

	private final ExecutorService io;

	/** Runs whole uploads in the background (each waits for its PUTs on {@link #io}, so never on that pool). */
	private final ExecutorService uploads;

	private final Cache<String, byte[]> blocks = Caffeine.newBuilder()
		.maximumWeight(CACHE_BYTES)
		.weigher((String key, byte[] bytes) -> bytes.length)
		.build();

	public FileData(FsMount mount, FsNamespace namespace, ExecutorService io, ExecutorService uploads) {
		this.mount = mount;
		this.namespace = namespace;
		this.io = io;
		this.uploads = uploads;
		ObjectStoreInfo info = mount.objectStore();
		ObjectStoreSettings settings = new ObjectStoreSettings();
		if (!info.getEndpoint().isEmpty()) {
			settings.setEndpoint(URI.create(info.getEndpoint()));
		}
		settings.setBucket(info.getBucket());
		if (!info.getRegion().isEmpty()) {
			settings.setRegion(info.getRegion());
		}
		settings.setAccessKey(info.getAccessKey());
		settings.setSecretKey(info.getSecretKey());
		this.store = new SnapshotStore(settings.newClient("the file system's object store"), info.getBucket());
		this.names = new BlockNames(info.getKeyPrefix(), mount.fs().getBlockSize());
	}

	public long chunkSize() {
		return this.mount.fs().getChunkSize();
	}

	/**
	 * Bytes {@code [offset, offset + dst.length)} of the file as {@code inode} describes it,
	 * into {@code dst} (holes as zeros); the caller bounds the read by the length.
	 * @param wholeBlocks fetch and keep whole objects (sequential reads), else only the bytes asked for
	 */
	public void read(Inode inode, long offset, byte[] dst, boolean wholeBlocks) {
		long chunkSize = chunkSize();
		long end = offset + dst.length;
		List<CompletableFuture<Void>> reads = new ArrayList<>();
		for (long chunk = offset / chunkSize; chunk * chunkSize < end; chunk++) {
			long from = Math.max(offset, chunk * chunkSize);
			long to = Math.min(end, (chunk + 1) * chunkSize);
			List<Piece> pieces = inode.getChunksOrDefault(chunk, ChunkPieces.getDefaultInstance()).getPiecesList();
			for (ReadPlan.Segment segment : ReadPlan.plan(pieces, inode.getLength(), from, to - from)) {
				if (!segment.hole()) {
					reads.add(CompletableFuture.runAsync(() -> readSegment(inode, segment, offset, dst, wholeBlocks), this.io));
				}
			}
		}
		join(reads);
	}

	/**
	 * Stores dirty ranges as pieces and records them on the inode: the write is durable (in
	 * the object store and on a Raft majority of the metaservers) when this returns.
	 * @return the inode as recorded
	 */
	public Inode write(long inodeId, List<WriteBuffer.Range> ranges, long newLength) {
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
		Map<Long, ChunkPieces> built = new LinkedHashMap<>();
		pieces.forEach((chunk, builder) -> built.put(chunk, builder.build()));
		return this.namespace.appendPieces(inodeId, built, newLength, FsNamespace.nowNs());
	}

	/** {@link #write} in the background. */
	public CompletableFuture<Inode> writeLater(long inodeId, List<WriteBuffer.Range> ranges, long newLength) {
		return CompletableFuture.supplyAsync(() -> write(inodeId, ranges, newLength), this.uploads);
	}

	private void readSegment(Inode inode, ReadPlan.Segment segment, long readOffset, byte[] dst, boolean wholeBlocks) {
		Piece piece = segment.piece();
		long blockSize = this.names.blockSize();
		long pos = segment.pieceOffset();
		long left = segment.length();
		int at = (int) (segment.fileOffset() - readOffset);
		while (left > 0) {
			long block = pos / blockSize;
			long inBlock = pos - block * blockSize;
			int n = (int) Math.min(left, blockSize - inBlock);
			String key = this.names.key(this.mount.fsId(), inode.getInodeId(), piece.getChunkId(), block, piece.getVersion());
			byte[] cached = this.blocks.getIfPresent(key);
			if (cached == null && wholeBlocks) {
				cached = this.blocks.get(key, (k) -> s3(() -> this.store.get(k)));
			}
			if (cached != null) {
				System.arraycopy(cached, (int) inBlock, dst, at, n);
			}
			else {
				long from = inBlock;
				byte[] part = s3(() -> this.store.getRange(key, from, n));
				System.arraycopy(part, 0, dst, at, n);
			}
			pos += n;
			at += n;
			left -= n;
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
