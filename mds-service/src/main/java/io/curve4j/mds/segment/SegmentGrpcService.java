package io.curve4j.mds.segment;

import java.time.Duration;

import org.springframework.stereotype.Service;

import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CloneSource;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.mds.v1.ChunkLocation;
import io.curve4j.proto.mds.v1.CloneInfo;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.GetCopysetMembersRequest;
import io.curve4j.proto.mds.v1.GetCopysetMembersResponse;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentRequest;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentResponse;
import io.curve4j.proto.mds.v1.SegmentChunk;
import io.curve4j.proto.mds.v1.SegmentRecord;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.grpc.stub.StreamObserver;

/** The data-path metadata the SDK caches: segment mappings and copyset members. */
@Service
class SegmentGrpcService extends SegmentServiceGrpc.SegmentServiceImplBase {

	private final SegmentService segments;

	private final TopologyService topology;

	private final ChunkServerStates states;

	/** Null when the cluster has no data key: mappings then carry no capability. */
	private final ChunkCapabilities capabilities;

	private final Duration capabilityTtl;

	SegmentGrpcService(SegmentService segments, TopologyService topology, ChunkServerStates states,
			MdsProperties properties) {
		this.segments = segments;
		this.topology = topology;
		this.states = states;
		String dataKey = properties.getAuth().resolveDataKey();
		this.capabilities = dataKey == null ? null : ChunkCapabilities.fromSecret(dataKey);
		this.capabilityTtl = properties.getAuth().getCapabilityTtl();
	}

	@Override
	public void getOrAllocateSegment(GetOrAllocateSegmentRequest request,
			StreamObserver<GetOrAllocateSegmentResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			SegmentService.Mapping mapping = this.segments.getOrAllocate(request.getFileId(), request.getOffset(),
					request.getAllocate(), Caller.ofGrpcCall());
			SegmentRecord segment = mapping.segment();
			GetOrAllocateSegmentResponse.Builder response = GetOrAllocateSegmentResponse.newBuilder()
				.setFileId(request.getFileId())
				.setOffset(request.getOffset());
			ChunkCapability capability = capability(mapping.volume(), request.getOffset(), segment);
			for (SegmentChunk chunk : segment.getChunksList()) {
				ChunkLocation.Builder location = response.addChunksBuilder()
					.setCopyset(CopysetKey.newBuilder()
						.setLogicalPoolId(segment.getLogicalPoolId())
						.setCopysetId(chunk.getCopysetId()))
					.setChunkId(chunk.getChunkId());
				if (capability != null) {
					location.setCapability(capability);
				}
			}
			return response.build();
		});
	}

	/**
	 * Reads, writes and deletes (trims of whole chunks) of the segment's chunks for the
	 * caller, who may use the volume (the mapping checked that). A segment's chunk ids are
	 * consecutive: one range covers them. A linked clone's capability also says where its
	 * chunks read what they never had written; without a data key it is sent unsigned, for
	 * that source alone (chunkservers without the key check nothing).
	 */
	private ChunkCapability capability(FileRecord volume, long offset, SegmentRecord segment) {
		CloneSource source = cloneSource(volume, offset);
		if ((this.capabilities == null && source == null) || segment.getChunksCount() == 0) {
			return null;
		}
		long first = segment.getChunksList().stream().mapToLong(SegmentChunk::getChunkId).min().orElseThrow();
		long last = segment.getChunksList().stream().mapToLong(SegmentChunk::getChunkId).max().orElseThrow();
		int count = Math.toIntExact(last - first + 1);
		int rights = ChunkCapabilities.READ | ChunkCapabilities.WRITE | ChunkCapabilities.DELETE;
		long expires = System.currentTimeMillis() + this.capabilityTtl.toMillis();
		if (this.capabilities == null) {
			return ChunkCapability.newBuilder()
				.setFileId(volume.getId())
				.setFirstChunkId(first)
				.setChunkCount(count)
				.setRights(rights)
				.setExpiresMs(expires)
				.setCloneSource(source)
				.build();
		}
		return source == null ? this.capabilities.issue(volume.getId(), first, count, rights, expires)
				: this.capabilities.issue(volume.getId(), first, count, rights, expires, source);
	}

	/** Where a linked clone's segment at {@code offset} reads its source; null for other volumes. */
	private static CloneSource cloneSource(FileRecord volume, long offset) {
		if (!volume.hasClone() || volume.getClone().getInfo().getStatus() == CloneStatus.WAITING_FOR_SOURCE) {
			return null;
		}
		CloneInfo clone = volume.getClone().getInfo();
		return CloneSource.newBuilder()
			.setVolumeId(clone.getSourceVolumeId())
			.setSnapshotId(clone.getSnapshotId())
			.setFirstChunkIndex(offset / Geometry.of(volume).chunkSize())
			.build();
	}

	@Override
	public void getCopysetMembers(GetCopysetMembersRequest request,
			StreamObserver<GetCopysetMembersResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			Topology current = this.topology.current();
			GetCopysetMembersResponse.Builder response = GetCopysetMembersResponse.newBuilder();
			for (CopysetKey key : request.getCopysetsList()) {
				response.addCopysets(this.states.members(current, current.copyset(key)
					.orElseThrow(() -> new CurveException(ErrorCode.COPYSET_NOT_FOUND,
							"no copyset " + key.getLogicalPoolId() + "." + key.getCopysetId()))));
			}
			return response.build();
		});
	}

}
