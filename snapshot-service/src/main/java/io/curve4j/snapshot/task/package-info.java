/**
 * The work the MDS hands out through {@code SnapshotTaskService}: the lease, copying a
 * PENDING snapshot to the object store and removing a DELETING one, with retries.
 */
package io.curve4j.snapshot.task;
