package io.curve4j.snapshot.task;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.curve4j.objectstore.ObjectKeys;
import io.curve4j.objectstore.SnapshotManifest;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.mds.v1.SnapshotInfo;

/**
 * Removes a deleted snapshot from the object store: its manifest, then every chunk
 * object of its volume that no remaining manifest names. Objects shared with the
 * volume's other snapshots (the incremental copy) stay; what an interrupted copy left
 * behind goes too.
 */
public final class SnapshotDeleter {

	private final SnapshotStore store;

	public SnapshotDeleter(SnapshotStore store) {
		this.store = store;
	}

	/** @return how many chunk objects were deleted */
	public int delete(SnapshotInfo snapshot) {
		long volumeId = snapshot.getVolumeId();
		this.store.delete(List.of(ObjectKeys.manifest(volumeId, snapshot.getId())));
		Set<String> referenced = new HashSet<>();
		for (SnapshotManifest manifest : this.store.manifests(volumeId)) {
			referenced.addAll(manifest.chunkKeys());
		}
		List<String> unreferenced = this.store.keys(ObjectKeys.chunkPrefix(volumeId))
			.stream()
			.filter((key) -> !referenced.contains(key))
			.toList();
		this.store.delete(unreferenced);
		return unreferenced.size();
	}

}
