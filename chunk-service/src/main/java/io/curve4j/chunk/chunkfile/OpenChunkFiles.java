package io.curve4j.chunk.chunkfile;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chunk files open across all the copysets of a chunkserver, at most
 * {@code capacity}: opening one more closes the least recently used, so that a client
 * touching many chunks cannot exhaust the process's file descriptors. A file in use when
 * it is chosen closes when its last user lets go (see {@link ChunkFile#retain()}); its
 * store opens it again on the next access.
 */
public final class OpenChunkFiles {

	private final int capacity;

	/** In access order; each file with what removes it from its store. */
	private final LinkedHashMap<ChunkFile, Runnable> files = new LinkedHashMap<>(64, 0.75f, true);

	public OpenChunkFiles(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("at least one chunk file must be open at a time, not " + capacity);
		}
		this.capacity = capacity;
	}

	/** A file its store just opened; {@code forget} removes it from the store when it is closed here. */
	synchronized void opened(ChunkFile file, Runnable forget) {
		this.files.put(file, forget);
		Iterator<Map.Entry<ChunkFile, Runnable>> eldest = this.files.entrySet().iterator();
		while (this.files.size() > this.capacity) {
			Map.Entry<ChunkFile, Runnable> victim = eldest.next();
			eldest.remove();
			// forced and marked first: its store's snapshot, not finding it, can rely on it being on disk
			victim.getKey().evict();
			victim.getValue().run();
		}
	}

	synchronized void used(ChunkFile file) {
		this.files.get(file);
	}

	/** A file its store closed itself. */
	synchronized void closed(ChunkFile file) {
		this.files.remove(file);
	}

	public synchronized int size() {
		return this.files.size();
	}

}
