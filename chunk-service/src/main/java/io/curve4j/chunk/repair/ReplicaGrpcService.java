package io.curve4j.chunk.repair;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.grpc.stub.StreamObserver;

import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.chunk.copyset.CopysetId;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.raft.RaftHost;
import io.curve4j.proto.chunk.v1.ReadPagesRequest;
import io.curve4j.proto.chunk.v1.ReadPagesResponse;
import io.curve4j.proto.chunk.v1.RepairPagesRequest;
import io.curve4j.proto.chunk.v1.RepairPagesResponse;
import io.curve4j.proto.chunk.v1.ReplicaServiceGrpc;
import io.curve4j.proto.chunk.v1.ScanDigestRequest;
import io.curve4j.proto.chunk.v1.ScanDigestResponse;
import io.curve4j.proto.common.v1.CopysetKey;

/**
 * The calls replicas make to each other for repairs, served on the Raft port (where the
 * copysets know their peers), like all calls there only to holders of the cluster
 * credential when a data key is configured. Handlers there run on the transport's threads, so the work moves to
 * {@link PageRepair}'s.
 */
@Component
class ReplicaGrpcService extends ReplicaServiceGrpc.ReplicaServiceImplBase {

	private final CopysetRegistry copysets;

	private final PageRepair repair;

	private final Executor executor;

	ReplicaGrpcService(CopysetRegistry copysets, PageRepair repair, RaftHost raftHost) {
		this.copysets = copysets;
		this.repair = repair;
		this.executor = repair.executor();
		raftHost.serve(this);
	}

	@Override
	public void readPages(ReadPagesRequest request, StreamObserver<ReadPagesResponse> responses) {
		answer(responses, () -> this.repair.readForPeer(copyset(request.getCopyset()), request.getChunkId(),
				Integer.toUnsignedLong(request.getOffset()), request.getLength(), request.getMinAppliedIndex()));
	}

	@Override
	public void repairPages(RepairPagesRequest request, StreamObserver<RepairPagesResponse> responses) {
		answer(responses, () -> RepairPagesResponse.newBuilder()
			.setPagesProposed(this.repair.repairAtLeader(copyset(request.getCopyset()), request.getChunkId(),
					Integer.toUnsignedLong(request.getOffset()), request.getLength()))
			.build());
	}

	@Override
	public void scanDigest(ScanDigestRequest request, StreamObserver<ScanDigestResponse> responses) {
		answer(responses, () -> copyset(request.getCopyset()).scanDigest(request.getIndex())
			.map(d -> ScanDigestResponse.newBuilder().setKnown(true).setChunkId(d.chunkId()).setDigest(d.digest()).build())
			.orElseGet(ScanDigestResponse::getDefaultInstance));
	}

	private Copyset copyset(CopysetKey key) {
		return this.copysets.get(CopysetId.of(key));
	}

	/** Outside Spring's gRPC server, so failures become statuses here. */
	private <T> void answer(StreamObserver<T> responses, Supplier<T> call) {
		CompletableFuture.supplyAsync(call, this.executor).whenComplete((response, failure) -> {
			if (failure == null) {
				responses.onNext(response);
				responses.onCompleted();
			}
			else {
				responses.onError(GrpcErrors.toStatus(failure));
			}
		});
	}

}
