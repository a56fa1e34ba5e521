package io.curve4j.objectstore;

/**
 * The object store's layout. A chunk's content is keyed by its index and the sequence
 * number of its last write, so every snapshot that saw the same content shares one object
 * (the incremental copy): {@code volumes/<volumeId>/chunks/<index>-<contentSn>}. A
 * snapshot's manifest is {@code snapshots/<volumeId>/<snapshotId>.json}.
 */
public final class ObjectKeys {

	private ObjectKeys() {
	}

	public static String chunk(long volumeId, long chunkIndex, long contentSn) {
		return chunkPrefix(volumeId) + chunkIndex + "-" + contentSn;
	}

	/** Every chunk object of a volume starts with this. */
	public static String chunkPrefix(long volumeId) {
		return "volumes/" + volumeId + "/chunks/";
	}

	public static String manifest(long volumeId, String snapshotId) {
		return manifestPrefix(volumeId) + snapshotId + ".json";
	}

	/** Every manifest of a volume starts with this. */
	public static String manifestPrefix(long volumeId) {
		return "snapshots/" + volumeId + "/";
	}

}
