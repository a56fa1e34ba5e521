/**
 * Physical pools, zones, servers, chunkservers, logical pools and their copysets:
 * topology files, chunkserver registration, copyset placement. Column families
 * physical_pools, zones, servers, chunk_servers, logical_pools, copysets.
 */
package io.curve4j.mds.topology;
