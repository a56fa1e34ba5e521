package io.curve4j.objectstore.filedata;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.Piece;

/**
 * Reads a file's bytes from its pieces' block objects. A piece list can be older than the
 * objects: compaction replaces pieces and deletes their objects after a grace period, so
 * a reader that finds an object gone fetches the inode again and reads by its current
 * list. It gets the data, never a missing-object error, unless the file itself changed.
 */
public final class FileBytes {

	/** Rounds of "object gone, fetch the inode again" before giving up: each one means another compaction finished meanwhile. */
	static final int REFRESHES = 3;

	/** Where block bytes come from: the store, or a client's cache in front of it. */
	@FunctionalInterface
	public interface Blocks {

		/**
		 * Copies {@code n} bytes of object {@code key} from {@code offset} into {@code dst} at {@code at}.
		 * @throws ObjectMissingException when the object does not exist
		 */
		void read(String key, long offset, byte[] dst, int at, int n);

		/** Ranged GETs straight from the store. */
		static Blocks of(SnapshotStore store) {
			return (key, offset, dst, at, n) -> System.arraycopy(get(() -> store.getRange(key, offset, n), key), 0, dst,
					at, n);
		}

	}

	/** An object the piece list names is not in the store (deleted after a compaction, or never written). */
	public static final class ObjectMissingException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String key;

		public ObjectMissingException(String key) {
			super("object " + key + " is not in the store");
			this.key = key;
		}

		public String key() {
			return this.key;
		}

	}

	private final BlockNames names;

	private final long chunkSize;

	public FileBytes(BlockNames names, long chunkSize) {
		this.names = names;
		this.chunkSize = chunkSize;
	}

	public BlockNames names() {
		return this.names;
	}

	/** Runs a store read, turning "no such key" into {@link ObjectMissingException}. */
	public static byte[] get(java.util.function.Supplier<byte[]> read, String key) {
		try {
			return read.get();
		}
		catch (NoSuchKeyException ex) {
			throw new ObjectMissingException(key);
		}
	}

	/**
	 * Bytes {@code [offset, offset + dst.length)} of the file into {@code dst} (holes as
	 * zeros), by the current piece list: when an object of {@code inode}'s list is gone,
	 * {@code current} is asked for the inode again and the read starts over.
	 * @param io runs the reads of different pieces in parallel
	 * @return the inode the bytes were read by
	 */
	public Inode read(Inode inode, long offset, byte[] dst, Blocks blocks, Executor io, LongFunction<Inode> current) {
		Inode by = inode;
		for (int attempt = 0;; attempt++) {
			try {
				readOnce(by, offset, dst, blocks, io);
				return by;
			}
			catch (ObjectMissingException ex) {
				if (attempt == REFRESHES) {
					throw ex;
				}
				by = current.apply(inode.getInodeId());
			}
		}
	}

	/** The bytes by exactly this inode's piece list; {@link ObjectMissingException} when an object is gone. */
	public void readOnce(Inode inode, long offset, byte[] dst, Blocks blocks, Executor io) {
		java.util.Arrays.fill(dst, (byte) 0);
		long end = offset + dst.length;
		List<CompletableFuture<Void>> reads = new ArrayList<>();
		for (long chunk = offset / this.chunkSize; chunk * this.chunkSize < end; chunk++) {
			long from = Math.max(offset, chunk * this.chunkSize);
			long to = Math.min(end, (chunk + 1) * this.chunkSize);
			List<Piece> pieces = inode.getChunksOrDefault(chunk, ChunkPieces.getDefaultInstance()).getPiecesList();
			for (ReadPlan.Segment segment : ReadPlan.plan(pieces, inode.getLength(), from, to - from)) {
				if (!segment.hole()) {
					reads.add(CompletableFuture.runAsync(() -> readSegment(inode, segment, offset, dst, blocks), io));
				}
			}
		}
		try {
			CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	private void readSegment(Inode inode, ReadPlan.Segment segment, long readOffset, byte[] dst, Blocks blocks) {
		Piece piece = segment.piece();
		long blockSize = this.names.blockSize();
		long pos = segment.pieceOffset();
		long left = segment.length();
		int at = (int) (segment.fileOffset() - readOffset);
		while (left > 0) {
			long block = pos / blockSize;
			long inBlock = pos - block * blockSize;
			int n = (int) Math.min(left, blockSize - inBlock);
			blocks.read(this.names.key(inode.getFsId(), inode.getInodeId(), piece.getChunkId(), block, piece.getVersion()),
					inBlock, dst, at, n);
			pos += n;
			at += n;
			left -= n;
		}
	}

}
