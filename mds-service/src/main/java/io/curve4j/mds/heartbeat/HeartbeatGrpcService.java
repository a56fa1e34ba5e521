package io.curve4j.mds.heartbeat;

import java.util.List;

import org.springframework.stereotype.Service;

import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.mds.web.GrpcCalls;
import io.curve4j.proto.common.v1.CopysetMembers;
import io.curve4j.proto.heartbeat.v1.HeartbeatRequest;
import io.curve4j.proto.heartbeat.v1.HeartbeatResponse;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerRequest;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerResponse;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.grpc.stub.StreamObserver;

/**
 * Chunkserver registration and heartbeats. A heartbeat is answered with every copyset
 * the chunkserver should host, so a chunkserver creates its copysets from the answer.
 */
@Service
class HeartbeatGrpcService extends HeartbeatServiceGrpc.HeartbeatServiceImplBase {

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final GrpcCalls calls;

	HeartbeatGrpcService(TopologyService topology, ChunkServerStates states, GrpcCalls calls) {
		this.topology = topology;
		this.states = states;
		this.calls = calls;
	}

	@Override
	public void registerChunkServer(RegisterChunkServerRequest request,
			StreamObserver<RegisterChunkServerResponse> observer) {
		this.calls.unary(observer, () -> {
			ChunkServerRecord cs = this.topology.register(request);
			this.states.registered(cs.getId(), cs.getDiskCapacity());
			return RegisterChunkServerResponse.newBuilder().setChunkServerId(cs.getId()).setToken(cs.getToken()).build();
		});
	}

	@Override
	public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> observer) {
		this.calls.unary(observer, () -> {
			Topology current = this.topology.current();
			ChunkServerRecord cs = this.topology.authenticate(current, request.getChunkServerId(), request.getToken());
			this.states.heartbeat(cs.getId(), request.getDiskCapacity(), request.getDiskUsed(),
					request.getCopysetsList());
			return HeartbeatResponse.newBuilder().addAllAssignedCopysets(assigned(current, cs.getId())).build();
		});
	}

	private List<CopysetMembers> assigned(Topology topology, int chunkServerId) {
		return topology.copysetsOf(chunkServerId).stream().map(c -> this.states.members(topology, c)).toList();
	}

}
