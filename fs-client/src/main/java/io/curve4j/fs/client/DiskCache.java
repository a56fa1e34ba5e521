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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Block objects kept on local disk ({@code <dir>/read/}, one file per object) for reads
 * that would otherwise go to the store. An object never changes once written (its name is
 * never reused), so a cached copy is never stale and needs no invalidation. Past 90 % of
 * the capacity the least recently read objects are removed until 70 % is left. The index
 * is rebuilt from the directory at start, so a remount keeps what it had cached.
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
		Entry entry = this.entries.get(key);
		if (entry == null || offset + n > entry.size()) {
			this.misses.incrementAndGet();
			return false;
		}
		try (FileChannel file = FileChannel.open(file(key), StandardOpenOption.READ)) {
			ByteBuffer into = ByteBuffer.wrap(dst, at, n);
			while (into.hasRemaining()) {
				if (file.read(into, offset + (n - into.remaining())) < 0) {
					throw new IOException("short file");
				}
			}
		}
		catch (IOException ex) {
			// removed by a trim meanwhile, or damaged: the store has it
			forget(key);
			this.misses.incrementAndGet();
			return false;
		}
		this.entries.computeIfPresent(key, (k, e) -> new Entry(e.size(), this.clock.incrementAndGet()));
		this.hits.incrementAndGet();
		return true;
	}

	/** The whole cached object, or null (not counted in the hit ratio: prefetches ask too). */
	public byte[] get(String key) {
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
		if (this.used.get() > this.capacity * FULL_RATIO) {
			trim();
		}
	}

	/** Bytes cached now. */
	public long used() {
		return this.used.get();
	}

	/** Share of reads answered from disk so far. */
	public double hitRatio() {
		long h = this.hits.get();
		long all = h + this.misses.get();
		return all == 0 ? 0 : (double) h / all;
	}

	/** Removes the least recently read objects until at most {@link #TRIM_RATIO} of the capacity is used. */
	synchronized void trim() {
		if (this.used.get() <= this.capacity * FULL_RATIO) {
			return;
		}
		List<Map.Entry<String, Entry>> byAge = this.entries.entrySet()
			.stream()
			.sorted(Comparator.comparingLong(e -> e.getValue().lastRead()))
			.toList();
		for (Map.Entry<String, Entry> oldest : byAge) {
			if (this.used.get() <= this.capacity * TRIM_RATIO) {
				break;
			}
			forget(oldest.getKey());
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
