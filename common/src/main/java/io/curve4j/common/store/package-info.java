/**
 * The RocksDB store, which no other package imports: a database opened from a
 * {@link io.curve4j.common.store.StoreDefinition} of typed
 * {@link io.curve4j.common.store.ColumnFamily column families} with their key and value
 * {@link io.curve4j.common.store.Codec codecs}, read-your-writes batches, checkpoints; and
 * the RocksDB tuning of jraft's Raft log.
 */
package io.curve4j.common.store;
