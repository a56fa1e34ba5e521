package io.curve4j.mds.segment;

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
import io.curve4j.proto.mds.v1.CloneStatus;
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
		this.allocated = Counter.builder("curve4j.mds.segments.allocated").register(meters);
	}

	/** A segment's mapping and the volume as it was when the mapping was read (segment null: not allocated yet). */
	record Mapping(FileRecord volume, SegmentRecord segment) {
	}

	Mapping getOrAllocate(long fileId, long offset, boolean allocate, Caller caller) {
		Mapping existing = this.raft.read(() -> {
			FileRecord volume = this.namespace.volumeById(fileId);
			caller.requireOwner(volume.getOwner(), "volume " + fileId);
			checkOffset(volume, offset);
			return new Mapping(volume, this.store.get(MdsSchema.SEGMENTS, key(volume, offset)).orElse(null));
		});
		FileRecord volume = existing.volume();
		if (volume.hasClone() && volume.getClone().getInfo().getStatus() == CloneStatus.WAITING_FOR_SOURCE) {
			// its chunks would have no source to read yet
			throw new CurveException(ErrorCode.SNAPSHOT_NOT_READY,
					"clone " + fileId + " waits for its source snapshot to be copied to the object store");
		}
		if (existing.segment() != null) {
			return existing;
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
		return new Mapping(volume, result.segment());
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
