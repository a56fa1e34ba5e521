/**
 * Physical pools, zones, servers, chunkservers, logical pools and their copysets:
 * topology files, chunkserver registration, copyset placement (column families
 * physical_pools, zones, servers, chunk_servers, logical_pools, copysets), and the live
 * state the chunkservers last reported (in memory on the leader: liveness, disk use,
 * copyset leaders), which the scheduler and the heartbeat service both read.
 */
package io.curve4j.mds.topology;
