package io.curve4j.fs.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Block objects on local disk, in two areas. {@code <dir>/read/} keeps objects read from
 * the store for later reads, one file per object: an object never changes once written
 * (its name is never reused), so a cached copy is never stale and needs no invalidation.
 * Past 90 % of the capacity the least recently read objects are removed until 70 % is
 * left. {@code <dir>/write/} ({@link WriteArea}) holds the objects a write-back mount wrote
 * and has not uploaded yet: durable after {@link #sync}, never trimmed, copied to the read
 * area once uploaded. Both are read back at start, so a remount keeps what it had cached
 * and finds what it still has to upload.
 */
public final class DiskCache {

	private static final Logger log = LoggerFactory.getLogger(DiskCache.class);

	/** Trimming starts past this share of the capacity... */
	static final double FULL_RATIO = 0.9;

	/** ...and stops at this one. */
	static final double TRIM_RATIO = 0.7;

	private record Entry(long size, long lastRead) {
	}

	private final Path dir;

	private final WriteArea writeArea;

	private final long capacity;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final AtomicLong used = new AtomicLong();

	private final AtomicLong clock = new AtomicLong();

	private final AtomicLong hits = new AtomicLong();

	private final AtomicLong misses = new AtomicLong();

	public DiskCache(Path cacheDir, long capacity) {
		if (capacity <= 0) {
			throw new IllegalArgumentException("a cache needs a positive size, not " + capacity);
		}
		this.dir = cacheDir.resolve("read");
		this.capacity = capacity;
		try {
			Files.createDirectories(this.dir);
			this.writeArea = new WriteArea(cacheDir.resolve("write"));
			try (Stream<Path> files = Files.list(this.dir)) {
				// oldest first, so that what was read last counts as read last
				for (Path file : files.sorted(Comparator.comparing(DiskCache::modified)).toList()) {
					String name = file.getFileName().toString();
					if (name.endsWith(".tmp")) {
						Files.deleteIfExists(file);
						continue;
					}
					long size = Files.size(file);
					this.entries.put(URLDecoder.decode(name, StandardCharsets.UTF_8), new Entry(size, this.clock.incrementAndGet()));
					this.used.addAndGet(size);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot use " + cacheDir + " as a cache directory", ex);
		}
		trim();
	}

	/**
	 * Copies {@code n} bytes of the cached object from {@code offset} into {@code dst} at
	 * {@code at}.
	 * @return false when the object is not cached (nothing copied)
	 */
	public boolean read(String key, long offset, byte[] dst, int at, int n) {
		if (this.writeArea.read(key, offset, dst, at, n)) {
			this.hits.incrementAndGet();
			return true;
		}
		Entry entry = this.entries.get(key);
		if (entry == null || offset + n > entry.size()) {
			this.misses.incrementAndGet();
			return false;
		}
		if (!readFile(file(key), offset, dst, at, n)) {
			// removed by a trim meanwhile, or damaged: the store has it
			forget(key);
			this.misses.incrementAndGet();
			return false;
		}
		this.entries.computeIfPresent(key, (k, e) -> new Entry(e.size(), this.clock.incrementAndGet()));
		this.hits.incrementAndGet();
		return true;
	}

	private static boolean readFile(Path path, long offset, byte[] dst, int at, int n) {
		try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
			ByteBuffer into = ByteBuffer.wrap(dst, at, n);
			while (into.hasRemaining()) {
				if (file.read(into, offset + (n - into.remaining())) < 0) {
					throw new IOException("short file");
				}
			}
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The whole cached object, or null (not counted in the hit ratio: prefetches ask too). */
	public byte[] get(String key) {
		byte[] staged = this.writeArea.get(key);
		if (staged != null) {
			return staged;
		}
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		try {
			byte[] bytes = Files.readAllBytes(file(key));
			this.entries.computeIfPresent(key, (k, e) -> new Entry(e.size(), this.clock.incrementAndGet()));
			return bytes;
		}
		catch (IOException ex) {
			forget(key);
			return null;
		}
	}

	/** Keeps a whole object; a failure to write only means it is not cached. */
	public void put(String key, byte[] bytes) {
		if (this.writeArea.contains(key)) {
			return;
		}
		keep(key, bytes);
	}

	private void keep(String key, byte[] bytes) {
		if (this.entries.containsKey(key) || bytes.length > this.capacity * (1 - TRIM_RATIO)) {
			return;
		}
		Path target = file(key);
		Path tmp = target.resolveSibling(target.getFileName() + "." + Thread.currentThread().getId() + ".tmp");
		try {
			Files.write(tmp, bytes);
			Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			log.warn("cannot cache {} on disk: {}", key, ex.toString());
			try {
				Files.deleteIfExists(tmp);
			}
			catch (IOException ignored) {
				// nothing more to undo
			}
			return;
		}
		if (this.entries.putIfAbsent(key, new Entry(bytes.length, this.clock.incrementAndGet())) == null) {
			this.used.addAndGet(bytes.length);
		}
		trimIfFull();
	}

	/**
	 * Writes an object to the write area. It is read from there at once, and durable (it
	 * survives the machine) after the next {@link #sync}.
	 * @throws UncheckedIOException when the disk refuses it (nothing staged then)
	 */
	public void stage(String key, byte[] bytes) {
		try {
			this.writeArea.append(key, bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + key + " to the write-back cache", ex);
		}
	}

	/** Makes every object staged so far durable. */
	public void sync() {
		try {
			this.writeArea.sync();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot sync the write-back cache", ex);
		}
	}

	/** A staged object's bytes (to upload), or null when it is not staged. */
	public byte[] staged(String key) {
		return this.writeArea.get(key);
	}

	/** The objects staged and not yet uploaded (a restarted client uploads them first). */
	public Set<String> stagedKeys() {
		return this.writeArea.keys();
	}

	/** A staged object is in the store now: it moves to the read area. */
	public void uploaded(String key) {
		byte[] bytes = this.writeArea.get(key);
		if (bytes != null) {
			keep(key, bytes);
		}
		this.writeArea.remove(key);
	}

	/** Drops a staged object that nothing needs (its piece was never recorded, or is gone). */
	public void discard(String key) {
		this.writeArea.remove(key);
	}

	/** Whether write-back may stage more: below {@link #FULL_RATIO} of the capacity, counting both areas. */
	public boolean acceptsWrites(long bytes) {
		return this.used.get() + this.writeArea.diskBytes() + bytes <= this.capacity * FULL_RATIO;
	}

	/** Bytes in the read area now. */
	public long used() {
		return this.used.get();
	}

	/** Bytes written back and not yet uploaded. */
	public long pendingBytes() {
		return this.writeArea.liveBytes();
	}

	/** Share of reads answered from disk so far. */
	public double hitRatio() {
		long h = this.hits.get();
		long all = h + this.misses.get();
		return all == 0 ? 0 : (double) h / all;
	}

	/**
	 * Removes the least recently read objects until at most {@link #TRIM_RATIO} of the
	 * capacity is used, both areas counted (the write area is never trimmed).
	 */
	synchronized void trim() {
		if (this.used.get() + this.writeArea.diskBytes() <= this.capacity * FULL_RATIO) {
			return;
		}
		List<Map.Entry<String, Entry>> byAge = this.entries.entrySet()
			.stream()
			.sorted(Comparator.comparingLong(e -> e.getValue().lastRead()))
			.toList();
		for (Map.Entry<String, Entry> oldest : byAge) {
			if (this.used.get() + this.writeArea.diskBytes() <= this.capacity * TRIM_RATIO) {
				break;
			}
			forget(oldest.getKey());
		}
	}

	private void trimIfFull() {
		if (this.used.get() + this.writeArea.diskBytes() > this.capacity * FULL_RATIO) {
			trim();
		}
	}

	private void forget(String key) {
		Entry entry = this.entries.remove(key);
		if (entry != null) {
			this.used.addAndGet(-entry.size());
			try {
				Files.deleteIfExists(file(key));
			}
			catch (IOException ex) {
				log.warn("cannot remove {} from the cache: {}", key, ex.toString());
			}
		}
	}

	private Path file(String key) {
		return this.dir.resolve(URLEncoder.encode(key, StandardCharsets.UTF_8));
	}

	private static long modified(Path file) {
		try {
			return Files.getLastModifiedTime(file).toMillis();
		}
		catch (IOException ex) {
			return 0;
		}
	}

}
