package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

/**
 * The chunk files of one copyset, one file {@code chunk_<id>} each in one directory, and
 * their snapshot copies, {@code chunk_<id>_snap_<content sn>} (see {@link SnapshotCopy}).
 * Chunks that were never written read as zeros; every read is checked against the page
 * checksums and names the pages that failed. Writes come from the copyset's single
 * apply thread; reads from any thread. Reads and writes share a lock that only deleting a
 * chunk, restoring a snapshot and closing take exclusively, so no read ever meets a closed
 * file.
 */
public final class ChunkStore implements AutoCloseable {

	static final String PREFIX = "chunk_";

	/** Between a chunk file's name and its snapshot copy's content sn. */
	static final String SNAPSHOT_INFIX = "_snap_";

	/** After a chunk file's name: its clone bitmap (see {@link CloneBitmap}). */
	static final String CLONE_SUFFIX = "_clone";

	/** Content sn of a chunk that did not exist at a snapshot: it reads as zeros. */
	static final long NOT_YET_WRITTEN = 0;

	private final Path dir;

	private final ChunkFilePool pool;

	private final int chunkSize;

	private final Map<Long, ChunkFile> open = new ConcurrentHashMap<>();

	private final OpenChunkFiles openFiles;

	/** Per chunk, its bad pages that partial writes landed on (see {@link ChunkFile}), kept while its file is closed. */
	private final Map<Long, Map<Integer, Long>> poisoned = new ConcurrentHashMap<>();

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private volatile long repairFloor;

	/** Chunk files in the directory: with the snapshot copies, what the store holds of the disk. */
	private final AtomicInteger chunkFiles = new AtomicInteger();

	/** Per chunk that has a snapshot copy, the copy's content sn (which names its file). */
	private final Map<Long, Long> snapshotCopies = new ConcurrentHashMap<>();

	/** The chunks that have a clone bitmap: lazy clones' chunks with pages still unwritten. */
	private final Set<Long> clones = ConcurrentHashMap.newKeySet();

	/** @param openFiles the bound on open chunk files this store shares with the chunkserver's others */
	public ChunkStore(Path dir, ChunkFilePool pool, OpenChunkFiles openFiles) throws IOException {
		this.dir = Files.createDirectories(dir);
		this.pool = pool;
		this.openFiles = openFiles;
		this.chunkSize = pool.chunkSize();
		count(chunkFileNames());
	}

	/** Counts the chunk files and learns the snapshot copies among the names of the directory's files. */
	private void count(Collection<String> names) {
		this.snapshotCopies.clear();
		this.clones.clear();
		int chunks = 0;
		for (String name : names) {
			int infix = name.indexOf(SNAPSHOT_INFIX);
			if (name.endsWith(CLONE_SUFFIX)) {
				this.clones.add(Long.parseUnsignedLong(name.substring(PREFIX.length(), name.length() - CLONE_SUFFIX.length())));
			}
			else if (infix < 0) {
				chunks++;
			}
			else {
				this.snapshotCopies.put(Long.parseUnsignedLong(name.substring(PREFIX.length(), infix)),
						Long.parseUnsignedLong(name.substring(infix + SNAPSHOT_INFIX.length())));
			}
		}
		this.chunkFiles.set(chunks);
	}

	/**
	 * Bytes of the chunk files, snapshot copies and clone bitmaps this store holds (whole
	 * files: header, data, checksums, and a copy's bitmap).
	 */
	public long usedBytes() {
		return this.chunkFiles.get() * ChunkFile.length(this.chunkSize)
				+ this.snapshotCopies.size() * SnapshotCopy.length(this.chunkSize)
				+ this.clones.size() * CloneBitmap.length(this.chunkSize);
	}

	public Path dir() {
		return this.dir;
	}

	public int chunkSize() {
		return this.chunkSize;
	}

	/**
	 * Checks that {@code [offset, offset + length)} is a sector-aligned, non-empty range
	 * inside a chunk of {@code chunkSize} bytes.
	 */
	public static void checkRange(long offset, long length, int chunkSize) {
		if (offset < 0 || length <= 0 || offset % Sizes.SECTOR_SIZE != 0 || length % Sizes.SECTOR_SIZE != 0) {
			throw new CurveException(ErrorCode.IO_NOT_ALIGNED, "offset " + offset + " and length " + length
					+ " must be multiples of " + Sizes.SECTOR_SIZE + " and the length positive");
		}
		if (offset + length > chunkSize) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE, "range [" + offset + ", " + (offset + length)
					+ ") ends past the chunk size " + chunkSize);
		}
	}

	/**
	 * Writes {@code data} at {@code offset} of the chunk, creating the chunk from the pool
	 * on its first write, and raises the chunk's sequence number to {@code sn}. A write
	 * with a higher sn than the chunk's (and its corrected sn) is the first after a volume
	 * snapshot: it begins the chunk's snapshot copy, and from then on every write copies
	 * the pages it overwrites into it first (once each).
	 * @param index the log entry the write comes from
	 * @throws CurveException {@code STALE_SEQUENCE} when sn is below the chunk's (the
	 * client missed a snapshot), {@code SNAPSHOT_IN_PROGRESS} when the write would begin a
	 * copy while the chunk still holds one for an earlier snapshot; nothing changes then
	 */
	public void write(long chunkId, long sn, long offset, ByteBuffer data, long index) throws IOException {
		write(chunkId, sn, offset, data, index, false, Map.of());
	}

	/**
	 * As {@link #write(long, long, long, ByteBuffer, long)}, for a lazy clone's chunk when
	 * {@code clone}: a chunk the write creates gets a clone bitmap with no page written,
	 * and the write goes through {@link ChunkFile#writeInClone} with the source content
	 * {@code fills} of the pages it covers in part.
	 */
	public void write(long chunkId, long sn, long offset, ByteBuffer data, long index, boolean clone,
			Map<Integer, ByteBuffer> fills) throws IOException {
		checkRange(offset, data.remaining(), this.chunkSize);
		this.lock.readLock().lock();
		try {
			withFile(chunkId, sn, clone, chunk -> chunk.locked(file -> {
				ChunkFileHeader header = file.header();
				if (sn < header.sn()) {
					throw new CurveException(ErrorCode.STALE_SEQUENCE, "chunk " + Long.toUnsignedString(chunkId)
							+ " was written with sequence number " + header.sn() + ", this write carries " + sn
							+ ": refresh the volume's sequence number and write again");
				}
				if (sn > Math.max(header.sn(), header.correctedSn())) {
					beginSnapshotCopy(file, header.sn(), sn);
				}
				file.raiseSn(sn);
				file.writeInClone(data, offset, index, fills);
				makePlainIfComplete(file);
				return null;
			}), null);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Copies a lazy clone's source content (whole pages at {@code offset}) into the
	 * chunk's pages still unwritten (see {@link ChunkFile#recover}), creating the chunk, as
	 * a clone's, when it is missing. Idempotent.
	 */
	public void recover(long chunkId, long sn, long offset, ByteBuffer source, long index) throws IOException {
		checkRange(offset, source.remaining(), this.chunkSize);
		if (offset % Sizes.PAGE_SIZE != 0 || source.remaining() % Sizes.PAGE_SIZE != 0) {
			throw new CurveException(ErrorCode.IO_NOT_ALIGNED, "a recover covers whole pages of " + Sizes.PAGE_SIZE
					+ " bytes, not [" + offset + ", " + (offset + source.remaining()) + ")");
		}
		this.lock.readLock().lock();
		try {
			withFile(chunkId, sn, true, chunk -> chunk.locked(file -> {
				file.raiseSn(sn);
				file.recover(offset, source, index);
				makePlainIfComplete(file);
				return null;
			}), null);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** A clone's chunk whose every page is written drops its clone bitmap: it reads alone from now on. */
	private void makePlainIfComplete(ChunkFile file) throws IOException {
		if (file.cloneComplete()) {
			long chunkId = file.header().chunkId();
			file.detachClone();
			this.clones.remove(chunkId);
			Files.deleteIfExists(clonePath(chunkId));
		}
	}

	/**
	 * The pages of a range a lazy clone's chunk never wrote, as this replica has them
	 * now (all of a missing chunk, none of a plain one): where the leader decides which
	 * pages of a write need the source's content. Bits only ever get set, so a page
	 * written here is written on every replica by the time a later entry applies.
	 */
	public BitSet unwritten(long chunkId, long offset, int length) throws IOException {
		checkRange(offset, length, this.chunkSize);
		this.lock.readLock().lock();
		try {
			return withFile(chunkId, -1, chunk -> chunk.locked(file -> file.unwritten(offset, length)),
					pagesOf(offset, length));
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** Every page {@code [offset, offset + length)} touches: what a missing chunk of a clone has unwritten. */
	private static BitSet pagesOf(long offset, int length) {
		BitSet pages = new BitSet();
		pages.set((int) (offset / Sizes.PAGE_SIZE), (int) ((offset + length + Sizes.PAGE_SIZE - 1) / Sizes.PAGE_SIZE));
		return pages;
	}

	/** Gives the chunk a snapshot copy of its content at contentSn, begun by a write with sn. */
	private void beginSnapshotCopy(ChunkFile file, long contentSn, long sn) throws IOException {
		long chunkId = file.header().chunkId();
		SnapshotCopy existing = file.snapshot();
		if (existing != null) {
			if (existing.header().beganBySn() == sn) {
				// a replay after a crash that kept the copy but not the chunk's raised sn
				return;
			}
			throw new CurveException(ErrorCode.SNAPSHOT_IN_PROGRESS, "chunk " + Long.toUnsignedString(chunkId)
					+ " still holds its copy of snapshot content " + existing.header().contentSn()
					+ "; a write with sequence number " + sn
					+ " must wait until that snapshot's copies are deleted (DeleteChunkSnapshotOrCorrectSn)");
		}
		Path path = snapshotPath(chunkId, contentSn);
		this.pool.allocate(path, new SnapshotCopyHeader(chunkId, contentSn, sn, this.chunkSize));
		this.snapshotCopies.put(chunkId, contentSn);
		file.attachSnapshot(SnapshotCopy.open(path, chunkId, this.chunkSize));
	}

	/**
	 * Reads {@code length} bytes at {@code offset} of the chunk as it was at the volume
	 * snapshot {@code snapshotSn}, checked page by page (bad pages are not repaired here:
	 * the chunk's may have changed since).
	 * @throws CurveException {@code SNAPSHOT_NOT_FOUND} when the chunk no longer knows
	 * its content at that snapshot (see {@link #snapshotContentSn})
	 */
	public SnapshotRead readSnapshot(long chunkId, long snapshotSn, long offset, int length) throws IOException {
		checkRange(offset, length, this.chunkSize);
		ByteBuffer buffer = ByteBuffer.allocate(length);
		this.lock.readLock().lock();
		try {
			SnapshotRead found = withFile(chunkId, -1, chunk -> chunk.locked(file -> {
				long contentSn = contentSn(file, snapshotSn);
				SnapshotCopy copy = file.snapshot();
				BitSet bad = new BitSet();
				if (copy != null && copy.header().covers(snapshotSn)) {
					bad = file.readBeforeCopy(buffer, offset);
				}
				else if (contentSn != NOT_YET_WRITTEN) {
					bad = file.read(buffer, offset);
				}
				return new SnapshotRead(new CheckedRead(chunkId, buffer.clear(), offset, bad), contentSn);
			}), null);
			if (found != null) {
				return found;
			}
			return withDeletedChunksCopy(chunkId, copy -> {
				long contentSn = deletedContentSn(copy, snapshotSn);
				BitSet bad = contentSn == NOT_YET_WRITTEN ? new BitSet() : copy.read(buffer, offset);
				return new SnapshotRead(new CheckedRead(chunkId, buffer.clear(), offset, bad), contentSn);
			}, new SnapshotRead(new CheckedRead(chunkId, buffer, offset, new BitSet()), NOT_YET_WRITTEN));
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Runs action on the snapshot copy a deleted chunk left (see {@link #delete}), opened
	 * for the call; answers {@code missing} when there is none.
	 */
	private <T> T withDeletedChunksCopy(long chunkId, CopyAction<T> action, T missing) throws IOException {
		Long contentSn = this.snapshotCopies.get(chunkId);
		if (contentSn == null) {
			return missing;
		}
		try (SnapshotCopy copy = SnapshotCopy.open(snapshotPath(chunkId, contentSn), chunkId, this.chunkSize)) {
			return action.apply(copy);
		}
	}

	/** What runs on a deleted chunk's snapshot copy. */
	@FunctionalInterface
	private interface CopyAction<T> {

		T apply(SnapshotCopy copy) throws IOException;

	}

	/**
	 * The content sn at a snapshot of a chunk deleted since, from the copy its delete
	 * completed: the copy's when it covers the snapshot; {@value #NOT_YET_WRITTEN} after
	 * the delete.
	 */
	private static long deletedContentSn(SnapshotCopy copy, long snapshotSn) {
		SnapshotCopyHeader header = copy.header();
		if (header.covers(snapshotSn)) {
			return written(header.contentSn());
		}
		if (snapshotSn >= header.beganBySn()) {
			return NOT_YET_WRITTEN;
		}
		throw new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND, "deleted chunk " + Long.toUnsignedString(header.chunkId())
				+ " holds no copy of snapshot " + snapshotSn);
	}

	/**
	 * The sequence number of the last write to the chunk before the volume snapshot
	 * {@code snapshotSn}; {@value #NOT_YET_WRITTEN} when the chunk did not exist then.
	 * @throws CurveException {@code SNAPSHOT_NOT_FOUND} when the chunk was written after
	 * the snapshot and holds no copy for it (the copy was deleted: the snapshot is gone)
	 */
	public long snapshotContentSn(long chunkId, long snapshotSn) throws IOException {
		this.lock.readLock().lock();
		try {
			Long found = withFile(chunkId, -1, chunk -> chunk.locked(file -> contentSn(file, snapshotSn)), null);
			return found != null ? found
					: withDeletedChunksCopy(chunkId, copy -> deletedContentSn(copy, snapshotSn), NOT_YET_WRITTEN);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	private static long contentSn(ChunkFile file, long snapshotSn) {
		ChunkFileHeader header = file.header();
		SnapshotCopy copy = file.snapshot();
		if (copy != null && copy.header().covers(snapshotSn)) {
			return written(copy.header().contentSn());
		}
		if (header.sn() <= snapshotSn) {
			return written(header.sn());
		}
		if (copy == null && header.correctedSn() <= snapshotSn) {
			// written after the snapshot and never copied: it was made after the snapshot
			return NOT_YET_WRITTEN;
		}
		throw new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND, "chunk " + Long.toUnsignedString(header.chunkId())
				+ " (sn " + header.sn() + ", corrected sn " + header.correctedSn() + ") holds no copy of snapshot "
				+ snapshotSn);
	}

	/**
	 * The content sn of a chunk that holds data: never {@value #NOT_YET_WRITTEN}, which
	 * means no data. Volumes number from 1, but writes from before sequence numbers were
	 * kept carry 0.
	 */
	private static long written(long sn) {
		return Math.max(sn, 1);
	}

	/**
	 * Ends the chunk's part in a snapshot: deletes its snapshot copy if a write (or delete)
	 * with a sn up to {@code correctedSn} began it (its file goes back to the pool), and
	 * records {@code correctedSn} in the chunk's header, so that writes up to it copy
	 * nothing. A missing chunk with no copy, or a second call, changes nothing.
	 */
	public void deleteSnapshotOrCorrectSn(long chunkId, long correctedSn) throws IOException {
		this.lock.writeLock().lock();
		try {
			Boolean chunkExists = withFile(chunkId, -1, chunk -> chunk.locked(file -> {
				file.raiseCorrectedSn(correctedSn);
				SnapshotCopy copy = file.snapshot();
				if (copy != null && copy.header().beganBySn() <= correctedSn) {
					file.detachSnapshot();
					recycleSnapshotCopy(chunkId);
				}
				return true;
			}), false);
			if (!chunkExists && withDeletedChunksCopy(chunkId, copy -> copy.header().beganBySn() <= correctedSn, false)) {
				recycleSnapshotCopy(chunkId);
			}
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Gives the chunk's snapshot copy file, closed, back to the pool. */
	private void recycleSnapshotCopy(long chunkId) throws IOException {
		Long contentSn = this.snapshotCopies.remove(chunkId);
		if (contentSn != null) {
			this.pool.recycle(snapshotPath(chunkId, contentSn));
		}
	}

	/**
	 * Reads {@code length} bytes at {@code offset}, checked page by page; never-written
	 * chunks are zeros. The bytes of the pages the answer names bad must not be served.
	 */
	public CheckedRead read(long chunkId, long offset, int length) throws IOException {
		checkRange(offset, length, this.chunkSize);
		ByteBuffer buffer = ByteBuffer.allocate(length);
		this.lock.readLock().lock();
		try {
			CheckedRead found = withFile(chunkId, -1, chunk -> {
				if (!this.clones.contains(chunkId)) {
					return new CheckedRead(chunkId, buffer, offset, chunk.read(buffer, offset));
				}
				// the bitmap and the data as of the same moment: a page read unwritten holds no data yet
				return chunk.locked(file -> new CheckedRead(chunkId, buffer, offset, file.read(buffer, offset),
						file.unwritten(offset, length)));
			}, null);
			if (found == null) {
				found = new CheckedRead(chunkId, buffer, offset, new BitSet(), pagesOf(offset, length));
			}
			buffer.clear();
			return found;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Replaces the pages of {@code [offset, offset + content.remaining())} that do not
	 * check out with {@code content}, as a good replica held them after entry
	 * {@code asOf} (see {@link ChunkFile#repair}). A chunk that no longer exists, or
	 * content older than what this replica's restart replayed from, changes nothing.
	 * @return pages replaced
	 */
	public int repair(long chunkId, long offset, ByteBuffer content, long asOf) throws IOException {
		checkRange(offset, content.remaining(), this.chunkSize);
		if (offset % Sizes.PAGE_SIZE != 0 || content.remaining() % Sizes.PAGE_SIZE != 0 || asOf < this.repairFloor) {
			return 0;
		}
		int repaired = 0;
		this.lock.readLock().lock();
		try {
			repaired = withFile(chunkId, -1, file -> {
				int pages = 0;
				for (int at = 0; at < content.remaining(); at += Sizes.PAGE_SIZE) {
					int page = (int) ((offset + at) / Sizes.PAGE_SIZE);
					if (file.repair(page, content.slice(content.position() + at, Sizes.PAGE_SIZE), asOf)) {
						pages++;
					}
				}
				return pages;
			}, 0);
		}
		finally {
			this.lock.readLock().unlock();
		}
		return repaired;
	}

	/**
	 * The digest of the chunk's page checksums, which replicas holding the same pages
	 * share; a chunk that does not exist has that of a chunk of zeros.
	 */
	public int checksumDigest(long chunkId) throws IOException {
		this.lock.readLock().lock();
		try {
			return withFile(chunkId, -1, ChunkFile::checksumDigest, PageChecksums.zeroDigest(this.chunkSize));
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Entries up to this index may have written over bad pages before this replica
	 * restarted, which it no longer knows: repairs with older content are refused.
	 */
	public void repairFloor(long index) {
		this.repairFloor = index;
	}

	/** The ids of the chunks this store holds. */
	public List<Long> chunkIds() throws IOException {
		return chunkFileNames().stream()
			.filter(name -> !name.contains(SNAPSHOT_INFIX) && !name.endsWith(CLONE_SUFFIX))
			.map(name -> Long.parseUnsignedLong(name.substring(PREFIX.length())))
			.toList();
	}

	/** The ids of the chunks that hold a snapshot copy. */
	Set<Long> snapshotCopyIds() {
		return Set.copyOf(this.snapshotCopies.keySet());
	}

	/**
	 * The names of the files that must be copied into a Raft snapshot rather than linked:
	 * each snapshot copy and its chunk's file. A follower reads a snapshot's files one after
	 * the other while writes go on; a chunk and its copy read at different moments could
	 * keep a page copied and overwritten in between with its new content. Copied together
	 * while no entry is applied, the two agree, and replaying the log over them copies
	 * exactly the pages the leader did. So is each clone bitmap (alone: a small file), so
	 * that its bits are those of the snapshot's index, never newer than the chunk's data
	 * the follower fetches later (pages only move forward), and replaying the log after
	 * the index fills and writes each page again as the leader did.
	 */
	public Set<String> copyOnWriteFileNames() {
		Set<String> names = new HashSet<>();
		this.clones.forEach(chunkId -> names.add(clonePath(chunkId).getFileName().toString()));
		this.snapshotCopies.forEach((chunkId, contentSn) -> {
			names.add(path(chunkId).getFileName().toString());
			names.add(snapshotPath(chunkId, contentSn).getFileName().toString());
		});
		return names;
	}

	/** The chunk's header, empty when the chunk does not exist. */
	public Optional<ChunkFileHeader> info(long chunkId) throws IOException {
		this.lock.readLock().lock();
		try {
			return withFile(chunkId, -1, file -> Optional.of(file.header()), Optional.empty());
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Deletes the chunk, giving its file back to the pool; deleting a missing chunk is a
	 * no-op so that log replay is idempotent. The chunk reads as zeros afterwards and a
	 * write creates it again. A snapshot's content survives it: the delete is a change
	 * after the snapshot like a write ({@code sn} as a write's), so it first completes
	 * the chunk's snapshot copy, beginning one if it is the first change since the
	 * snapshot, and the copy stays until {@link #deleteSnapshotOrCorrectSn}.
	 * @param sn the volume's sequence number the delete carries; 0 (callers that do not
	 * know it) completes only a copy the chunk already has
	 * @throws CurveException as {@link #write} refuses a write with that sn
	 */
	public void delete(long chunkId, long sn) throws IOException {
		delete(chunkId, sn, false);
	}

	/**
	 * As {@link #delete(long, long)}; of a lazy clone's chunk when {@code clone}: the
	 * chunk then stays, zeros with every page written (a plain chunk of zeros, created if
	 * missing), so that it no longer reads its source.
	 */
	public void delete(long chunkId, long sn, boolean clone) throws IOException {
		deleteFiles(chunkId, sn);
		if (clone) {
			this.lock.readLock().lock();
			try {
				withFile(chunkId, Math.max(sn, 0), chunk -> null, null);
			}
			finally {
				this.lock.readLock().unlock();
			}
		}
	}

	private void deleteFiles(long chunkId, long sn) throws IOException {
		this.lock.writeLock().lock();
		try {
			withFile(chunkId, -1, chunk -> chunk.locked(file -> {
				ChunkFileHeader header = file.header();
				if (sn > 0 && sn < header.sn()) {
					throw new CurveException(ErrorCode.STALE_SEQUENCE, "chunk " + Long.toUnsignedString(chunkId)
							+ " was written with sequence number " + header.sn() + ", this delete carries " + sn
							+ ": refresh the volume's sequence number and delete again");
				}
				if (sn > Math.max(header.sn(), header.correctedSn())) {
					beginSnapshotCopy(file, header.sn(), sn);
				}
				file.preserveAll();
				return null;
			}), null);
			ChunkFile file = this.open.remove(chunkId);
			if (file != null) {
				this.openFiles.closed(file);
				file.close();
			}
			this.poisoned.remove(chunkId);
			if (this.clones.remove(chunkId)) {
				Files.deleteIfExists(clonePath(chunkId));
			}
			if (this.pool.recycle(path(chunkId))) {
				this.chunkFiles.decrementAndGet();
			}
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Forces every open chunk file to disk and lists the names of all chunk files and snapshot copies. */
	public List<String> sync() throws IOException {
		this.lock.readLock().lock();
		try {
			for (ChunkFile file : this.open.values()) {
				// one closed meanwhile was forced before it closed
				if (file.retain()) {
					try {
						file.force();
					}
					finally {
						file.release();
					}
				}
			}
			return chunkFileNames();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Makes this store hold exactly the chunk files {@code names} of directory {@code from}
	 * (a snapshot): files not listed are deleted, listed ones are hard-linked in unless they
	 * already are the same file. Links share data with the snapshot, which is fine because
	 * the log after the snapshot is replayed over them and every entry is an idempotent
	 * overwrite or delete.
	 */
	public void restore(Path from, Collection<String> names) throws IOException {
		this.lock.writeLock().lock();
		try {
			closeFiles();
			this.poisoned.clear();
			Set<String> wanted = new HashSet<>(names);
			for (String name : chunkFileNames()) {
				if (!wanted.contains(name)) {
					Files.delete(this.dir.resolve(name));
				}
			}
			for (String name : wanted) {
				Path source = from.resolve(name);
				Path target = this.dir.resolve(name);
				if (Files.exists(target) && Files.isSameFile(source, target)) {
					continue;
				}
				Files.deleteIfExists(target);
				Files.createLink(target, source);
			}
			ChunkFilePool.forceDirectory(this.dir);
			count(wanted);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	@Override
	public void close() throws IOException {
		this.lock.writeLock().lock();
		try {
			closeFiles();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * Runs {@code action} on the chunk's open file, opened from disk if it exists and
	 * created from the pool when {@code createWithSn >= 0}; answers {@code missing} when
	 * the chunk does not exist. The file stays open during the action even if the bound on
	 * open files picks it meanwhile.
	 */
	private <T> T withFile(long chunkId, long createWithSn, FileAction<T> action, T missing) throws IOException {
		return withFile(chunkId, createWithSn, false, action, missing);
	}

	/** As {@link #withFile(long, long, FileAction, Object)}; a chunk created as a lazy clone's when {@code clone}. */
	private <T> T withFile(long chunkId, long createWithSn, boolean clone, FileAction<T> action, T missing)
			throws IOException {
		while (true) {
			ChunkFile file = openFile(chunkId, createWithSn, clone);
			if (file == null) {
				return missing;
			}
			if (!file.retain()) {
				// closed by the bound on open files since it was looked up: open it again
				this.open.remove(chunkId, file);
				continue;
			}
			try {
				this.openFiles.used(file);
				return action.apply(file);
			}
			finally {
				file.release();
			}
		}
	}

	private ChunkFile openFile(long chunkId, long createWithSn, boolean clone) throws IOException {
		ChunkFile file = this.open.get(chunkId);
		if (file != null) {
			return file;
		}
		synchronized (this.open) {
			file = this.open.get(chunkId);
			if (file != null) {
				return file;
			}
			Path path = path(chunkId);
			if (!Files.exists(path)) {
				if (createWithSn < 0) {
					return null;
				}
				if (clone) {
					// before the chunk file: a chunk file never exists without the bitmap it was made with
					CloneBitmap.create(clonePath(chunkId), chunkId, this.chunkSize);
					this.clones.add(chunkId);
				}
				else if (this.clones.remove(chunkId)) {
					// left by a crash between the bitmap's and the chunk file's creation
					Files.deleteIfExists(clonePath(chunkId));
				}
				this.pool.allocate(path, new ChunkFileHeader(chunkId, createWithSn, 0, this.chunkSize));
				this.chunkFiles.incrementAndGet();
			}
			Long snapshotSn = this.snapshotCopies.get(chunkId);
			ChunkFile opened = ChunkFile.open(path, chunkId, this.chunkSize,
					this.poisoned.computeIfAbsent(chunkId, id -> new ConcurrentHashMap<>()),
					snapshotSn == null ? null : snapshotPath(chunkId, snapshotSn),
					this.clones.contains(chunkId) ? clonePath(chunkId) : null);
			this.open.put(chunkId, opened);
			this.openFiles.opened(opened, () -> this.open.remove(chunkId, opened));
			return opened;
		}
	}

	private void closeFiles() throws IOException {
		List<ChunkFile> files = new ArrayList<>(this.open.values());
		this.open.clear();
		for (ChunkFile file : files) {
			this.openFiles.closed(file);
			file.close();
		}
	}

	/** What runs on an open chunk file. */
	@FunctionalInterface
	interface FileAction<T> {

		T apply(ChunkFile file) throws IOException;

	}

	private List<String> chunkFileNames() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX)).sorted().toList();
		}
	}

	private Path path(long chunkId) {
		return this.dir.resolve(PREFIX + Long.toUnsignedString(chunkId));
	}

	private Path clonePath(long chunkId) {
		return this.dir.resolve(PREFIX + Long.toUnsignedString(chunkId) + CLONE_SUFFIX);
	}

	private Path snapshotPath(long chunkId, long contentSn) {
		return this.dir.resolve(PREFIX + Long.toUnsignedString(chunkId) + SNAPSHOT_INFIX + Long.toUnsignedString(contentSn));
	}

}
