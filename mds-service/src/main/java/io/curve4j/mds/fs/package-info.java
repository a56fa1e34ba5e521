/**
 * The CurveFS control plane in the MDS: file systems, their partitions on metaserver
 * copysets, mounts with leases, the chunk-id counter and rename transactions.
 */
package io.curve4j.mds.fs;
