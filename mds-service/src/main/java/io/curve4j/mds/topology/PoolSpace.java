package io.curve4j.mds.topology;

import java.util.Set;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;

/**
 * The disk space under a logical pool: that of the chunkservers its copysets use, as
 * they last reported it. Soft state of the leader (heartbeats are not in the log), so it
 * is checked before a proposal, never while applying one.
 */
@Component
public class PoolSpace {

	/**
	 * @param rawBytes disk bytes of the pool's chunkservers
	 * @param rawUsedBytes of those, in use
	 */
	public record Space(int chunkServers, int replicas, long rawBytes, long rawUsedBytes) {

		/** Bytes the pool holds once replicated. */
		public long usableBytes() {
			return this.rawBytes / this.replicas;
		}

	}

	private final ChunkServerStates states;

	PoolSpace(ChunkServerStates states) {
		this.states = states;
	}

	public Space of(LogicalPoolRecord pool, Topology topology) {
		Set<Integer> members = new TreeSet<>();
		topology.copysets()
			.stream()
			.filter(c -> c.getLogicalPoolId() == pool.getId())
			.map(CopysetRecord::getChunkServerIdsList)
			.forEach(members::addAll);
		long raw = 0;
		long rawUsed = 0;
		for (int id : members) {
			raw += topology.chunkServer(id).map(this.states::diskCapacity).orElse(0L);
			rawUsed += this.states.diskUsed(id);
		}
		return new Space(members.size(), Math.max(1, pool.getReplicas()), raw, rawUsed);
	}

	/**
	 * Refuses a new segment that would take the pool's segments past what it holds
	 * ({@code NO_SPACE}). Volumes are thin, so this bounds what is given out, not what is
	 * written; a pool whose chunkservers reported no disk yet is not judged.
	 * @param allocated segments the pool has given out
	 */
	public void requireRoomForSegment(LogicalPoolRecord pool, Topology topology, long allocated) {
		Space space = of(pool, topology);
		long segment = Geometry.of(pool).segmentSize();
		if (space.rawBytes() > 0 && (allocated + 1) * segment > space.usableBytes()) {
			throw new CurveException(ErrorCode.NO_SPACE, "logical pool '" + pool.getName() + "' has given out "
					+ allocated + " segments of " + Sizes.format(segment) + " and holds "
					+ Sizes.format(space.usableBytes()) + " after replication; add chunkservers or delete volumes");
		}
	}

}
