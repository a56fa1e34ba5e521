package io.curve4j.objectstore;

import java.util.ArrayList;
import java.util.List;

/**
 * What makes a snapshot whole in the object store, written after every chunk object it
 * names: {@code snapshots/<volumeId>/<id>.json}. Chunk {@code i} of the snapshot is the
 * object {@code volumes/<volumeId>/chunks/<i>-<chunkContentSns[i]>}, or zeros when that
 * number is 0 (the chunk did not exist at the snapshot).
 *
 * @param seq the volume's sequence number the snapshot was read at
 * @param chunkContentSns per chunk, the sequence number of its last write before the snapshot
 */
public record SnapshotManifest(String id, long volumeId, String volumePath, String name, long seq, long length,
		int chunkSize, long createdMs, List<Long> chunkContentSns) {

	public SnapshotManifest {
		chunkContentSns = List.copyOf(chunkContentSns);
	}

	/** The chunk objects this snapshot needs (not the zero chunks). */
	public List<String> chunkKeys() {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < this.chunkContentSns.size(); i++) {
			long contentSn = this.chunkContentSns.get(i);
			if (contentSn != 0) {
				keys.add(ObjectKeys.chunk(this.volumeId, i, contentSn));
			}
		}
		return keys;
	}

}
