/**
 * The CurveFS metaserver: copysets (Raft groups) of metadata partitions.
 */
package io.curve4j.metaserver;
