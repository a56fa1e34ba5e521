package io.curve4j.mds.segment;

import java.util.Set;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.SegmentKey;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.mds.topology.PoolSegments;
import io.curve4j.proto.mds.v1.AllocateSegmentCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SegmentRecord;

/**
 * Allocates segments at apply. The first allocation of a segment wins: a retried or
 * concurrent allocation of the same segment applies later in the log, finds the
 * mapping and returns it unchanged, so every writer sees the same chunks.
 */
@Component
class SegmentCommands implements MdsCommandHandler {

	static final String CHUNK_COUNTER = MdsSchema.counterKey("chunk");

	/** The segment's mapping, and whether this command created it. */
	record Allocated(SegmentRecord segment, boolean created) {
	}

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.ALLOCATE_SEGMENT);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		AllocateSegmentCommand allocate = command.getAllocateSegment();
		FileRecord volume = tx.get(MdsSchema.FILES, allocate.getFileId())
			.filter(f -> f.getType() == FileType.VOLUME && !f.hasRecycle())
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no volume with id " + allocate.getFileId()));
		SegmentService.checkOffset(volume, allocate.getOffset());
		SegmentKey key = SegmentService.key(volume, allocate.getOffset());
		SegmentRecord existing = tx.get(MdsSchema.SEGMENTS, key).orElse(null);
		if (existing != null) {
			return new Allocated(existing, false);
		}
		LogicalPoolRecord pool = Geometry.allocationPool(tx)
			.orElseThrow(() -> new CurveException(ErrorCode.POOL_NOT_FOUND,
					"no logical pool to allocate from; apply a topology with logicalPools once the chunkservers run"));
		Geometry geometry = Geometry.of(volume);
		Geometry poolGeometry = Geometry.of(pool);
		if (!poolGeometry.equals(geometry)) {
			throw new CurveException(ErrorCode.CHUNK_SIZE_MISMATCH, "volume " + volume.getId() + " has "
					+ Sizes.format(geometry.chunkSize()) + " chunks in " + Sizes.format(geometry.segmentSize())
					+ " segments, logical pool '" + pool.getName() + "' has " + Sizes.format(poolGeometry.chunkSize())
					+ " chunks in " + Sizes.format(poolGeometry.segmentSize()) + " segments");
		}
		long lastChunkId = tx.get(MdsSchema.COUNTERS, CHUNK_COUNTER).orElse(0L);
		SegmentAllocator.Allocation allocation = SegmentAllocator.allocate(pool.getCopysets(), pool.getNextCopyset(),
				lastChunkId, geometry.chunksPerSegment());
		SegmentRecord segment = SegmentRecord.newBuilder()
			.setLogicalPoolId(pool.getId())
			.addAllChunks(allocation.chunks())
			.build();
		tx.put(MdsSchema.SEGMENTS, key, segment);
		tx.put(MdsSchema.LOGICAL_POOLS, pool.getId(), pool.toBuilder()
			.setNextCopyset(allocation.nextCopyset())
			.setAllocatedSegments(PoolSegments.allocated(tx, pool) + 1)
			.build());
		tx.put(MdsSchema.COUNTERS, CHUNK_COUNTER, allocation.lastChunkId());
		return new Allocated(segment, true);
	}

}
