package io.curve4j.mds.heartbeat;

import org.springframework.stereotype.Service;

import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.mds.schedule.ScheduleService;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.heartbeat.v1.HeartbeatRequest;
import io.curve4j.proto.heartbeat.v1.HeartbeatResponse;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerRequest;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerResponse;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.grpc.stub.StreamObserver;

/**
 * Chunkserver registration and heartbeats. A heartbeat is answered with every copyset
 * the chunkserver should host, so a chunkserver creates its copysets from the answer,
 * and with the scheduler's work for the copysets it leads ({@link ScheduleService}).
 */
@Service
class HeartbeatGrpcService extends HeartbeatServiceGrpc.HeartbeatServiceImplBase {

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final ScheduleService schedule;

	HeartbeatGrpcService(TopologyService topology, ChunkServerStates states, ScheduleService schedule) {
		this.topology = topology;
		this.states = states;
		this.schedule = schedule;
	}

	@Override
	public void registerChunkServer(RegisterChunkServerRequest request,
			StreamObserver<RegisterChunkServerResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			ChunkServerRecord cs = this.topology.register(request);
			this.states.registered(cs.getId(), cs.getDiskCapacity());
			return RegisterChunkServerResponse.newBuilder().setChunkServerId(cs.getId()).setToken(cs.getToken()).build();
		});
	}

	@Override
	public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			Topology current = this.topology.current();
			ChunkServerRecord cs = this.topology.authenticate(current, request.getChunkServerId(), request.getToken());
			this.states.heartbeat(cs.getId(), request.getDiskCapacity(), request.getDiskUsed(),
					request.getCopysetsList(), request.getIntegrity());
			return this.schedule.answer(current, cs.getId(), request);
		});
	}

}
