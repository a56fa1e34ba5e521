package io.curve4j.fs.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.stub.StreamObserver;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.error.TxPendingException;
import io.curve4j.proto.common.v1.ChunkServerLocation;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.fs.v1.TxState;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.ResolveTxRequest;
import io.curve4j.proto.metaserver.v1.ResolveTxResponse;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.GrpcFutures;

/**
 * Calls to the metaserver copyset that holds a partition, on its leader: a follower's
 * NOT_LEADER hint (a Raft address) is mapped to that member's gRPC address, an unreachable
 * member moves the call to the next one, and a PARTITION_NOT_FOUND or a member list that
 * ran out refreshes the partitions from the MDS. A name held by a rename transaction
 * (TX_PENDING) is resolved through the MDS and the call tried again.
 */
public final class MetaClient {

	/** How long to wait before asking the MDS again about a transaction still pending. */
	private static final long TX_POLL_MS = 200;

	/** A held name waits at most this long: the MDS aborts a transaction 10 s after it began. */
	private static final long TX_WAIT_MS = 30_000;

	/** One RPC against a partition: the reference carries the copyset, partition and current capability. */
	@FunctionalInterface
	public interface Rpc<T> {
		void call(MetaServiceGrpc.MetaServiceStub stub, PartitionRef partition, StreamObserver<T> observer);
	}

	private final FsMount mount;

	private final ChannelPool channels;

	private final BoundedRetry retry;

	private final Map<CopysetKey, String> leaders = new ConcurrentHashMap<>();

	public MetaClient(FsMount mount, ChannelPool channels, BoundedRetry retry) {
		this.mount = mount;
		this.channels = channels;
		this.retry = retry;
	}

	/** The call on the partition holding {@code inodeId} (dentries: their parent's inode). */
	public <T> T onInode(long inodeId, String what, boolean idempotent, Rpc<T> rpc) {
		return call(this.mount.partitionOf(inodeId).getPartitionId(), what, idempotent, rpc);
	}

	/** The call on one partition; changes pass {@code idempotent=false} and are repeated only when they surely did not run. */
	public <T> T call(int partitionId, String what, boolean idempotent, Rpc<T> rpc) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TX_WAIT_MS);
		while (true) {
			try {
				return this.retry.call(what, idempotent, (attempt) -> once(partitionId, attempt.rpcTimeoutNanos(), rpc)).join();
			}
			catch (CompletionException | CurveException ex) {
				CurveException error = GrpcErrors.fromStatus(ex);
				if (!(error instanceof TxPendingException pending) || System.nanoTime() > deadline) {
					throw error;
				}
				resolve(partitionId, pending.txId());
			}
		}
	}

	/**
	 * Settles transaction {@code txId} on one partition as the MDS recorded it: commit or
	 * abort; a transaction still pending is waited for (its deadline ends it).
	 */
	public void resolve(int partitionId, long txId) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TX_WAIT_MS);
		TxState state = this.mount.getTx(txId).getState();
		while (state == TxState.TX_PENDING) {
			if (System.nanoTime() > deadline) {
				throw new CurveException(ErrorCode.TX_PENDING, "rename transaction " + txId + " stays pending");
			}
			sleep(TX_POLL_MS);
			state = this.mount.getTx(txId).getState();
		}
		boolean commit = state == TxState.TX_COMMITTED;
		this.<ResolveTxResponse>call(partitionId, "resolve transaction " + txId, true, (stub, ref, o) -> stub.resolveTx(
				ResolveTxRequest.newBuilder().setPartition(ref).setTxId(txId).setCommit(commit).build(), o));
	}

	private <T> CompletableFuture<T> once(int partitionId, long timeoutNanos, Rpc<T> rpc) {
		PartitionInfo partition = partition(partitionId);
		CopysetKey key = partition.getCopyset().getKey();
		String target = this.leaders.computeIfAbsent(key, (k) -> initialTarget(partition));
		PartitionRef ref = PartitionRef.newBuilder()
			.setCopyset(key)
			.setPartitionId(partitionId)
			.setCapability(this.mount.capability())
			.build();
		MetaServiceGrpc.MetaServiceStub stub = MetaServiceGrpc.newStub(this.channels.channel(target))
			.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
		CompletableFuture<T> result = GrpcFutures.unary((observer) -> rpc.call(stub, ref, observer));
		return result.whenComplete((value, failure) -> {
			if (failure != null) {
				redirect(partition, target, GrpcErrors.fromStatus(failure));
			}
		});
	}

	private PartitionInfo partition(int partitionId) {
		PartitionInfo known = byId(this.mount.partitions(), partitionId);
		if (known == null) {
			known = byId(this.mount.refreshPartitions(), partitionId);
		}
		if (known == null) {
			throw new CurveException(ErrorCode.PARTITION_NOT_FOUND, "no partition " + partitionId);
		}
		return known;
	}

	private void redirect(PartitionInfo partition, String failed, CurveException error) {
		CopysetKey key = partition.getCopyset().getKey();
		List<ChunkServerLocation> peers = partition.getCopyset().getPeersList();
		if (error instanceof NotLeaderException nle && nle.leaderHint() != null && !nle.leaderHint().isEmpty()) {
			String hinted = peers.stream()
				.filter((p) -> p.getRaftAddress().equals(nle.leaderHint()))
				.map(MetaClient::grpcAddress)
				.findFirst()
				.orElse(null);
			if (hinted != null) {
				this.leaders.put(key, hinted);
				return;
			}
			// a member this mount has not heard of: the copyset changed
			this.mount.refreshPartitions();
			this.leaders.remove(key);
		}
		else if (error.code() == ErrorCode.PARTITION_NOT_FOUND) {
			this.mount.refreshPartitions();
			this.leaders.remove(key);
		}
		else if (error.code() == ErrorCode.NOT_LEADER || error.code() == ErrorCode.UNAVAILABLE
				|| error.code() == ErrorCode.TIMEOUT) {
			int index = -1;
			for (int i = 0; i < peers.size(); i++) {
				if (grpcAddress(peers.get(i)).equals(failed)) {
					index = i;
				}
			}
			if (index == peers.size() - 1) {
				// every member tried: the member list may be stale
				this.mount.refreshPartitions();
			}
			if (!peers.isEmpty()) {
				this.leaders.put(key, grpcAddress(peers.get((index + 1) % peers.size())));
			}
		}
	}

	private static String initialTarget(PartitionInfo partition) {
		List<ChunkServerLocation> peers = partition.getCopyset().getPeersList();
		if (peers.isEmpty()) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "partition " + partition.getPartitionId() + " has no members yet");
		}
		int leader = partition.getCopyset().getLeaderId();
		return grpcAddress(peers.stream().filter((p) -> p.getChunkServerId() == leader).findFirst().orElse(peers.get(0)));
	}

	private static String grpcAddress(ChunkServerLocation peer) {
		return peer.getHost() + ":" + peer.getPort();
	}

	private static PartitionInfo byId(List<PartitionInfo> partitions, int partitionId) {
		for (PartitionInfo p : partitions) {
			if (p.getPartitionId() == partitionId) {
				return p;
			}
		}
		return null;
	}

	private static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted");
		}
	}

}
