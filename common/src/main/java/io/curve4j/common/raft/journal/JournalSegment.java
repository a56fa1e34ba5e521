package io.curve4j.common.raft.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file of the journal, {@code segment-SEQUENCE.log}, always of the journal's
 * segment length: made zeroed ahead of use, or reused under a new sequence number once no
 * group needs its records (which carry the old number, so they can never pass for
 * records of the new one).
 */
final class JournalSegment implements AutoCloseable {

	private static final Pattern NAME = Pattern.compile("segment-(\\d{10})\\.log");

	private static final int ZERO_CHUNK = 1024 * 1024;

	private final int sequence;

	private final Path path;

	private final FileChannel channel;

	private JournalSegment(int sequence, Path path, FileChannel channel) {
		this.sequence = sequence;
		this.path = path;
		this.channel = channel;
	}

	static Path path(Path dir, int sequence) {
		return dir.resolve(String.format(Locale.ROOT, "segment-%010d.log", sequence));
	}

	/** The sequence number in a segment file's name, or -1 when it is not one. */
	static int sequenceOf(Path file) {
		Matcher m = NAME.matcher(file.getFileName().toString());
		return m.matches() ? Integer.parseInt(m.group(1)) : -1;
	}

	static JournalSegment open(Path dir, int sequence) throws IOException {
		Path path = path(dir, sequence);
		return new JournalSegment(sequence, path,
				FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
	}

	/**
	 * A new zeroed segment: filled and synced under a temporary name, then renamed and the
	 * directory synced, so a crash leaves no partial segment under a segment's name.
	 */
	static JournalSegment create(Path dir, int sequence, int bytes) throws IOException {
		Path tmp = dir.resolve(path(dir, sequence).getFileName() + ".tmp");
		try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
				StandardOpenOption.WRITE)) {
			ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
			long position = 0;
			while (position < bytes) {
				zeros.clear().limit((int) Math.min(ZERO_CHUNK, bytes - position));
				while (zeros.hasRemaining()) {
					position += out.write(zeros, position);
				}
			}
			out.force(true);
		}
		catch (IOException ex) {
			Files.deleteIfExists(tmp);
			throw ex;
		}
		Files.move(tmp, path(dir, sequence), StandardCopyOption.ATOMIC_MOVE);
		syncDirectory(dir);
		return open(dir, sequence);
	}

	/**
	 * This file under a new sequence number (the directory synced), sharing this object's
	 * channel; this object only serves reads that began before.
	 */
	JournalSegment reuseAs(int newSequence) throws IOException {
		Path dir = this.path.getParent();
		Path target = path(dir, newSequence);
		Files.move(this.path, target, StandardCopyOption.ATOMIC_MOVE);
		syncDirectory(dir);
		// the channel follows the file across the rename; a reader holding this object
		// reads the new records, which carry the new sequence and fail its checks
		return new JournalSegment(newSequence, target, this.channel);
	}

	static void syncDirectory(Path dir) throws IOException {
		try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
			d.force(true);
		}
	}

	int sequence() {
		return this.sequence;
	}

	Path path() {
		return this.path;
	}

	/** The whole file, read only, for recovery. */
	MappedByteBuffer map() throws IOException {
		return this.channel.map(FileChannel.MapMode.READ_ONLY, 0, this.channel.size());
	}

	ByteBuffer read(long position, int length) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(length);
		while (buffer.hasRemaining()) {
			if (this.channel.read(buffer, position + buffer.position()) < 0) {
				break;
			}
		}
		return buffer.flip();
	}

	void write(ByteBuffer data, long position) throws IOException {
		long at = position;
		while (data.hasRemaining()) {
			at += this.channel.write(data, at);
		}
	}

	/** fdatasync: the data and what is needed to read it back, not the file's times. */
	void force() throws IOException {
		this.channel.force(false);
	}

	void zero(long position, int length) throws IOException {
		write(ByteBuffer.allocate(length), position);
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
