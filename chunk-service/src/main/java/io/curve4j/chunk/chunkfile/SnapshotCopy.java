package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * A chunk's snapshot copy: the pages that writes after a volume snapshot overwrote, as
 * they were before the first such write (Curve's copy-on-write). One file next to the
 * chunk file, taken from the chunk file pool: a header page ({@link SnapshotCopyHeader}),
 * a data area laid out as the chunk's (page i of the copy is page i of the chunk), the
 * CRC32C of every data page ({@link PageChecksums}, as in a chunk file) and, after them,
 * a bitmap of the pages copied ({@link PageBitmap}).
 *
 * <p>
 * Written only by the owning {@link ChunkFile}, under its write lock. A page is copied at
 * most once: its bit, once on disk, means the page's data and checksum are on disk too,
 * so a replay of the log never copies it again (which would copy the newer content).
 */
final class SnapshotCopy implements AutoCloseable {

	private static final int PAGE = PageChecksums.PAGE;

	private final Path path;

	private final FileChannel channel;

	private final SnapshotCopyHeader header;

	private final PageChecksums checksums;

	private final PageBitmap copied;

	private final long tableOffset;

	private SnapshotCopy(Path path, FileChannel channel, SnapshotCopyHeader header, PageChecksums checksums,
			PageBitmap copied) {
		this.path = path;
		this.channel = channel;
		this.header = header;
		this.checksums = checksums;
		this.copied = copied;
		this.tableOffset = (long) ChunkFileHeader.SIZE + header.chunkSize();
	}

	/** Bytes a copy of a chunk of chunkSize takes: a chunk file's, plus the bitmap. */
	static long length(int chunkSize) {
		return ChunkFile.length(chunkSize) + bitmapBytes(chunkSize);
	}

	private static int bitmapBytes(int chunkSize) {
		return PageBitmap.bytes(chunkSize / PAGE);
	}

	/**
	 * Makes a fresh (pool) file, all zeros, a copy with no page copied: the bitmap's room
	 * after the checksums, then the header, forced.
	 */
	static void format(Path path, SnapshotCopyHeader header) throws IOException {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
			ChunkFile.writeFully(channel, ByteBuffer.allocate(bitmapBytes(header.chunkSize())),
					ChunkFile.length(header.chunkSize()));
			ChunkFile.writeFully(channel, header.encode(), 0);
			channel.force(false);
		}
	}

	/**
	 * Opens an existing copy.
	 * @throws CorruptChunkFileException when its header does not check out or names
	 * another chunk or size
	 */
	static SnapshotCopy open(Path path, long chunkId, int chunkSize) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
		try {
			ByteBuffer page = ByteBuffer.allocate(ChunkFileHeader.SIZE);
			ChunkFile.readAt(channel, page, 0);
			SnapshotCopyHeader header = SnapshotCopyHeader.decode(page.flip(), path.toString());
			if (header.chunkId() != chunkId || header.chunkSize() != chunkSize) {
				throw new CorruptChunkFileException(path + ": a snapshot copy of chunk " + header.chunkId() + " of "
						+ header.chunkSize() + " bytes, not of chunk " + chunkId + " of " + chunkSize);
			}
			ByteBuffer table = ByteBuffer.allocate(PageChecksums.tableBytes(chunkSize));
			ChunkFile.readAt(channel, table, (long) ChunkFileHeader.SIZE + chunkSize);
			return new SnapshotCopy(path, channel, header, PageChecksums.decode(table.flip(), chunkSize),
					PageBitmap.read(channel, ChunkFile.length(chunkSize), chunkSize / PAGE));
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	Path path() {
		return this.path;
	}

	SnapshotCopyHeader header() {
		return this.header;
	}

	boolean copied(int page) {
		return this.copied.get(page);
	}

	/** Pages copied so far. */
	int copiedPages() {
		return this.copied.cardinality();
	}

	/**
	 * Keeps the pages {@code [first, first + pages.remaining() / PAGE)} of the chunk, as
	 * it holds them now, unless copied before. {@code crcs} are the chunk's stored
	 * checksums of those pages, kept as they are so that a page that was bad in the chunk
	 * stays bad here. Returns once data, checksums and then the bitmap are on disk: chunk
	 * writes are not synced on apply (the Raft log is replayed after a crash), so without
	 * this a power loss could keep the chunk's new page and lose the old one, or keep a bit
	 * whose page never reached the disk.
	 */
	void preserve(int first, ByteBuffer pages, int[] crcs) throws IOException {
		int count = pages.remaining() / PAGE;
		int from = -1;
		int to = -1;
		for (int k = 0; k < count; k++) {
			int page = first + k;
			if (this.copied.get(page)) {
				continue;
			}
			ChunkFile.writeFully(this.channel, pages.slice(pages.position() + k * PAGE, PAGE), dataOffset(page));
			this.checksums.set(page, crcs[k]);
			from = from < 0 ? page : from;
			to = page + 1;
		}
		if (from < 0) {
			return;
		}
		ChunkFile.writeFully(this.channel, this.checksums.encode(from, to), this.tableOffset + (long) from * Integer.BYTES);
		this.channel.force(false);
		this.copied.set(from, to);
		this.channel.force(false);
	}

	/**
	 * Reads copied page {@code index} into {@code page} (a whole page).
	 * @return true when it matches its checksum
	 */
	boolean readPage(int index, ByteBuffer page) throws IOException {
		ChunkFile.readAt(this.channel, page.duplicate(), dataOffset(index));
		return this.checksums.matches(index, page);
	}

	/**
	 * Reads {@code dst.remaining()} bytes at {@code offset} from the copy alone (a deleted
	 * chunk's, which its delete completed).
	 * @return the pages that are not copied or do not match their checksum
	 */
	BitSet read(ByteBuffer dst, long offset) throws IOException {
		int length = dst.remaining();
		int first = (int) (offset / PAGE);
		int end = (int) ((offset + length + PAGE - 1) / PAGE);
		ByteBuffer pages = ByteBuffer.allocate((end - first) * PAGE);
		BitSet bad = new BitSet();
		for (int i = first; i < end; i++) {
			if (!this.copied.get(i) || !readPage(i, pages.slice((i - first) * PAGE, PAGE))) {
				bad.set(i);
			}
		}
		dst.put(pages.slice((int) (offset - (long) first * PAGE), length));
		return bad;
	}

	void force() throws IOException {
		this.channel.force(false);
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

	private static long dataOffset(int page) {
		return ChunkFileHeader.SIZE + (long) page * PAGE;
	}

}
