/**
 * The recycle bin: deleted volumes wait there for {@code curve.mds.recycle.retention}
 * (REST: list, restore, purge), then the leader deletes every chunk of their segments on
 * the chunkservers and only then drops their records. The state is the volume's
 * {@code FileRecord} in the {@code files} column family (its {@code recycle} field, no
 * directory entry) and its {@code segments}; changes go through the MDS Raft group
 * ({@code RestoreFileCommand}, {@code PurgeFilesCommand}, {@code RemoveFileCommand},
 * applied by the namespace).
 */
package io.curve4j.mds.recycle;
