package io.curve4j.sdk.block;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.sdk.metacache.MetaCache;
import io.curve4j.sdk.retry.BoundedRetry;

/**
 * An open block volume. Offsets and lengths are bytes, multiples of 512, inside the
 * volume; anything else fails with {@code IO_NOT_ALIGNED} or {@code IO_OUT_OF_RANGE}
 * before any I/O (the async variants throw it too, synchronously).
 * <p>
 * An I/O is split per chunk and the parts run in parallel; the call completes when every
 * part has completed, and fails if any part failed (after all parts have finished, so no
 * part of a failed write is still in flight). A failed write may have written some of
 * its parts: like a disk, the range then holds old or new data per sector until it is
 * written again. Never-written ranges read as zeros, a linked clone's as its source
 * snapshot. Thread-safe.
 * <p>
 * A linked clone ({@code FileInfo.clone} LAZY or FLATTENING, as of the last session
 * refresh) keeps its source's data in the object store, which its chunkservers read: so
 * its reads and discards allocate the segments they touch instead of assuming zeros.
 * <p>
 * The volume's QoS limits ({@link FileStat#throttle()}, followed at each session refresh)
 * apply to every call: one that exceeds them starts later, its parts sent once the limits
 * allow (no thread waits for it); the wait is not part of the I/O timeout.
 * <p>
 * Each try of a write carries the volume's sequence number as the session knows it then,
 * so a snapshot taken while a write is retried applies to the retry. While the session's
 * lease has run out here (the MDS not reached for a lease), writes wait for it to be
 * renewed, within the I/O timeout.
 */
public final class Volume implements AutoCloseable {

	/** Largest range of one {@code RecoverChunk}: one Raft entry carries its pages. */
	private static final int MAX_RECOVER = (int) Sizes.MIB;

	private final String path;

	private final VolumeSession session;

	private final ChunkIo io;

	private final MetaCache cache;

	private final VolumeMetrics metrics;

	private final int maxRequest;

	/** Starts the I/O that the limits delay. */
	private final ScheduledExecutorService scheduler;

	private volatile boolean closed;

	Volume(String path, VolumeSession session, ChunkIo io, MetaCache cache, VolumeMetrics metrics, int maxRequest,
			ScheduledExecutorService scheduler) {
		this.path = path;
		this.session = session;
		this.io = io;
		this.cache = cache;
		this.metrics = metrics;
		this.maxRequest = maxRequest;
		this.scheduler = scheduler;
	}

	public String path() {
		return this.path;
	}

	/** Current size in bytes; follows extends made elsewhere (seen at the next session refresh). */
	public long size() {
		return this.session.file().getLength();
	}

	/** The volume as of the last session refresh. */
	public FileStat stat() {
		return FileStat.of(this.session.file());
	}

	public void write(long offset, byte[] data) {
		BoundedRetry.join(writeAsync(offset, data));
	}

	public void write(long offset, ByteBuffer data) {
		BoundedRetry.join(writeAsync(offset, data));
	}

	/** Writes {@code data}; the array must not change until the future completes (it is sent without a copy). */
	public CompletableFuture<Void> writeAsync(long offset, byte[] data) {
		return writeAsync(offset, ByteBuffer.wrap(data));
	}

	/**
	 * Writes the remaining bytes of {@code data} (its position is not moved); the buffer
	 * must not change until the future completes (it is sent without a copy).
	 */
	public CompletableFuture<Void> writeAsync(long offset, ByteBuffer data) {
		int length = data.remaining();
		FileInfo file = checkIo(offset, length);
		long start = System.nanoTime();
		return admit(true, length, () -> {
			List<ChunkRange> ranges = IoSplitter.split(offset, length, chunkSize(file), segmentSize(file),
					this.maxRequest);
			CompletableFuture<?>[] parts = new CompletableFuture<?>[ranges.size()];
			int base = data.position();
			for (int i = 0; i < parts.length; i++) {
				ChunkRange range = ranges.get(i);
				ByteString payload = UnsafeByteOperations
					.unsafeWrap(data.slice(base + range.bufferOffset(), range.length()));
				parts[i] = this.io.write(file.getId(), this.session, range, payload,
						describe("write", offset + range.bufferOffset(), range.length()));
			}
			return CompletableFuture.allOf(parts);
		}).whenComplete((ignored, failure) -> this.metrics.write().record(start, length, failure == null));
	}

	/**
	 * Frees whole chunks: {@code [offset, offset + length)} must start and end on chunk
	 * boundaries ({@code IO_NOT_ALIGNED} otherwise). The range reads as zeros afterwards
	 * and its chunks' space goes back to the chunkservers; a later write allocates again.
	 * A chunk deleted while the volume has a snapshot in the cluster keeps its content in
	 * its snapshot copy until the snapshot is copied out.
	 */
	public CompletableFuture<Void> discardAsync(long offset, long length) {
		FileInfo file = checkIo(offset, length);
		int chunkSize = chunkSize(file);
		long segmentSize = segmentSize(file);
		if (offset % chunkSize != 0 || length % chunkSize != 0) {
			throw new CurveException(ErrorCode.IO_NOT_ALIGNED, "a discard covers whole chunks of " + chunkSize
					+ " bytes; offset " + offset + " and length " + length + " are not multiples of it");
		}
		List<CompletableFuture<Void>> segments = new ArrayList<>();
		for (long position = offset; position < offset + length;) {
			long segmentOffset = Math.floorDiv(position, segmentSize) * segmentSize;
			long end = Math.min(offset + length, segmentOffset + segmentSize);
			segments.add(this.io.delete(file.getId(), this.session, segmentOffset, (int) ((position - segmentOffset) / chunkSize),
					(int) ((end - position) / chunkSize), linkedClone(file), "discard of " + (end - position) + " bytes at offset "
							+ position + " of " + this.path));
			position = end;
		}
		return CompletableFuture.allOf(segments.toArray(CompletableFuture<?>[]::new));
	}

	/** Bytes per chunk: the unit {@link #discardAsync} frees. */
	public int chunkSize() {
		return chunkSize(this.session.file());
	}

	public byte[] read(long offset, int length) {
		return BoundedRetry.join(readAsync(offset, length));
	}

	public CompletableFuture<byte[]> readAsync(long offset, int length) {
		FileInfo file = checkIo(offset, length);
		long start = System.nanoTime();
		byte[] result = new byte[length];
		return admit(false, length, () -> {
			List<ChunkRange> ranges = IoSplitter.split(offset, length, chunkSize(file), segmentSize(file),
					this.maxRequest);
			CompletableFuture<?>[] parts = new CompletableFuture<?>[ranges.size()];
			for (int i = 0; i < parts.length; i++) {
				ChunkRange range = ranges.get(i);
				CompletableFuture<Optional<ByteString>> part = this.io.read(file.getId(), range, linkedClone(file),
						describe("read", offset + range.bufferOffset(), range.length()));
				// an unallocated range keeps the zeros the array starts with
				parts[i] = part
					.thenAccept((data) -> data.ifPresent((bytes) -> bytes.copyTo(result, range.bufferOffset())));
			}
			return CompletableFuture.allOf(parts);
		}).handle((ignored, failure) -> {
			this.metrics.read().record(start, length, failure == null);
			if (failure != null) {
				throw GrpcErrors.fromStatus(failure);
			}
			return result;
		});
	}

	/**
	 * Flattens chunk {@code chunkIndex} of a linked clone (the snapshot service's tool for
	 * a clone in FLATTENING): every page of it that the clone never wrote gets its
	 * source's bytes, so that it reads the same once the link to the source ends. Sent as
	 * {@code RecoverChunk} calls of at most 1 MiB (and at most the client's largest
	 * request), retried like writes; idempotent. Nothing to do for a chunk past the
	 * source's chunks: it reads zeros without the source.
	 * @throws CurveException {@code IO_OUT_OF_RANGE} for a chunk outside the volume,
	 * {@code NOT_A_CLONE} when the volume is not a linked clone (as of the last session
	 * refresh; a flatten that ended meanwhile, for one)
	 */
	public void flattenChunk(long chunkIndex) {
		FileInfo file = checkIo(0, 0);
		int chunkSize = chunkSize(file);
		long chunks = file.getLength() / chunkSize;
		if (chunkIndex < 0 || chunkIndex >= chunks) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE,
					"chunk " + chunkIndex + " is outside the " + chunks + " chunks of " + this.path);
		}
		if (!linkedClone(file)) {
			// refused, not skipped: a caller that goes on to end the link would lose the source's data
			throw new CurveException(ErrorCode.NOT_A_CLONE, this.path + " is not a linked clone");
		}
		if (chunkIndex >= file.getClone().getSourceChunks()) {
			return;
		}
		int piece = Math.max(Sizes.PAGE_SIZE, Math.min(MAX_RECOVER, this.maxRequest) / Sizes.PAGE_SIZE * Sizes.PAGE_SIZE);
		List<ChunkRange> ranges = IoSplitter.split(chunkIndex * chunkSize, chunkSize, chunkSize, segmentSize(file),
				piece);
		CompletableFuture<?>[] parts = new CompletableFuture<?>[ranges.size()];
		for (int i = 0; i < parts.length; i++) {
			ChunkRange range = ranges.get(i);
			parts[i] = this.io.recover(file.getId(), this.session, range, "flatten of " + range.length()
					+ " bytes at offset " + range.offsetInChunk() + " of chunk " + chunkIndex + " of " + this.path);
		}
		BoundedRetry.join(CompletableFuture.allOf(parts));
	}

	/** Whether the volume reads what it never wrote from a source snapshot. */
	private static boolean linkedClone(FileInfo file) {
		if (!file.hasClone()) {
			return false;
		}
		CloneStatus status = file.getClone().getStatus();
		return status == CloneStatus.LAZY || status == CloneStatus.FLATTENING;
	}

	/**
	 * Runs {@code io} at once when the volume's limits allow it now, else on the client's
	 * scheduler once they do: a throttled I/O holds no thread while it waits.
	 */
	private CompletableFuture<Void> admit(boolean write, int length, Supplier<CompletableFuture<Void>> io) {
		long wait = this.session.throttle().reserve(write, length);
		if (wait == 0) {
			return io.get();
		}
		CompletableFuture<Void> started = new CompletableFuture<>();
		try {
			this.scheduler.schedule(() -> {
				try {
					io.get().whenComplete((ignored, failure) -> {
						if (failure != null) {
							started.completeExceptionally(failure);
						}
						else {
							started.complete(null);
						}
					});
				}
				catch (RuntimeException ex) {
					started.completeExceptionally(ex);
				}
			}, wait, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "the client of " + this.path + " is closed");
		}
		return started;
	}

	/** Ends the session; I/O afterwards fails. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.session.close();
		this.cache.forgetFile(this.session.file().getId());
	}

	private FileInfo checkIo(long offset, long length) {
		if (this.closed) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "volume " + this.path + " is closed");
		}
		FileInfo file = this.session.file();
		IoSplitter.validate(offset, length, file.getLength());
		return file;
	}

	private String describe(String op, long offset, int length) {
		return op + " of " + length + " bytes at offset " + offset + " of " + this.path;
	}

	/** The volume's own geometry, as its record says: volumes of different pools may differ. */
	private static int chunkSize(FileInfo file) {
		if (file.getChunkSize() <= 0) {
			throw new CurveException(ErrorCode.INTERNAL, "the MDS gave no chunk size for " + file.getPath());
		}
		return file.getChunkSize();
	}

	private static long segmentSize(FileInfo file) {
		if (file.getSegmentSize() <= 0) {
			throw new CurveException(ErrorCode.INTERNAL, "the MDS gave no segment size for " + file.getPath());
		}
		return file.getSegmentSize();
	}

}
