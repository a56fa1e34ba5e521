package io.curve4j.chunk.cli;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;

import org.springframework.grpc.server.service.GrpcService;

import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.chunk.copyset.CopysetId;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.proto.cli.v1.AddPeerRequest;
import io.curve4j.proto.cli.v1.ChangePeersResponse;
import io.curve4j.proto.cli.v1.CliServiceGrpc;
import io.curve4j.proto.cli.v1.GetLeaderRequest;
import io.curve4j.proto.cli.v1.GetLeaderResponse;
import io.curve4j.proto.cli.v1.GetPeersRequest;
import io.curve4j.proto.cli.v1.GetPeersResponse;
import io.curve4j.proto.cli.v1.RemovePeerRequest;
import io.curve4j.proto.cli.v1.TransferLeaderRequest;
import io.curve4j.proto.cli.v1.TransferLeaderResponse;
import io.curve4j.proto.common.v1.CopysetKey;

/**
 * Copyset membership as this replica sees it. Any replica answers {@code GetLeader} and
 * {@code GetPeers}; changes are made by the leader only, a follower answers NOT_LEADER
 * with the {@code curve-leader} trailer. Peers are raft addresses {@code host:port}.
 */
@GrpcService
class CliGrpcService extends CliServiceGrpc.CliServiceImplBase {

	private final CopysetRegistry copysets;

	CliGrpcService(CopysetRegistry copysets) {
		this.copysets = copysets;
	}

	@Override
	public void getLeader(GetLeaderRequest request, StreamObserver<GetLeaderResponse> responses) {
		answer(responses, request.getCopyset(), copyset -> CompletableFuture.completedFuture(
				GetLeaderResponse.newBuilder().setLeader(copyset.leader()).setTerm(copyset.term()).build()));
	}

	@Override
	public void getPeers(GetPeersRequest request, StreamObserver<GetPeersResponse> responses) {
		answer(responses, request.getCopyset(), copyset -> CompletableFuture
			.completedFuture(GetPeersResponse.newBuilder().addAllPeers(copyset.peers()).build()));
	}

	@Override
	public void addPeer(AddPeerRequest request, StreamObserver<ChangePeersResponse> responses) {
		answer(responses, request.getCopyset(), copyset -> change(copyset,
				() -> copyset.group().addPeer(request.getPeer())));
	}

	@Override
	public void removePeer(RemovePeerRequest request, StreamObserver<ChangePeersResponse> responses) {
		answer(responses, request.getCopyset(), copyset -> change(copyset,
				() -> copyset.group().removePeer(request.getPeer())));
	}

	@Override
	public void transferLeader(TransferLeaderRequest request, StreamObserver<TransferLeaderResponse> responses) {
		answer(responses, request.getCopyset(), copyset -> {
			leaderOnly(copyset);
			// Transferring to the current leader is already done; jraft would reject it.
			if (!copyset.self().equals(request.getPeer())) {
				copyset.group().transferLeadership(request.getPeer());
			}
			return CompletableFuture.completedFuture(TransferLeaderResponse.getDefaultInstance());
		});
	}

	private static CompletableFuture<ChangePeersResponse> change(Copyset copyset,
			Supplier<CompletableFuture<Void>> change) {
		leaderOnly(copyset);
		List<String> before = copyset.peers();
		return change.get().thenApply(done -> ChangePeersResponse.newBuilder()
			.addAllOldPeers(before)
			.addAllNewPeers(copyset.peers())
			.build());
	}

	private static void leaderOnly(Copyset copyset) {
		if (!copyset.isLeader()) {
			throw copyset.notLeader();
		}
	}

	private <T> void answer(StreamObserver<T> responses, CopysetKey key,
			Function<Copyset, CompletableFuture<T>> action) {
		GrpcAnswers.async(responses, () -> action.apply(this.copysets.get(CopysetId.of(key))));
	}

}
