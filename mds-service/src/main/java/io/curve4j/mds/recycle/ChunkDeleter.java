package io.curve4j.mds.recycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Topology;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.chunk.v1.DeleteChunkRequest;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.SegmentChunk;
import io.curve4j.proto.mds.v1.SegmentRecord;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;

/**
 * Deletes chunks through their copysets' leaders ({@code ChunkService.DeleteChunk}, one
 * Raft entry each, so every replica frees the chunk), with a capability the MDS signs for
 * that one chunk. The leader the heartbeats name is asked first, then the other members
 * (a follower answers NOT_LEADER). Deleting a chunk that was never written, or is gone
 * already, succeeds: a purge cut short is simply run again.
 */
final class ChunkDeleter implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChunkDeleter.class);

	private static final long CALL_TIMEOUT_MS = 10_000;

	/** A capability outlives its call, not more. */
	private static final long CAPABILITY_TTL_MS = 60_000;

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	private final ExecutorService calls = Executors.newFixedThreadPool(8, r -> {
		Thread t = new Thread(r, "mds-chunk-delete");
		t.setDaemon(true);
		return t;
	});

	/** Null: the cluster has no data key and chunk calls carry no capability. */
	private final ChunkCapabilities capabilities;

	ChunkDeleter(ChunkCapabilities capabilities) {
		this.capabilities = capabilities;
	}

	/** Deletes every chunk of a segment; true once all are gone. */
	boolean deleteSegment(long fileId, SegmentRecord segment, Topology topology, ChunkServerStates states) {
		List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
		for (SegmentChunk chunk : segment.getChunksList()) {
			CopysetKey key = CopysetKey.newBuilder()
				.setLogicalPoolId(segment.getLogicalPoolId())
				.setCopysetId(chunk.getCopysetId())
				.build();
			deletes.add(CompletableFuture.supplyAsync(() -> delete(fileId, key, chunk.getChunkId(), topology, states),
					this.calls));
		}
		try {
			for (CompletableFuture<Boolean> delete : deletes) {
				if (!delete.get()) {
					return false;
				}
			}
			return true;
		}
		catch (InterruptedException ex) {
			// the MDS is stopping: the next leader's round deletes them again
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException ex) {
			return false;
		}
	}

	private boolean delete(long fileId, CopysetKey key, long chunkId, Topology topology, ChunkServerStates states) {
		DeleteChunkRequest.Builder request = DeleteChunkRequest.newBuilder().setCopyset(key).setChunkId(chunkId);
		if (this.capabilities != null) {
			request.setCapability(this.capabilities.issue(fileId, chunkId, 1, ChunkCapabilities.DELETE,
					System.currentTimeMillis() + CAPABILITY_TTL_MS));
		}
		StatusRuntimeException last = null;
		for (ChunkServerRecord cs : states.leaderFirst(topology, key)) {
			try {
				ChunkServiceGrpc.newBlockingStub(channel(cs))
					.withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
					.deleteChunk(request.build());
				return true;
			}
			catch (StatusRuntimeException ex) {
				last = ex;
			}
		}
		log.debug("chunk {} of copyset {}.{} not deleted yet: {}", chunkId, key.getLogicalPoolId(),
				key.getCopysetId(), last == null ? "no members known" : last.getStatus());
		return false;
	}

	private ManagedChannel channel(ChunkServerRecord cs) {
		return this.channels.computeIfAbsent(cs.getHost() + ":" + cs.getPort(),
				address -> ManagedChannelBuilder.forTarget(address).usePlaintext().build());
	}

	@Override
	public void close() {
		this.calls.shutdownNow();
		this.channels.values().forEach(ManagedChannel::shutdownNow);
		this.channels.clear();
	}

}
