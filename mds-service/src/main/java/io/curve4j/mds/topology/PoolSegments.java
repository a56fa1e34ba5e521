package io.curve4j.mds.topology;

import io.curve4j.common.store.KeyPrefix;
import io.curve4j.mds.raft.MdsReader;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;

/**
 * How many segments a logical pool has given out: kept in the pool's record by every
 * allocation and volume deletion, so that the leader can refuse an allocation past the
 * pool's capacity without listing every segment.
 */
public final class PoolSegments {

	private PoolSegments() {
	}

	/** Segments allocated from the pool; a record from before the count is counted once, from the segments. */
	public static long allocated(MdsReader db, LogicalPoolRecord pool) {
		if (pool.hasAllocatedSegments()) {
			return pool.getAllocatedSegments();
		}
		long[] count = { 0 };
		db.scan(MdsSchema.SEGMENTS, KeyPrefix.ALL, (key, segment) -> {
			if (segment.getLogicalPoolId() == pool.getId()) {
				count[0]++;
			}
		});
		return count[0];
	}

}
