package io.curve4j.mds.segment;

import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.mds.web.GrpcCalls;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.mds.v1.ChunkLocation;
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

	private final GrpcCalls calls;

	SegmentGrpcService(SegmentService segments, TopologyService topology, ChunkServerStates states,
			GrpcCalls calls) {
		this.segments = segments;
		this.topology = topology;
		this.states = states;
		this.calls = calls;
	}

	@Override
	public void getOrAllocateSegment(GetOrAllocateSegmentRequest request,
			StreamObserver<GetOrAllocateSegmentResponse> observer) {
		this.calls.unary(observer, () -> {
			SegmentRecord segment = this.segments.getOrAllocate(request.getFileId(), request.getOffset(),
					request.getAllocate());
			GetOrAllocateSegmentResponse.Builder response = GetOrAllocateSegmentResponse.newBuilder()
				.setFileId(request.getFileId())
				.setOffset(request.getOffset());
			for (SegmentChunk chunk : segment.getChunksList()) {
				response.addChunks(ChunkLocation.newBuilder()
					.setCopyset(CopysetKey.newBuilder()
						.setLogicalPoolId(segment.getLogicalPoolId())
						.setCopysetId(chunk.getCopysetId()))
					.setChunkId(chunk.getChunkId()));
			}
			return response.build();
		});
	}

	@Override
	public void getCopysetMembers(GetCopysetMembersRequest request,
			StreamObserver<GetCopysetMembersResponse> observer) {
		this.calls.unary(observer, () -> {
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
