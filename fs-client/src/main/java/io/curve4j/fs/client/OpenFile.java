package io.curve4j.fs.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.metaserver.v1.Inode;

/**
 * A regular file open on this mount (all its handles share it): the inode as last read
 * or written, and the writes not yet uploaded. Opening re-reads the inode (close-to-open:
 * what another mount closed is seen whole); writes stay in memory until a flush (close,
 * fsync, a full buffer, the timer) uploads them and records their pieces.
 */
public final class OpenFile {

	/** A buffer holding this much uploads before taking more. */
	public static final long BUFFER_BYTES = 8L << 20;

	/** Dirty bytes older than this are uploaded by the timer. */
	public static final Duration FLUSH_AFTER = Duration.ofSeconds(5);

	private final long inodeId;

	private final FsNamespace namespace;

	private final FileData data;

	/** Writes not yet handed to an upload. */
	private WriteBuffer buffer = newBuffer();

	/** A full buffer on its way to the store while writes go on into the next: null when none. */
	private List<WriteBuffer.Range> uploading;

	private CompletableFuture<Inode> upload;

	private Inode inode;

	/** The length this mount sees: the inode's, grown by buffered writes. */
	private long length;

	private long lastReadEnd = -1;

	private int handles;

	public OpenFile(Inode inode, FsNamespace namespace, FileData data) {
		this.inodeId = inode.getInodeId();
		this.inode = inode;
		this.length = inode.getLength();
		this.namespace = namespace;
		this.data = data;
	}

	public long inodeId() {
		return this.inodeId;
	}

	/**
	 * A handle opens the file. The first found the inode freshly read (or just made); a later
	 * one reads it again unless this mount has writes of its own pending.
	 */
	public synchronized void open() {
		if (this.handles++ > 0 && this.buffer.isEmpty() && this.upload == null) {
			this.inode = this.namespace.getInode(this.inodeId);
			this.length = this.inode.getLength();
		}
	}

	/** @return true when this was the last handle */
	public synchronized boolean release() {
		flush();
		return --this.handles == 0;
	}

	/** The inode with this mount's view of the length and times. */
	public synchronized Inode attributes() {
		return this.inode.toBuilder().setLength(this.length).build();
	}

	/**
	 * A full buffer goes to the store in the background while the next one fills; one upload
	 * at a time per file, so pieces are recorded in the order they were written.
	 */
	public synchronized void write(long offset, byte[] bytes) {
		this.buffer.write(offset, bytes, 0, bytes.length);
		this.length = Math.max(this.length, offset + bytes.length);
		if (this.buffer.dirtyBytes() >= BUFFER_BYTES) {
			awaitUpload();
			this.uploading = this.buffer.drain(this.data.chunkSize());
			this.upload = this.data.writeLater(this.inodeId, this.uploading, this.length);
		}
	}

	/** Up to {@code size} bytes from {@code offset}, fewer at the end of the file. */
	public synchronized byte[] read(long offset, int size) {
		int n = (int) Math.max(0, Math.min(size, this.length - offset));
		byte[] out = new byte[n];
		if (n == 0) {
			return out;
		}
		if (this.namespace.pending(this.inodeId)) {
			// pieces this mount recorded later: read by the list once it has them
			this.inode = this.namespace.getInode(this.inodeId);
		}
		// bytes past the recorded length are buffered writes (or zeros of a hole they left)
		long recorded = Math.min(this.inode.getLength(), offset + n);
		if (recorded > offset) {
			byte[] stored = new byte[(int) (recorded - offset)];
			// a list replaced by compaction meanwhile comes back current
			this.inode = this.data.read(this.inode, offset, stored, offset == this.lastReadEnd);
			System.arraycopy(stored, 0, out, 0, stored.length);
		}
		if (this.uploading != null) {
			for (WriteBuffer.Range range : this.uploading) {
				overlay(range, offset, out);
			}
		}
		this.buffer.overlay(offset, out, n);
		this.lastReadEnd = offset + n;
		return out;
	}

	/**
	 * Uploads what is buffered and records it: durable once this returns, or with metadata
	 * write-back once {@link #sync} returns.
	 */
	public synchronized void flush() {
		awaitUpload();
		if (this.buffer.isEmpty()) {
			return;
		}
		List<WriteBuffer.Range> ranges = this.buffer.drain(this.data.chunkSize());
		try {
			recorded(this.data.write(this.inodeId, ranges, this.length));
		}
		catch (CurveException ex) {
			// keep the bytes for the next try; the caller reports the error
			for (WriteBuffer.Range range : ranges) {
				this.buffer.write(range.offset(), range.data(), 0, range.data().length);
			}
			throw ex;
		}
	}

	/**
	 * Waits for the background upload. If it failed, its bytes go back under the newer
	 * buffered ones, to be tried again by the next flush, and the error is the caller's.
	 */
	private void awaitUpload() {
		if (this.upload == null) {
			return;
		}
		try {
			recorded(this.upload.join());
		}
		catch (CompletionException ex) {
			WriteBuffer restored = newBuffer();
			for (WriteBuffer.Range range : this.uploading) {
				restored.write(range.offset(), range.data(), 0, range.data().length);
			}
			for (WriteBuffer.Range range : this.buffer.drain(this.data.chunkSize())) {
				restored.write(range.offset(), range.data(), 0, range.data().length);
			}
			this.buffer = restored;
			throw ex.getCause() instanceof CurveException ce ? ce
					: new CurveException(ErrorCode.UNAVAILABLE, "upload failed: " + ex.getCause(), ex.getCause());
		}
		finally {
			this.upload = null;
			this.uploading = null;
		}
	}

	/** The inode a write left, or null when its record is committed later (metadata write-back). */
	private void recorded(Inode recorded) {
		if (recorded != null) {
			this.inode = recorded;
			this.length = Math.max(this.length, recorded.getLength());
		}
	}

	/** Uploads what is buffered and waits until its record is committed (fsync). */
	public synchronized void sync() {
		flush();
		this.namespace.awaitRecorded(this.inodeId);
	}

	private static void overlay(WriteBuffer.Range range, long offset, byte[] out) {
		long from = Math.max(offset, range.offset());
		long to = Math.min(offset + out.length, range.offset() + range.data().length);
		if (to > from) {
			System.arraycopy(range.data(), (int) (from - range.offset()), out, (int) (from - offset), (int) (to - from));
		}
	}

	private static WriteBuffer newBuffer() {
		return new WriteBuffer(BUFFER_BYTES, FLUSH_AFTER, System::nanoTime);
	}

	/** Flushes when the buffer is full or old: for the timer. */
	public synchronized void flushIfDue() {
		if (this.buffer.flushDue()) {
			flush();
		}
	}

	public synchronized void truncate(long newLength) {
		flush();
		this.inode = this.namespace.truncate(this.inodeId, newLength);
		this.length = newLength;
	}

	/** Attributes changed by another call (chmod, utimens...) while open: keep the newest inode. */
	public synchronized void changed(Inode changed) {
		this.inode = changed;
		this.length = Math.max(changed.getLength(), this.length);
	}

}
