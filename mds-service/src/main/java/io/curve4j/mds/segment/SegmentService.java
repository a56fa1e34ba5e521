package io.curve4j.mds.segment;

import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.namespace.Namespace;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.SegmentKey;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.mds.topology.PoolSegments;
import io.curve4j.mds.topology.PoolSpace;
import io.curve4j.mds.topology.Topology;
import io.curve4j.proto.mds.v1.AllocateSegmentCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SegmentRecord;

/**
 * Segment lookups and allocations: a linearizable read first, so a segment that exists
 * costs no Raft entry; only a missing one with allocate set is proposed, and only while
 * the logical pool has room for it ({@code NO_SPACE}; checked here, before the proposal,
 * because the disk space chunkservers report is not part of the log).
 */
@Service
class SegmentService {

	private final MdsRaft raft;

	private final MdsStore store;

	private final Namespace namespace;

	private final PoolSpace space;

	private final Counter allocated;

	SegmentService(MdsRaft raft, MdsStore store, Namespace namespace, PoolSpace space, MeterRegistry meters) {
		this.raft = raft;
		this.store = store;
		this.namespace = namespace;
		this.space = space;
		this.allocated = Counter.builder("curve.mds.segments.allocated").register(meters);
	}

	SegmentRecord getOrAllocate(long fileId, long offset, boolean allocate, Caller caller) {
		Optional<SegmentRecord> existing = this.raft.read(() -> {
			FileRecord volume = this.namespace.volumeById(fileId);
			caller.requireOwner(volume.getOwner(), "volume " + fileId);
			checkOffset(volume, offset);
			return this.store.get(MdsSchema.SEGMENTS, key(volume, offset));
		});
		if (existing.isPresent()) {
			return existing.get();
		}
		if (!allocate) {
			throw new CurveException(ErrorCode.SEGMENT_NOT_ALLOCATED,
					"segment at offset " + offset + " of volume " + fileId + " was never written");
		}
		this.raft.read(() -> {
			Geometry.allocationPool(this.store)
				.ifPresent(pool -> this.space.requireRoomForSegment(pool, Topology.load(this.store),
						PoolSegments.allocated(this.store, pool)));
			return null;
		});
		SegmentCommands.Allocated result = (SegmentCommands.Allocated) this.raft.propose(MdsCommand.newBuilder()
			.setAllocateSegment(AllocateSegmentCommand.newBuilder().setFileId(fileId).setOffset(offset))
			.build());
		if (result.created()) {
			this.allocated.increment();
		}
		return result.segment();
	}

	static void checkOffset(FileRecord volume, long offset) {
		long segmentSize = Geometry.of(volume).segmentSize();
		if (offset < 0 || offset % segmentSize != 0) {
			throw new CurveException(ErrorCode.IO_NOT_ALIGNED,
					"segment offset " + offset + " is not a multiple of " + Sizes.format(segmentSize));
		}
		if (offset >= volume.getLength()) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE,
					"offset " + offset + " is past the end of volume " + volume.getId() + " (" + volume.getLength()
							+ " bytes)");
		}
	}

	static SegmentKey key(FileRecord volume, long offset) {
		return new SegmentKey(volume.getId(), offset / Geometry.of(volume).segmentSize());
	}

}
