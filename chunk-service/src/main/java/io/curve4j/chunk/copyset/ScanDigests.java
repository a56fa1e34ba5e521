package io.curve4j.chunk.copyset;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The digests this replica computed at the last scan entries it applied, by entry index,
 * for the leader to compare; only the newest {@link #KEPT} are remembered (the leader asks
 * right after proposing). Not part of the replicated state: written on the state
 * machine's thread, read by the replica service's.
 */
final class ScanDigests {

	static final int KEPT = 256;

	private final Map<Long, Copyset.ScanDigest> byIndex = new LinkedHashMap<>(KEPT, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Copyset.ScanDigest> eldest) {
			return size() > KEPT;
		}

	};

	synchronized void record(long index, long chunkId, int digest) {
		this.byIndex.put(index, new Copyset.ScanDigest(chunkId, digest));
	}

	synchronized Optional<Copyset.ScanDigest> at(long index) {
		return Optional.ofNullable(this.byIndex.get(index));
	}

}
