package io.curve4j.sdk.block;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.chunk.v1.ReadChunkSnapshotResponse;
import io.curve4j.sdk.retry.BoundedRetry;

/**
 * One in-cluster snapshot of a volume, chunk by chunk, as the snapshot service copies it
 * out: the chunkservers keep the pages that writes after the snapshot overwrote (their
 * copy-on-write), and answer for the chunk as it was at {@link #snapshotSeq()}. When the
 * copy is done, {@link #deleteChunkCopies()} gives that space back and ends the snapshot
 * on the chunkservers. Every call retries within the client's I/O timeout, as volume I/O
 * does; failures are {@link CurveException}s.
 */
public final class VolumeSnapshot implements AutoCloseable {

	private final FileStat volume;

	private final long snapshotSeq;

	private final ChunkIo io;

	private final int maxRequest;

	private volatile boolean closed;

	VolumeSnapshot(FileStat volume, long snapshotSeq, ChunkIo io, int maxRequest) {
		this.volume = volume;
		this.snapshotSeq = snapshotSeq;
		this.io = io;
		this.maxRequest = maxRequest;
	}

	public String path() {
		return this.volume.path();
	}

	/** The snapshot's sequence number: the volume's before the snapshot raised it. */
	public long snapshotSeq() {
		return this.snapshotSeq;
	}

	/** Chunks in the volume (its length over its chunk size), snapshot or not. */
	public long chunkCount() {
		return this.volume.length() / this.volume.chunkSize();
	}

	public int chunkSize() {
		return this.volume.chunkSize();
	}

	/**
	 * The sequence number of the last write to chunk {@code chunkIndex} before the
	 * snapshot; 0 when it did not exist then (a segment never allocated, a chunk never
	 * written). Two snapshots whose chunk has the same content sn hold the same bytes.
	 */
	public long contentSn(long chunkIndex) {
		ChunkRange whole = ranges(chunkIndex, this.volume.chunkSize()).get(0);
		return BoundedRetry.join(this.io.snapshotContentSn(this.volume.id(), this.snapshotSeq, whole, what(chunkIndex)));
	}

	/**
	 * Chunk {@code chunkIndex} as it was at the snapshot, read in pieces no larger than
	 * the client's largest request, in parallel.
	 * @throws CurveException {@code SNAPSHOT_NOT_FOUND} when the chunk no longer holds
	 * the snapshot, {@code CHUNK_CORRUPT} when a page of it does not check out
	 */
	public SnapshotChunk readChunk(long chunkIndex) {
		List<ChunkRange> pieces = ranges(chunkIndex, this.maxRequest);
		List<CompletableFuture<Optional<ReadChunkSnapshotResponse>>> reads = new ArrayList<>(pieces.size());
		for (ChunkRange piece : pieces) {
			reads.add(this.io.readSnapshot(this.volume.id(), this.snapshotSeq, piece, what(chunkIndex)));
		}
		BoundedRetry.join(CompletableFuture.allOf(reads.toArray(CompletableFuture<?>[]::new)));
		byte[] data = new byte[this.volume.chunkSize()];
		long contentSn = -1;
		for (int i = 0; i < pieces.size(); i++) {
			Optional<ReadChunkSnapshotResponse> answer = reads.get(i).join();
			long pieceSn = answer.map(ReadChunkSnapshotResponse::getContentSn).orElse(0L);
			if (contentSn >= 0 && pieceSn != contentSn) {
				// cannot happen while the chunk holds the snapshot: its content at the snapshot is fixed
				throw new CurveException(ErrorCode.INTERNAL, what(chunkIndex) + ": pieces answered content sn "
						+ contentSn + " and " + pieceSn);
			}
			contentSn = pieceSn;
			ChunkRange piece = pieces.get(i);
			answer.ifPresent((read) -> read.getData().copyTo(data, piece.offsetInChunk()));
		}
		return new SnapshotChunk(contentSn, data);
	}

	/**
	 * Deletes the chunks' copies of this snapshot and ends it on the chunkservers:
	 * {@code DeleteChunkSnapshotOrCorrectSn(snapshotSeq + 1)} on every chunk of every
	 * allocated segment. Idempotent; the snapshot cannot be read afterwards.
	 */
	public void deleteChunkCopies() {
		checkOpen();
		long segmentSize = this.volume.segmentSize();
		List<CompletableFuture<Void>> segments = new ArrayList<>();
		for (long offset = 0; offset < this.volume.length(); offset += segmentSize) {
			segments.add(this.io.deleteSnapshotCopies(this.volume.id(), offset, this.snapshotSeq + 1,
					"delete the copies of snapshot " + this.snapshotSeq + " of " + path() + " at " + offset));
		}
		BoundedRetry.join(CompletableFuture.allOf(segments.toArray(CompletableFuture<?>[]::new)));
	}

	/** Ends the use of this snapshot here; it holds nothing on the servers. */
	@Override
	public void close() {
		this.closed = true;
	}

	/** The pieces of chunk chunkIndex, none longer than pieceSize. */
	private List<ChunkRange> ranges(long chunkIndex, int pieceSize) {
		checkOpen();
		if (chunkIndex < 0 || chunkIndex >= chunkCount()) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE,
					"chunk " + chunkIndex + " is outside the volume's " + chunkCount() + " chunks");
		}
		int chunkSize = this.volume.chunkSize();
		return IoSplitter.split(chunkIndex * chunkSize, chunkSize, chunkSize, this.volume.segmentSize(), pieceSize);
	}

	private void checkOpen() {
		if (this.closed) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "snapshot " + this.snapshotSeq + " of " + path()
					+ " was closed");
		}
	}

	private String what(long chunkIndex) {
		return "chunk " + chunkIndex + " of " + path() + " at snapshot " + this.snapshotSeq;
	}

}
