/**
 * Metadata partitions: a range of inode ids of one file system with the dentries whose
 * parent is in the range, kept in a copyset's RocksDB and changed only by its Raft log.
 */
package io.curve4j.metaserver.partition;
