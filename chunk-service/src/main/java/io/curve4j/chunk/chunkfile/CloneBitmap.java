package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * The clone state of a lazy clone's chunk: which of its pages were written in the clone
 * (the others read from the clone's source). A small file {@code chunk_<id>_clone} next
 * to the chunk file: a header page holding, twice (at 0 and at
 * {@link ChunkFileHeader#SECOND_COPY}), a {@link HeaderCopy} with magic {@code "CVCL"},
 * version 1, chunk id, two zero longs and the chunk size; then the bitmap of written pages
 * ({@link PageBitmap}). The header never changes after the file is made.
 *
 * <p>
 * Written only by the owning {@link ChunkFile}, under its write lock, and only after the
 * pages' data and checksums were forced: a bit on disk means its page is on disk, so a
 * replay of the log after a crash never skips the source fill of a page whose content was
 * lost. A bit lost in a crash is set again by the replay, which fills the page again
 * before the writes after it.
 */
final class CloneBitmap implements AutoCloseable {

	static final int MAGIC = 0x4356434C;

	static final int VERSION = 1;

	private final FileChannel channel;

	private final PageBitmap written;

	private CloneBitmap(FileChannel channel, PageBitmap written) {
		this.channel = channel;
		this.written = written;
	}

	/** Bytes the file takes for a chunk of chunkSize. */
	static long length(int chunkSize) {
		return ChunkFileHeader.SIZE + PageBitmap.bytes(chunkSize / PageChecksums.PAGE);
	}

	/** Makes (or makes again) the file of a chunk with no page written, forced. */
	static void create(Path path, long chunkId, int chunkSize) throws IOException {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			ByteBuffer page = ByteBuffer.allocate(ChunkFileHeader.SIZE).order(ByteOrder.BIG_ENDIAN);
			HeaderCopy copy = new HeaderCopy(VERSION, chunkId, 0, 0, chunkSize);
			copy.put(page, MAGIC, 0);
			copy.put(page, MAGIC, ChunkFileHeader.SECOND_COPY);
			ChunkFile.writeFully(channel, page.clear(), 0);
			ChunkFile.writeFully(channel, ByteBuffer.allocate(PageBitmap.bytes(chunkSize / PageChecksums.PAGE)),
					ChunkFileHeader.SIZE);
			channel.force(false);
		}
	}

	/**
	 * Opens an existing file.
	 * @throws CorruptChunkFileException when no header copy checks out or it names another chunk or size
	 */
	static CloneBitmap open(Path path, long chunkId, int chunkSize) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
		try {
			ByteBuffer page = ByteBuffer.allocate(ChunkFileHeader.SIZE);
			ChunkFile.readAt(channel, page, 0);
			page.flip();
			HeaderCopy header = HeaderCopy.read(page, MAGIC, 0);
			if (header == null) {
				header = HeaderCopy.read(page, MAGIC, ChunkFileHeader.SECOND_COPY);
			}
			if (header == null || header.version() != VERSION) {
				throw new CorruptChunkFileException(path + ": no whole clone bitmap header");
			}
			if (header.first() != chunkId || header.fourth() != chunkSize) {
				throw new CorruptChunkFileException(path + ": the clone bitmap of chunk " + header.first() + " of "
						+ header.fourth() + " bytes, not of chunk " + chunkId + " of " + chunkSize);
			}
			return new CloneBitmap(channel,
					PageBitmap.read(channel, ChunkFileHeader.SIZE, chunkSize / PageChecksums.PAGE));
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	boolean written(int page) {
		return this.written.get(page);
	}

	/** The pages of {@code [first, end)} not written in the clone. */
	BitSet unwritten(int first, int end) {
		return this.written.clear(first, end);
	}

	/** True when every page was written: the chunk no longer needs its source. */
	boolean complete() {
		return this.written.full();
	}

	/** Marks pages written; their data must be on disk already (see the class comment). */
	void markWritten(BitSet pages) throws IOException {
		this.written.set(pages);
	}

	void force() throws IOException {
		this.channel.force(false);
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
