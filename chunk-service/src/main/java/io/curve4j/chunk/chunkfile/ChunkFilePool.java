package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-allocated chunk files, so that the first write of a chunk does not pay for creating
 * and allocating 16 MiB. A background thread keeps {@code targetSize} zero-filled files of
 * a chunk file's length ready in the pool directory (files of another length, such as
 * those made before page checksums, are dropped); {@link #allocate} formats one with its
 * header and renames it into place. When the pool is empty a sparse file is made inline.
 * A deleted chunk's file comes back ({@link #recycle}): it is renamed in under a
 * {@code .dirty} suffix and zeroed by the same thread before it is handed out again.
 *
 * <p>
 * Invariants: a file in the pool is all zeros; it gets a header only when handed out, so a
 * file found in the pool with a chunk header was handed out before a crash and is dropped
 * rather than reused. Files being filled carry a {@code .tmp} suffix and are dropped on start;
 * {@code .dirty} files found on start are zeroed as after a recycle.
 * Pool and copyset directories are on one file system (rename and hard links).
 */
public final class ChunkFilePool implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChunkFilePool.class);

	private static final String SUFFIX = ".chunk";

	private static final String DIRTY = ".dirty";

	private static final int FILL_BLOCK = 1 << 20;

	private final Path dir;

	private final int chunkSize;

	private final int targetSize;

	private final ConcurrentLinkedDeque<Path> ready = new ConcurrentLinkedDeque<>();

	/** Files of deleted chunks waiting to be zeroed. */
	private final ConcurrentLinkedDeque<Path> dirty = new ConcurrentLinkedDeque<>();

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicBoolean refilling = new AtomicBoolean();

	private final ExecutorService filler;

	private volatile boolean closed;

	/**
	 * Opens the pool in {@code dir}, keeping the valid files found there and starting to
	 * fill up to {@code targetSize} in the background.
	 */
	public ChunkFilePool(Path dir, int chunkSize, int targetSize) throws IOException {
		this.dir = Files.createDirectories(dir);
		this.chunkSize = chunkSize;
		this.targetSize = targetSize;
		this.filler = Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "chunk-file-pool");
			t.setDaemon(true);
			return t;
		});
		scan();
		refill();
	}

	private void scan() throws IOException {
		long expectedLength = fileLength();
		long maxSeq = 0;
		try (Stream<Path> files = Files.list(this.dir)) {
			for (Path file : files.sorted().toList()) {
				String name = file.getFileName().toString();
				if (name.endsWith(SUFFIX + DIRTY) && Files.size(file) == expectedLength) {
					this.dirty.add(file);
					maxSeq = Math.max(maxSeq, sequenceOf(name));
					continue;
				}
				if (!name.endsWith(SUFFIX) || Files.size(file) != expectedLength || hasHeader(file)) {
					log.info("dropping unusable pool file {}", file);
					Files.delete(file);
					continue;
				}
				this.ready.add(file);
				maxSeq = Math.max(maxSeq, sequenceOf(name));
			}
		}
		this.sequence.set(maxSeq);
	}

	/** Files ready to hand out now. */
	public int available() {
		return this.ready.size();
	}

	public int targetSize() {
		return this.targetSize;
	}

	/**
	 * Turns a pool file into the chunk file {@code target}: writes the header, renames it
	 * into place and forces the directory entry.
	 */
	public void allocate(Path target, ChunkFileHeader header) throws IOException {
		allocate(target, file -> ChunkFile.format(file, header));
	}

	/** Turns a pool file into the snapshot copy {@code target}, as {@link #allocate(Path, ChunkFileHeader)}. */
	void allocate(Path target, SnapshotCopyHeader header) throws IOException {
		allocate(target, file -> SnapshotCopy.format(file, header));
	}

	private void allocate(Path target, Formatter formatter) throws IOException {
		Path file = this.ready.pollFirst();
		if (file == null) {
			file = createSparse();
		}
		refill();
		formatter.format(file);
		Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
		forceDirectory(target.getParent());
	}

	/** Writes what makes a pool file a chunk file or a snapshot copy. */
	@FunctionalInterface
	private interface Formatter {

		void format(Path file) throws IOException;

	}

	public int chunkSize() {
		return this.chunkSize;
	}

	/**
	 * Takes back the file of a deleted chunk or snapshot copy. The pool keeps up to twice its target this
	 * way, so deletes followed by writes reuse files rather than allocate new ones; past
	 * that, and for a file a Raft snapshot still links (zeroing it would change the
	 * snapshot; its blocks are freed when the snapshot goes), the file is deleted.
	 * @return whether the file existed
	 */
	public boolean recycle(Path file) throws IOException {
		if (!Files.exists(file)) {
			return false;
		}
		int links = (Integer) Files.getAttribute(file, "unix:nlink");
		if (links == 1 && Files.size(file) > fileLength()) {
			// a snapshot copy: its bitmap after the checksums goes, the pool zeroes the rest
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
				channel.truncate(fileLength());
			}
		}
		if (this.closed || links > 1 || Files.size(file) != fileLength()
				|| this.ready.size() + this.dirty.size() >= 2 * this.targetSize) {
			Files.delete(file);
			return true;
		}
		Path target = this.dir.resolve(this.sequence.incrementAndGet() + SUFFIX + DIRTY);
		Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
		this.dirty.add(target);
		refill();
		return true;
	}

	/** Deleted chunks' files not zeroed yet. */
	public int dirty() {
		return this.dirty.size();
	}

	/** The size every pool and chunk file has: header, data and page checksums. */
	public long fileLength() {
		return ChunkFile.length(this.chunkSize);
	}

	private Path createSparse() throws IOException {
		Path file = this.dir.resolve(this.sequence.incrementAndGet() + ".inline");
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			// Extending with one byte at the end leaves a sparse file of the full length.
			channel.write(ByteBuffer.allocate(1), fileLength() - 1);
		}
		return file;
	}

	private void refill() {
		if (this.closed || (this.ready.size() >= this.targetSize && this.dirty.isEmpty())
				|| !this.refilling.compareAndSet(false, true)) {
			return;
		}
		this.filler.execute(() -> {
			boolean failed = false;
			try {
				while (!this.closed && (!this.dirty.isEmpty() || this.ready.size() < this.targetSize)) {
					Path recycled = this.dirty.pollFirst();
					this.ready.addLast(recycled == null ? fill() : clean(recycled));
				}
			}
			catch (IOException | UncheckedIOException ex) {
				failed = true;
				if (!this.closed) {
					log.warn("cannot pre-allocate chunk files in {}: {}", this.dir, ex.toString());
				}
			}
			finally {
				this.refilling.set(false);
			}
			// A file taken between the last check and the flag reset would otherwise wait for the next take;
			// after a failure (disk full) the next take retries instead of spinning here.
			if (!failed) {
				refill();
			}
		});
	}

	/** Writes a zero-filled file under a temporary name, forces it, then publishes it. */
	private Path fill() throws IOException {
		long seq = this.sequence.incrementAndGet();
		Path tmp = this.dir.resolve(seq + SUFFIX + ".tmp");
		try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			zero(channel, tmp);
		}
		Path file = this.dir.resolve(seq + SUFFIX);
		Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
		return file;
	}

	/** Zeroes a deleted chunk's file in place, forces it, then publishes it under its pool name. */
	private Path clean(Path recycled) throws IOException {
		try (FileChannel channel = FileChannel.open(recycled, StandardOpenOption.WRITE)) {
			zero(channel, recycled);
		}
		String name = recycled.getFileName().toString();
		Path file = this.dir.resolve(name.substring(0, name.length() - DIRTY.length()));
		Files.move(recycled, file, StandardCopyOption.ATOMIC_MOVE);
		return file;
	}

	private void zero(FileChannel channel, Path file) throws IOException {
		ByteBuffer zeros = ByteBuffer.allocateDirect(FILL_BLOCK);
		long length = fileLength();
		long position = 0;
		while (position < length && !this.closed) {
			zeros.clear().limit((int) Math.min(FILL_BLOCK, length - position));
			while (zeros.hasRemaining()) {
				position += channel.write(zeros, position);
			}
		}
		channel.force(true);
		if (this.closed) {
			// a .tmp file is dropped at the next start, a .dirty one zeroed again
			throw new IOException("pool closed while zeroing " + file);
		}
	}

	private static boolean hasHeader(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			ByteBuffer head = ByteBuffer.allocate(4);
			channel.read(head, 0);
			head.flip();
			return ChunkFileHeader.hasMagic(head) || SnapshotCopyHeader.hasMagic(head);
		}
	}

	private static long sequenceOf(String name) {
		try {
			return Long.parseLong(name.substring(0, name.indexOf('.')));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	static void forceDirectory(Path dir) throws IOException {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.filler.shutdownNow();
		try {
			this.filler.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
