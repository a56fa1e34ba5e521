package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open chunk file: a header page (two copies, {@link ChunkFileHeader}), the chunk's
 * data, then the CRC32C of every data page ({@link PageChecksums}). Accessed with
 * positional I/O so that concurrent readers and the single applying writer never share a
 * file position. Writes are not forced: the Raft log is the durability point and
 * replaying it over the file is idempotent; {@link #force()} runs before a snapshot.
 *
 * <p>
 * Every read is checked page by page and reports the pages that do not match their
 * checksum; their bytes are never to be served. A write updates the checksums of the
 * pages it touches under the file's write lock; a reader that sees a page change under it
 * checks it again under that lock before calling it bad. A partial write over a bad page
 * keeps the page bad (it cannot know the rest of the page) and records the entry index,
 * so that a repair with older content cannot undo the write.
 */
public final class ChunkFile implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChunkFile.class);

	private static final int PAGE = PageChecksums.PAGE;

	private final Path path;

	private final FileChannel channel;

	private final PageChecksums checksums;

	private final long tableOffset;

	private final Object writeLock = new Object();

	/** Bad pages a partial write landed on, with that write's entry index; kept by the store across reopenings. */
	private final Map<Integer, Long> poisonedAt;

	private volatile ChunkFileHeader header;

	/** The chunk's snapshot copy, null when it has none; changed under the write lock. */
	private volatile SnapshotCopy snapshot;

	/** The pages written in the clone, when the chunk is a lazy clone's; null for a plain chunk. Guarded by the write lock. */
	private CloneBitmap clone;

	/** Calls between {@link #retain()} and {@link #release()}; guarded by this. */
	private int users;

	/** Closed, or to be closed when the last user lets go; guarded by this. */
	private boolean evicted;

	private ChunkFile(Path path, FileChannel channel, ChunkFileHeader header, PageChecksums checksums,
			Map<Integer, Long> poisonedAt) {
		this.path = path;
		this.channel = channel;
		this.header = header;
		this.checksums = checksums;
		this.poisonedAt = poisonedAt;
		this.tableOffset = (long) ChunkFileHeader.SIZE + header.chunkSize();
	}

	/**
	 * Opens an existing chunk file. A header with no whole copy is rebuilt from what the
	 * store knows (id, size; sn 0, raised again by the log's replay), and then every page
	 * whose checksum does not match waits for repair. A version 1 file gets its page
	 * checksums computed from its data once.
	 * @param poisonedAt the chunk's bad pages that partial writes landed on, as the store keeps them
	 * @param snapshotPath the chunk's snapshot copy, opened with it; null when it has none
	 * @param clonePath the chunk's clone bitmap, opened with it; null for a plain chunk
	 * @throws CorruptChunkFileException when the file holds another chunk or another size
	 */
	public static ChunkFile open(Path path, long chunkId, int chunkSize, Map<Integer, Long> poisonedAt,
			Path snapshotPath, Path clonePath) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
		try {
			ByteBuffer page = ByteBuffer.allocate(ChunkFileHeader.SIZE);
			readAt(channel, page, 0);
			ChunkFileHeader header;
			try {
				header = ChunkFileHeader.decode(page.flip(), path.toString());
			}
			catch (CorruptChunkFileException ex) {
				log.warn("{}; rebuilding the header, the pages that no longer check out will be repaired from other replicas",
						ex.getMessage());
				header = new ChunkFileHeader(chunkId, 0, 0, chunkSize);
				writeFully(channel, header.encode(), 0);
			}
			if (header.chunkId() != chunkId || header.chunkSize() != chunkSize) {
				throw new CorruptChunkFileException(path + ": holds chunk " + header.chunkId() + " of "
						+ header.chunkSize() + " bytes, not chunk " + chunkId + " of " + chunkSize);
			}
			long tableOffset = (long) ChunkFileHeader.SIZE + chunkSize;
			PageChecksums checksums;
			if (header.checksummed()) {
				ByteBuffer table = ByteBuffer.allocate(PageChecksums.tableBytes(chunkSize));
				readAt(channel, table, tableOffset);
				checksums = PageChecksums.decode(table.flip(), chunkSize);
			}
			else {
				checksums = upgrade(channel, header, tableOffset);
				header = header.current();
			}
			ChunkFile file = new ChunkFile(path, channel, header, checksums, poisonedAt);
			if (snapshotPath != null) {
				file.snapshot = SnapshotCopy.open(snapshotPath, chunkId, chunkSize);
			}
			if (clonePath != null) {
				try {
					file.clone = CloneBitmap.open(clonePath, chunkId, chunkSize);
				}
				catch (IOException | RuntimeException ex) {
					file.close();
					throw ex;
				}
			}
			return file;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/** Gives a version 1 file its page checksums: table first and forced, then the new header. */
	private static PageChecksums upgrade(FileChannel channel, ChunkFileHeader header, long tableOffset)
			throws IOException {
		ByteBuffer data = ByteBuffer.allocate(header.chunkSize());
		readAt(channel, data, ChunkFileHeader.SIZE);
		PageChecksums checksums = PageChecksums.of(data.flip(), header.chunkSize());
		writeFully(channel, checksums.encode(0, checksums.pages()), tableOffset);
		channel.force(false);
		writeFully(channel, header.current().encode(), 0);
		channel.force(false);
		return checksums;
	}

	/**
	 * Makes a fresh (pool) file a chunk file: the checksums of its zero pages, then the
	 * header, forced, so a later open never sees a half-made file.
	 */
	static void format(Path path, ChunkFileHeader header) throws IOException {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
			writeFully(channel, PageChecksums.zeroTable(header.chunkSize()), (long) ChunkFileHeader.SIZE + header.chunkSize());
			writeFully(channel, header.encode(), 0);
			channel.force(false);
		}
	}

	/** Bytes a chunk file of chunkSize takes: header, data, checksums. */
	static long length(int chunkSize) {
		return (long) ChunkFileHeader.SIZE + chunkSize + PageChecksums.tableBytes(chunkSize);
	}

	public Path path() {
		return this.path;
	}

	public ChunkFileHeader header() {
		return this.header;
	}

	/**
	 * Reads {@code dst.remaining()} bytes at {@code offset} in the data area and checks
	 * every page they touch.
	 * @return the pages (indexes in the chunk) that do not match their checksum: their
	 * bytes in {@code dst} are wrong
	 */
	public BitSet read(ByteBuffer dst, long offset) throws IOException {
		int length = dst.remaining();
		int first = (int) (offset / PAGE);
		int end = (int) ((offset + length + PAGE - 1) / PAGE);
		long start = (long) first * PAGE;
		boolean aligned = offset == start && length % PAGE == 0;
		ByteBuffer pages = aligned ? dst.slice() : ByteBuffer.allocate((end - first) * PAGE);
		readAt(this.channel, pages.duplicate(), ChunkFileHeader.SIZE + start);
		BitSet bad = new BitSet();
		for (int i = first; i < end; i++) {
			ByteBuffer page = pages.slice((i - first) * PAGE, PAGE);
			if (!this.checksums.matches(i, page) && !recheck(i, page)) {
				bad.set(i);
			}
		}
		if (!aligned) {
			dst.put(pages.slice((int) (offset - start), length));
		}
		else {
			dst.position(dst.limit());
		}
		return bad;
	}

	/** Reads the page again with no write under way; true when it checks out (page then holds it). */
	private boolean recheck(int index, ByteBuffer page) throws IOException {
		synchronized (this.writeLock) {
			readAt(this.channel, page.duplicate().clear(), dataOffset(index));
			return this.checksums.matches(index, page);
		}
	}

	/**
	 * Writes all of {@code src} at {@code offset} in the data area, with the checksums of
	 * the pages it touches.
	 * @param index the log entry the write comes from
	 */
	public void write(ByteBuffer src, long offset, long index) throws IOException {
		int length = src.remaining();
		int first = (int) (offset / PAGE);
		int end = (int) ((offset + length + PAGE - 1) / PAGE);
		synchronized (this.writeLock) {
			if (this.snapshot != null) {
				preserve(first, end);
			}
			int[] crcs = new int[end - first];
			for (int i = first; i < end; i++) {
				long pageStart = (long) i * PAGE;
				long from = Math.max(offset, pageStart);
				long to = Math.min(offset + length, pageStart + PAGE);
				ByteBuffer part = src.slice(src.position() + (int) (from - offset), (int) (to - from));
				if (to - from == PAGE) {
					crcs[i - first] = PageChecksums.crc(part);
					this.poisonedAt.remove(i);
					continue;
				}
				ByteBuffer page = ByteBuffer.allocate(PAGE);
				readAt(this.channel, page, dataOffset(i));
				page.flip();
				boolean good = this.checksums.matches(i, page);
				page.put((int) (from - pageStart), part, 0, part.remaining());
				int crc = PageChecksums.crc(page);
				if (good) {
					crcs[i - first] = crc;
				}
				else {
					crcs[i - first] = PageChecksums.poisoned(crc);
					this.poisonedAt.put(i, index);
				}
			}
			writeFully(this.channel, src.duplicate(), ChunkFileHeader.SIZE + offset);
			for (int i = first; i < end; i++) {
				this.checksums.set(i, crcs[i - first]);
			}
			writeFully(this.channel, this.checksums.encode(first, end), this.tableOffset + (long) first * Integer.BYTES);
		}
	}

	/** Copies pages [first, end) as they are now into the snapshot copy, those not copied before. */
	private void preserve(int first, int end) throws IOException {
		ByteBuffer pages = ByteBuffer.allocate((end - first) * PAGE);
		readAt(this.channel, pages.duplicate(), dataOffset(first));
		int[] crcs = new int[end - first];
		for (int i = first; i < end; i++) {
			crcs[i - first] = this.checksums.get(i);
		}
		this.snapshot.preserve(first, pages, crcs);
	}

	/**
	 * Reads {@code dst.remaining()} bytes at {@code offset} as the chunk was when its
	 * snapshot copy began: copied pages from the copy, the others from the chunk, all under
	 * the write lock so that no page is read half before and half after a copy-on-write.
	 * @return the pages that do not match their checksum (in the copy or in the chunk)
	 */
	BitSet readBeforeCopy(ByteBuffer dst, long offset) throws IOException {
		int length = dst.remaining();
		int first = (int) (offset / PAGE);
		int end = (int) ((offset + length + PAGE - 1) / PAGE);
		long start = (long) first * PAGE;
		ByteBuffer pages = ByteBuffer.allocate((end - first) * PAGE);
		BitSet bad = new BitSet();
		synchronized (this.writeLock) {
			readAt(this.channel, pages.duplicate(), ChunkFileHeader.SIZE + start);
			for (int i = first; i < end; i++) {
				ByteBuffer page = pages.slice((i - first) * PAGE, PAGE);
				boolean good = this.snapshot != null && this.snapshot.copied(i) ? this.snapshot.readPage(i, page)
						: this.checksums.matches(i, page);
				if (!good) {
					bad.set(i);
				}
			}
		}
		dst.put(pages.slice((int) (offset - start), length));
		return bad;
	}

	/** Copies every page not copied yet into the snapshot copy, if the chunk has one (before it is deleted). */
	void preserveAll() throws IOException {
		synchronized (this.writeLock) {
			if (this.snapshot != null) {
				preserve(0, this.checksums.pages());
			}
		}
	}

	/**
	 * A write to a lazy clone's chunk: each page it covers only in part and that is still
	 * unwritten first takes its source content from {@code fills} (by page index), then
	 * the write lands as {@link #write} and its pages become written. A plain chunk just
	 * takes the write.
	 */
	void writeInClone(ByteBuffer src, long offset, long index, Map<Integer, ByteBuffer> fills) throws IOException {
		synchronized (this.writeLock) {
			if (this.clone == null) {
				write(src, offset, index);
				return;
			}
			int first = (int) (offset / PAGE);
			int end = (int) ((offset + src.remaining() + PAGE - 1) / PAGE);
			BitSet fresh = this.clone.unwritten(first, end);
			for (int page : new int[] { first, end - 1 }) {
				ByteBuffer fill = fills.get(page);
				if (fresh.get(page) && fill != null) {
					write(fill.duplicate(), (long) page * PAGE, index);
				}
			}
			write(src, offset, index);
			markWritten(fresh);
		}
	}

	/**
	 * Copies a lazy clone's source content, whole pages at {@code offset}, into the pages
	 * of the range still unwritten, which become written; written pages keep what the
	 * clone wrote. A plain chunk (every page written) changes nothing.
	 */
	void recover(long offset, ByteBuffer source, long index) throws IOException {
		synchronized (this.writeLock) {
			if (this.clone == null) {
				return;
			}
			int first = (int) (offset / PAGE);
			BitSet fresh = this.clone.unwritten(first, first + source.remaining() / PAGE);
			for (int from = fresh.nextSetBit(0); from >= 0; from = fresh.nextSetBit(fresh.nextClearBit(from))) {
				int to = fresh.nextClearBit(from);
				write(source.slice(source.position() + (from - first) * PAGE, (to - from) * PAGE), (long) from * PAGE,
						index);
			}
			markWritten(fresh);
		}
	}

	/** Sets the pages' bits once their data and checksums are on disk (see {@link CloneBitmap}). */
	private void markWritten(BitSet pages) throws IOException {
		if (!pages.isEmpty()) {
			this.channel.force(false);
			this.clone.markWritten(pages);
		}
	}

	/**
	 * The pages of {@code [offset, offset + length)} a lazy clone never wrote, which read
	 * from its source; empty for a plain chunk. Run under {@link #locked} with the read
	 * of the data, so that the two agree.
	 */
	BitSet unwritten(long offset, int length) {
		if (this.clone == null) {
			return new BitSet();
		}
		return this.clone.unwritten((int) (offset / PAGE), (int) ((offset + length + PAGE - 1) / PAGE));
	}

	/** True when the chunk is a lazy clone's with every page written: it can become a plain chunk. */
	boolean cloneComplete() {
		return this.clone != null && this.clone.complete();
	}

	/** True when the chunk is a lazy clone's (it has a clone bitmap). */
	boolean isClone() {
		return this.clone != null;
	}

	/** Makes the chunk plain: closes its clone bitmap (its file is then the store's to delete). */
	void detachClone() throws IOException {
		synchronized (this.writeLock) {
			CloneBitmap bitmap = this.clone;
			this.clone = null;
			if (bitmap != null) {
				bitmap.close();
			}
		}
	}

	/** Runs action on this file with no write, copy-on-write or snapshot read under way. */
	<T> T locked(ChunkStore.FileAction<T> action) throws IOException {
		synchronized (this.writeLock) {
			return action.apply(this);
		}
	}

	/** The chunk's snapshot copy; null when it has none. */
	SnapshotCopy snapshot() {
		return this.snapshot;
	}

	/** Makes copy the chunk's snapshot copy: writes from now on preserve the pages they overwrite. */
	void attachSnapshot(SnapshotCopy copy) {
		synchronized (this.writeLock) {
			this.snapshot = copy;
		}
	}

	/** Takes the snapshot copy away, closed (its file is then the store's to recycle). */
	void detachSnapshot() throws IOException {
		synchronized (this.writeLock) {
			SnapshotCopy copy = this.snapshot;
			this.snapshot = null;
			if (copy != null) {
				copy.close();
			}
		}
	}

	/**
	 * Replaces a page that does not check out with {@code content}, the page as a good
	 * replica held it after applying entry {@code asOf}; a page that checks out, or that a
	 * write after {@code asOf} landed on, is left alone.
	 * @return true when the page was replaced
	 */
	public boolean repair(int index, ByteBuffer content, long asOf) throws IOException {
		synchronized (this.writeLock) {
			ByteBuffer page = ByteBuffer.allocate(PAGE);
			readAt(this.channel, page, dataOffset(index));
			if (this.checksums.matches(index, page.flip())) {
				return false;
			}
			Long poisoned = this.poisonedAt.get(index);
			if (poisoned != null && poisoned > asOf) {
				return false;
			}
			writeFully(this.channel, content.duplicate(), dataOffset(index));
			this.checksums.set(index, PageChecksums.crc(content));
			this.poisonedAt.remove(index);
			writeFully(this.channel, this.checksums.encode(index, index + 1), this.tableOffset + (long) index * Integer.BYTES);
			return true;
		}
	}

	/** The digest of the page checksums as they stand (see {@link PageChecksums#digest()}). */
	public int checksumDigest() {
		synchronized (this.writeLock) {
			return this.checksums.digest();
		}
	}

	/** Raises the sequence number in the header; lower or equal numbers leave it as is. */
	public void raiseSn(long sn) throws IOException {
		ChunkFileHeader current = this.header;
		if (sn > current.sn()) {
			ChunkFileHeader raised = current.withSn(sn);
			writeFully(this.channel, raised.encode(), 0);
			this.header = raised;
		}
	}

	/**
	 * Raises the corrected sequence number in the header, forced: it stands for a snapshot
	 * copy deleted next, and must not be lost while the deletion is kept.
	 */
	void raiseCorrectedSn(long correctedSn) throws IOException {
		ChunkFileHeader current = this.header;
		if (correctedSn > current.correctedSn()) {
			ChunkFileHeader raised = current.withCorrectedSn(correctedSn);
			writeFully(this.channel, raised.encode(), 0);
			this.channel.force(false);
			this.header = raised;
		}
	}

	public void force() throws IOException {
		this.channel.force(false);
		SnapshotCopy copy = this.snapshot;
		if (copy != null) {
			copy.force();
		}
		synchronized (this.writeLock) {
			if (this.clone != null) {
				this.clone.force();
			}
		}
	}

	/** Marks a call that uses the file; false when it was closed meanwhile (open it again). */
	synchronized boolean retain() {
		if (this.evicted) {
			return false;
		}
		this.users++;
		return true;
	}

	/** Ends a call {@link #retain()} began; the last one out of an evicted file closes it. */
	void release() {
		boolean close;
		synchronized (this) {
			this.users--;
			close = this.evicted && this.users == 0;
		}
		if (close) {
			closeQuietly();
		}
	}

	/**
	 * Forces the file, then closes it now or when its last user lets go (forcing again:
	 * a write may land meanwhile). Forced because a snapshot forces only the files still
	 * open.
	 */
	void evict() {
		try {
			this.channel.force(false);
		}
		catch (IOException ex) {
			log.error("forcing {} before closing it failed: {}", this.path, ex.toString());
		}
		boolean close;
		synchronized (this) {
			this.evicted = true;
			close = this.users == 0;
		}
		if (close) {
			closeQuietly();
		}
	}

	private void closeQuietly() {
		try {
			this.channel.force(false);
			this.channel.close();
			closeSnapshot();
		}
		catch (IOException ex) {
			log.warn("closing {} failed: {}", this.path, ex.toString());
		}
	}

	@Override
	public void close() throws IOException {
		synchronized (this) {
			this.evicted = true;
		}
		this.channel.close();
		closeSnapshot();
	}

	/**
	 * Closes the snapshot copy (forced on every change) and the clone bitmap, forced: a
	 * Raft snapshot forces only the files still open, and the log before it is gone.
	 */
	private void closeSnapshot() throws IOException {
		SnapshotCopy copy = this.snapshot;
		if (copy != null) {
			copy.close();
		}
		synchronized (this.writeLock) {
			if (this.clone != null) {
				this.clone.force();
				this.clone.close();
			}
		}
	}

	private static long dataOffset(int page) {
		return ChunkFileHeader.SIZE + (long) page * PAGE;
	}

	/** Fills dst from position; bytes past the end of the file stay as they are (zeros in a fresh buffer). */
	static void readAt(FileChannel channel, ByteBuffer dst, long position) throws IOException {
		long p = position;
		while (dst.hasRemaining()) {
			int n = channel.read(dst, p);
			if (n < 0) {
				return;
			}
			p += n;
		}
	}

	static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
		long p = position;
		while (src.hasRemaining()) {
			p += channel.write(src, p);
		}
	}

}
