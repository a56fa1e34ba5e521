/**
 * File data upkeep on the metaservers that lead a partition: compaction merges a chunk's
 * many small pieces into few new objects; the collector deletes the objects of retired
 * pieces after their grace period and sweeps the object store for objects no inode
 * references (failed uploads, compactions cut short).
 */
package io.curve4j.metaserver.compaction;
