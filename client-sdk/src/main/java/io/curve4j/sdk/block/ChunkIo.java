package io.curve4j.sdk.block;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import com.google.protobuf.ByteString;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.chunk.v1.ReadChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunkResponse;
import io.curve4j.proto.chunk.v1.WriteChunkRequest;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.mds.v1.ChunkLocation;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.metacache.MetaCache;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.BoundedRetry.Attempt;
import io.curve4j.sdk.retry.GrpcFutures;

/**
 * Sends one sub-request to its copyset leader, retrying within the operation deadline.
 * Every try resolves its route from the metacache (segment mapping, members, leader),
 * so a failure that corrected the cache sends the next try to the right place. Chunk
 * writes are idempotent (same bytes, same place), so timeouts are retried too; the
 * write's {@link WriteId} keeps a stale attempt from landing after a later write.
 */
final class ChunkIo {

	private final MetaCache cache;

	private final ChannelPool channels;

	private final BoundedRetry retry;

	private final WriteBatcher writes;

	/** Names this client in its {@link WriteId}s. */
	private final long clientId = new SecureRandom().nextLong();

	private final AtomicLong writeRequests = new AtomicLong();

	ChunkIo(MetaCache cache, ChannelPool channels, BoundedRetry retry) {
		this.cache = cache;
		this.channels = channels;
		this.retry = retry;
		this.writes = new WriteBatcher(channels);
	}

	/**
	 * Writes one sub-request. Every attempt carries the same {@link WriteId} with its
	 * attempt number, so the copyset drops a stale earlier attempt once a retry is applied.
	 */
	CompletableFuture<Void> write(long fileId, long sequence, ChunkRange range, ByteString data, String what) {
		long requestNumber = this.writeRequests.incrementAndGet();
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, range.segmentOffset(), true, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> {
						ChunkLocation chunk = chunkOf(segment.orElseThrow(), range);
						WriteChunkRequest request = WriteChunkRequest.newBuilder()
							.setCopyset(chunk.getCopyset())
							.setChunkId(chunk.getChunkId())
							.setSn(sequence)
							.setOffset(range.offsetInChunk())
							.setData(data)
							.setWriteId(WriteId.newBuilder()
								.setClient(this.clientId)
								.setRequest(requestNumber)
								.setAttempt(attempt.number()))
							.build();
						return send(chunk.getCopyset(), attempt,
								(address, timeout) -> this.writes.write(address, request, timeout));
					})
					.thenApply((ignored) -> null));
	}

	/**
	 * Reads one sub-request.
	 * @return the bytes, or empty when the segment was never allocated (zeros)
	 */
	CompletableFuture<Optional<ByteString>> read(long fileId, ChunkRange range, String what) {
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, range.segmentOffset(), false, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> {
						if (segment.isEmpty()) {
							return CompletableFuture.completedFuture(Optional.<ByteString>empty());
						}
						ChunkLocation chunk = chunkOf(segment.get(), range);
						ReadChunkRequest request = ReadChunkRequest.newBuilder()
							.setCopyset(chunk.getCopyset())
							.setChunkId(chunk.getChunkId())
							.setOffset(range.offsetInChunk())
							.setLength(range.length())
							.build();
						CompletableFuture<ReadChunkResponse> response = send(chunk.getCopyset(), attempt,
								(address, timeout) -> GrpcFutures.unary((observer) -> ChunkServiceGrpc
									.newStub(this.channels.channel(address))
									.withDeadlineAfter(timeout, TimeUnit.NANOSECONDS)
									.readChunk(request, observer)));
						return response.thenApply((r) -> {
							if (r.getData().size() != range.length()) {
								throw new CurveException(ErrorCode.INTERNAL, "chunkserver answered "
										+ r.getData().size() + " bytes for a read of " + range.length());
							}
							return Optional.of(r.getData());
						});
					}));
	}

	/** Sends one try to the copyset's leader (chunkserver address, RPC timeout in nanoseconds). */
	private <T> CompletableFuture<T> send(CopysetKey copyset, Attempt attempt,
			BiFunction<String, Long, CompletableFuture<T>> call) {
		long timeout = attempt.rpcTimeoutNanos();
		return this.cache.leader(copyset, timeout).thenCompose((leader) -> call
			.apply(MetaCache.address(leader), timeout)
			.whenComplete((value, failure) -> {
				if (failure != null) {
					this.cache.onChunkFailure(copyset, leader, GrpcErrors.fromStatus(failure));
				}
			}));
	}

	private static ChunkLocation chunkOf(List<ChunkLocation> segment, ChunkRange range) {
		if (range.chunkInSegment() >= segment.size()) {
			throw new CurveException(ErrorCode.INTERNAL, "the MDS mapped " + segment.size()
					+ " chunks for the segment at " + range.segmentOffset() + ", chunk " + range.chunkInSegment()
					+ " is missing");
		}
		return segment.get(range.chunkInSegment());
	}

}
