package io.curve4j.fs.client;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write area of a {@link DiskCache}: objects a write-back mount wrote and has not
 * uploaded yet, appended as records to segment files ({@code <id>.seg}, docs/formats.md).
 * One file per object cost a create, a rename and an fsync for every small file written;
 * appending costs one write, and {@link #sync} one fdatasync per segment touched for any
 * number of objects. A segment is removed once none of its objects is still staged. At
 * start every segment is read back; a record cut short by a crash (or damaged) ends its
 * segment's scan, since every record after it was appended later and never synced.
 */
final class WriteArea {

	private static final Logger log = LoggerFactory.getLogger(WriteArea.class);

	/** "CWA1": a record starts here. */
	private static final int MAGIC = 0x43574131;

	/** Magic, key length (2 bytes), data length, CRC32C of key and data. */
	static final int RECORD_HEADER = 4 + 2 + 4 + 4;

	/** A segment takes no new records past this size. */
	static final long SEGMENT_SIZE = 64L << 20;

	private final long segmentSize;

	private static final String SUFFIX = ".seg";

	private static final class Segment {

		final Path path;

		/** Reopened when an interrupted thread closed it (FileChannel does that to every user). */
		volatile FileChannel channel;

		/** Bytes appended; guarded by the area. */
		long size;

		/** Records still staged; guarded by the area. */
		int live;

		/** No staged object is left in it: deleted, never reopened. */
		volatile boolean removed;

		Segment(Path path, FileChannel channel, long size) {
			this.path = path;
			this.channel = channel;
			this.size = size;
		}

	}

	private interface ChannelCall<T> {

		T call(FileChannel channel) throws IOException;

	}

	/** Where an object's bytes are. */
	private record Location(Segment segment, long offset, int length) {
	}

	private final Path dir;

	private final Map<String, Location> index = new ConcurrentHashMap<>();

	private final AtomicLong liveBytes = new AtomicLong();

	private final AtomicLong diskBytes = new AtomicLong();

	/** Guarded by this: the segment new records go to (null: the next append starts one). */
	private Segment current;

	private long nextSegment;

	/** Guarded by this: segments with appends not yet synced, and whether a new name is. */
	private final Set<Segment> unsynced = new LinkedHashSet<>();

	private boolean directoryUnsynced;

	private final Object syncing = new Object();

	WriteArea(Path dir) throws IOException {
		this(dir, SEGMENT_SIZE);
	}

	WriteArea(Path dir, long segmentSize) throws IOException {
		this.dir = dir;
		this.segmentSize = segmentSize;
		Files.createDirectories(dir);
		List<Path> legacy = new ArrayList<>();
		List<Path> segments = new ArrayList<>();
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.toList()) {
				String name = file.getFileName().toString();
				if (name.endsWith(SUFFIX)) {
					segments.add(file);
				}
				else if (name.endsWith(".tmp")) {
					// a one-file-per-object staging never renamed into place: nothing recorded it
					Files.delete(file);
				}
				else {
					legacy.add(file);
				}
			}
		}
		segments.sort(Comparator.comparingLong(WriteArea::segmentNumber));
		for (Path path : segments) {
			this.nextSegment = Math.max(this.nextSegment, segmentNumber(path) + 1);
			recover(path);
		}
		// objects a client of the one-file-per-object layout left: into a segment, synced, then gone
		for (Path file : legacy) {
			append(URLDecoder.decode(file.getFileName().toString(), StandardCharsets.UTF_8), Files.readAllBytes(file));
		}
		if (!legacy.isEmpty()) {
			sync();
			for (Path file : legacy) {
				Files.delete(file);
			}
		}
	}

	/** Appends an object: readable at once, durable after the next {@link #sync}. */
	synchronized void append(String key, byte[] bytes) throws IOException {
		byte[] name = key.getBytes(StandardCharsets.UTF_8);
		if (name.length > 0xFFFF) {
			throw new IllegalArgumentException("an object key of " + name.length + " bytes");
		}
		Segment segment = this.current != null ? this.current : startSegment();
		CRC32C crc = new CRC32C();
		crc.update(name);
		crc.update(bytes);
		ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + name.length + bytes.length)
			.putInt(MAGIC)
			.putShort((short) name.length)
			.putInt(bytes.length)
			.putInt((int) crc.getValue())
			.put(name)
			.put(bytes)
			.flip();
		long at = segment.size;
		long end = at + record.remaining();
		// a failed write leaves size where it was: the next record overwrites what it wrote
		call(segment, (channel) -> {
			while (record.hasRemaining()) {
				channel.write(record, at + record.position());
			}
			return null;
		});
		segment.size = end;
		this.diskBytes.addAndGet(end - at);
		this.unsynced.add(segment);
		put(key, new Location(segment, end - bytes.length, bytes.length));
		if (segment.size >= this.segmentSize) {
			this.current = null;
		}
	}

	/**
	 * Makes every object appended so far durable, bytes and segment names. One sync at a
	 * time: a caller that found nothing left to sync must not return while another sync
	 * that took its segment is still forcing it.
	 */
	void sync() throws IOException {
		synchronized (this.syncing) {
			List<Segment> segments;
			boolean directory;
			synchronized (this) {
				segments = new ArrayList<>(this.unsynced);
				this.unsynced.clear();
				directory = this.directoryUnsynced;
				this.directoryUnsynced = false;
			}
			try {
				for (Segment segment : segments) {
					force(segment);
				}
				if (directory) {
					try (FileChannel names = FileChannel.open(this.dir, StandardOpenOption.READ)) {
						names.force(true);
					}
				}
			}
			catch (IOException ex) {
				synchronized (this) {
					segments.stream().filter((s) -> !s.removed).forEach(this.unsynced::add);
					this.directoryUnsynced |= directory;
				}
				throw ex;
			}
		}
	}

	private void force(Segment segment) throws IOException {
		try {
			call(segment, (channel) -> {
				channel.force(false);
				return null;
			});
		}
		catch (ClosedChannelException ex) {
			if (!segment.removed) {
				throw ex;
			}
			// removed meanwhile: none of its objects waits any more
		}
	}

	/**
	 * Copies {@code n} bytes of a staged object from {@code offset} into {@code dst} at {@code at}.
	 * @return false when it is not staged, or shorter
	 */
	boolean read(String key, long offset, byte[] dst, int at, int n) {
		Location location = this.index.get(key);
		if (location == null || offset + n > location.length()) {
			return false;
		}
		try {
			ByteBuffer into = ByteBuffer.wrap(dst, at, n);
			return call(location.segment(), (channel) -> {
				while (into.hasRemaining()) {
					if (channel.read(into, location.offset() + offset + (n - into.remaining())) < 0) {
						throw new IOException("short segment " + location.segment().path);
					}
				}
				return true;
			});
		}
		catch (IOException ex) {
			// removed meanwhile (uploaded or dropped): the caller looks elsewhere
			return false;
		}
	}

	/** A staged object's bytes, or null. */
	byte[] get(String key) {
		Location location = this.index.get(key);
		if (location == null) {
			return null;
		}
		byte[] bytes = new byte[location.length()];
		return read(key, 0, bytes, 0, bytes.length) ? bytes : null;
	}

	boolean contains(String key) {
		return this.index.containsKey(key);
	}

	Set<String> keys() {
		return Set.copyOf(this.index.keySet());
	}

	/** Forgets a staged object; its segment goes once nothing in it is staged. */
	synchronized void remove(String key) {
		Location location = this.index.remove(key);
		if (location != null) {
			released(location);
		}
	}

	/** Bytes of the objects staged. */
	long liveBytes() {
		return this.liveBytes.get();
	}

	/** Bytes the segments take on disk, records no longer staged included. */
	long diskBytes() {
		return this.diskBytes.get();
	}

	private void put(String key, Location location) {
		location.segment().live++;
		this.liveBytes.addAndGet(location.length());
		Location replaced = this.index.put(key, location);
		if (replaced != null) {
			released(replaced);
		}
	}

	private void released(Location location) {
		this.liveBytes.addAndGet(-location.length());
		Segment segment = location.segment();
		if (--segment.live > 0) {
			return;
		}
		if (segment == this.current) {
			this.current = null;
		}
		this.unsynced.remove(segment);
		this.diskBytes.addAndGet(-segment.size);
		segment.removed = true;
		try {
			segment.channel.close();
			Files.deleteIfExists(segment.path);
		}
		catch (IOException ex) {
			log.warn("cannot remove the uploaded write-back segment {}: {}", segment.path, ex.toString());
		}
	}

	/**
	 * Runs an I/O call on a segment's channel. An interrupt of any thread using a
	 * FileChannel closes it for all: the segment is reopened once and the call repeated,
	 * unless it was removed or this thread is the interrupted one (then the call fails).
	 */
	private <T> T call(Segment segment, ChannelCall<T> call) throws IOException {
		FileChannel channel = segment.channel;
		try {
			return call.call(channel);
		}
		catch (ClosedChannelException ex) {
			synchronized (this) {
				if (segment.removed || Thread.currentThread().isInterrupted()) {
					throw ex;
				}
				if (segment.channel == channel) {
					segment.channel = FileChannel.open(segment.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
				}
			}
			return call.call(segment.channel);
		}
	}

	private Segment startSegment() throws IOException {
		Path path = this.dir.resolve(String.format("%016d%s", this.nextSegment++, SUFFIX));
		Segment segment = new Segment(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW,
				StandardOpenOption.READ, StandardOpenOption.WRITE), 0);
		this.current = segment;
		this.directoryUnsynced = true;
		return segment;
	}

	/** Reads a segment's records back into the index; one with none staged is removed. */
	private synchronized void recover(Path path) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
		long length = channel.size();
		Segment segment = new Segment(path, channel, 0);
		ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
		while (segment.size + RECORD_HEADER <= length) {
			header.clear();
			readFully(channel, header, segment.size);
			header.flip();
			int magic = header.getInt();
			int nameLength = Short.toUnsignedInt(header.getShort());
			int dataLength = header.getInt();
			int checksum = header.getInt();
			long end = segment.size + RECORD_HEADER + nameLength + (long) dataLength;
			if (magic != MAGIC || dataLength < 0 || end > length) {
				break;
			}
			ByteBuffer body = ByteBuffer.allocate(nameLength + dataLength);
			readFully(channel, body, segment.size + RECORD_HEADER);
			CRC32C crc = new CRC32C();
			crc.update(body.array());
			if ((int) crc.getValue() != checksum) {
				break;
			}
			String key = new String(body.array(), 0, nameLength, StandardCharsets.UTF_8);
			put(key, new Location(segment, end - dataLength, dataLength));
			segment.size = end;
		}
		if (segment.size < length) {
			log.warn("write-back segment {}: {} bytes after offset {} are not a whole record (cut short by a crash: "
					+ "never synced, so never acknowledged); they are dropped", path, length - segment.size, segment.size);
			channel.truncate(segment.size);
		}
		if (segment.live == 0) {
			channel.close();
			Files.delete(path);
			return;
		}
		this.diskBytes.addAndGet(segment.size);
	}

	private static void readFully(FileChannel channel, ByteBuffer into, long at) throws IOException {
		while (into.hasRemaining()) {
			if (channel.read(into, at + into.position()) < 0) {
				throw new IOException("short read");
			}
		}
	}

	private static long segmentNumber(Path path) {
		String name = path.getFileName().toString();
		return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
	}

}
