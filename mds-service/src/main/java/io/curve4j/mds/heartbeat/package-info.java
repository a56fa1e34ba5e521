/**
 * Chunkserver heartbeats, liveness and reported copyset leaders (in memory on the
 * leader), and the REST views built on them: copysets and cluster status.
 */
package io.curve4j.mds.heartbeat;
