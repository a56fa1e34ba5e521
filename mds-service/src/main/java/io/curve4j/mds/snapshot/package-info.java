/**
 * The snapshot catalog: a record per snapshot in the {@code snapshots} column family and
 * the volume's in-cluster snapshot in its {@code FileRecord.snapshot_seqs}, changed through
 * the MDS Raft group (MdsCommand 50-55, {@link io.curve4j.mds.snapshot.SnapshotCommands}).
 * Users take, list and delete snapshots over REST ({@code /api/v1/snapshots}); the snapshot
 * service works them through {@code SnapshotTaskService} under a worker lease.
 */
package io.curve4j.mds.snapshot;
