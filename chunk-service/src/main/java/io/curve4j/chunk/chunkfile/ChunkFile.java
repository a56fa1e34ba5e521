package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One open chunk file: a checked header page followed by the chunk's data, accessed with
 * positional I/O so that concurrent readers and the single applying writer never share a
 * file position. Writes are not forced: the Raft log is the durability point and
 * replaying it over the file is idempotent; {@link #force()} runs before a snapshot.
 */
public final class ChunkFile implements AutoCloseable {

	private final Path path;

	private final FileChannel channel;

	private volatile ChunkFileHeader header;

	private ChunkFile(Path path, FileChannel channel, ChunkFileHeader header) {
		this.path = path;
		this.channel = channel;
		this.header = header;
	}

	/** Opens an existing chunk file and checks its header. */
	public static ChunkFile open(Path path) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
		try {
			ByteBuffer page = ByteBuffer.allocate(ChunkFileHeader.SIZE);
			readFully(channel, page, 0, path);
			page.flip();
			ChunkFileHeader header = ChunkFileHeader.decode(page, path.toString());
			return new ChunkFile(path, channel, header);
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/** Writes a header into a fresh (pool) file and forces it, so a later open never sees a half-made file. */
	static void format(Path path, ChunkFileHeader header) throws IOException {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
			writeFully(channel, header.encode(), 0);
			channel.force(false);
		}
	}

	public Path path() {
		return this.path;
	}

	public ChunkFileHeader header() {
		return this.header;
	}

	/**
	 * Reads {@code dst.remaining()} bytes at {@code offset} in the data area; bytes past
	 * the end of a short (sparse) file stay as they are in {@code dst} (zeros).
	 */
	public void read(ByteBuffer dst, long offset) throws IOException {
		long position = ChunkFileHeader.SIZE + offset;
		while (dst.hasRemaining()) {
			int n = this.channel.read(dst, position);
			if (n < 0) {
				return;
			}
			position += n;
		}
	}

	/** Writes all of {@code src} at {@code offset} in the data area. */
	public void write(ByteBuffer src, long offset) throws IOException {
		writeFully(this.channel, src, ChunkFileHeader.SIZE + offset);
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

	public void force() throws IOException {
		this.channel.force(false);
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

	private static void readFully(FileChannel channel, ByteBuffer dst, long position, Path path) throws IOException {
		long p = position;
		while (dst.hasRemaining()) {
			int n = channel.read(dst, p);
			if (n < 0) {
				throw new CorruptChunkFileException(path + ": header is truncated");
			}
			p += n;
		}
	}

	private static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
		long p = position;
		while (src.hasRemaining()) {
			p += channel.write(src, p);
		}
	}

}
