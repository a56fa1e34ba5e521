package io.curve4j.sdk.block;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc.ChunkServiceStub;
import io.curve4j.proto.chunk.v1.DeleteChunkRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkResponse;
import io.curve4j.proto.chunk.v1.DeleteChunkSnapshotOrCorrectSnRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkSnapshotOrCorrectSnResponse;
import io.curve4j.proto.chunk.v1.GetChunkInfoRequest;
import io.curve4j.proto.chunk.v1.GetChunkInfoResponse;
import io.curve4j.proto.chunk.v1.ReadChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunkSnapshotRequest;
import io.curve4j.proto.chunk.v1.ReadChunkSnapshotResponse;
import io.curve4j.proto.chunk.v1.ReadChunksRequest;
import io.curve4j.proto.chunk.v1.ReadChunksResponse;
import io.curve4j.proto.chunk.v1.RecoverChunkRequest;
import io.curve4j.proto.chunk.v1.RecoverChunkResponse;
import io.curve4j.proto.chunk.v1.WriteChunkRequest;
import io.curve4j.proto.chunk.v1.WriteChunkResult;
import io.curve4j.proto.chunk.v1.WriteChunksRequest;
import io.curve4j.proto.chunk.v1.WriteChunksResponse;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.mds.v1.ChunkLocation;
import io.curve4j.sdk.block.CopysetBatcher.Result;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.metacache.MetaCache;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.BoundedRetry.Attempt;
import io.curve4j.sdk.retry.GrpcFutures;

/**
 * Sends one sub-request to its copyset leader (batched with others for the same copyset,
 * see {@link CopysetBatcher}), retrying within the operation deadline.
 * Every try resolves its route from the metacache (segment mapping, members, leader),
 * so a failure that corrected the cache sends the next try to the right place. Chunk
 * writes are idempotent (same bytes, same place), so timeouts are retried too; the
 * write's {@link WriteId} keeps a stale attempt from landing after a later write.
 */
final class ChunkIo {

	private final MetaCache cache;

	private final ChannelPool channels;

	private final BoundedRetry retry;

	private final CopysetBatcher<WriteChunkRequest, WriteChunkResult> writes;

	private final CopysetBatcher<ReadChunkRequest, ByteString> reads;

	/** Names this client in its {@link WriteId}s. */
	private final long clientId = new SecureRandom().nextLong();

	private final AtomicLong writeRequests = new AtomicLong();

	ChunkIo(MetaCache cache, ChannelPool channels, BoundedRetry retry) {
		this.cache = cache;
		this.channels = channels;
		this.retry = retry;
		this.writes = new CopysetBatcher<>(this::writeChunks, WriteChunkRequest::getCopyset,
				(write) -> write.getData().size());
		this.reads = new CopysetBatcher<>(this::readChunks, ReadChunkRequest::getCopyset, ReadChunkRequest::getLength);
	}

	/**
	 * Writes one sub-request. Every attempt carries the same {@link WriteId} with its
	 * attempt number, so the copyset drops a stale earlier attempt once a retry is applied,
	 * and the volume's sequence number as the session has it when the attempt is built (a
	 * snapshot taken meanwhile raises it). A refusal as {@code STALE_SEQUENCE} tells the
	 * session, which refreshes; the retry then waits for the newer number.
	 */
	CompletableFuture<Void> write(long fileId, VolumeSession session, ChunkRange range, ByteString data, String what) {
		long requestNumber = this.writeRequests.incrementAndGet();
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, range.segmentOffset(), true, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> session.writeSequence(attempt.rpcTimeoutNanos())
						.thenCompose((sequence) -> {
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
								.setCapability(chunk.getCapability())
								.build();
							return refusedAsStale(send(chunk.getCopyset(), attempt, this.writes, request), session,
									sequence);
						}))
					.thenApply((ignored) -> null));
	}

	/**
	 * Reads one sub-request.
	 * @param allocate allocate the segment if it never was (a linked clone's: its chunks
	 * answer from the source), instead of answering zeros
	 * @return the bytes, or empty when the segment was never allocated (zeros)
	 */
	CompletableFuture<Optional<ByteString>> read(long fileId, ChunkRange range, boolean allocate, String what) {
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, range.segmentOffset(), allocate, attempt.rpcTimeoutNanos())
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
							.setCapability(chunk.getCapability())
							.build();
						return send(chunk.getCopyset(), attempt, this.reads, request).thenApply((data) -> {
							if (data.size() != range.length()) {
								throw new CurveException(ErrorCode.INTERNAL, "chunkserver answered " + data.size()
										+ " bytes for a read of " + range.length());
							}
							return Optional.of(data);
						});
					}));
	}

	/**
	 * Deletes chunks {@code first} to {@code first + count - 1} of the segment at
	 * {@code segmentOffset}: they read as zeros afterwards and a later write creates them
	 * again. Nothing to do in a segment never allocated. Each delete carries a write id as a
	 * write does, so a stale attempt cannot land after a retry and wipe a later write, and
	 * the volume's sequence number as a write does, so a chunk deleted after a snapshot
	 * keeps its content in its snapshot copy.
	 * @param allocate allocate the segment if it never was (a linked clone's: its chunks
	 * must become zeros, not keep reading the source)
	 */
	CompletableFuture<Void> delete(long fileId, VolumeSession session, long segmentOffset, int first, int count,
			boolean allocate, String what) {
		long requestNumber = this.writeRequests.getAndAdd(count) + 1;
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, segmentOffset, allocate, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> {
						if (segment.isEmpty()) {
							return CompletableFuture.completedFuture(null);
						}
						return session.writeSequence(attempt.rpcTimeoutNanos()).thenCompose((sequence) -> {
							CompletableFuture<?>[] deletes = new CompletableFuture<?>[count];
							for (int i = 0; i < count; i++) {
								ChunkLocation chunk = chunkOf(segment.get(),
										new ChunkRange(segmentOffset, first + i, 0, 0, 0));
								DeleteChunkRequest request = DeleteChunkRequest.newBuilder()
									.setCopyset(chunk.getCopyset())
									.setChunkId(chunk.getChunkId())
									.setCapability(chunk.getCapability())
									.setSn(sequence)
									.setWriteId(WriteId.newBuilder()
										.setClient(this.clientId)
										.setRequest(requestNumber + i)
										.setAttempt(attempt.number()))
									.build();
								deletes[i] = refusedAsStale(deleteChunk(chunk.getCopyset(), attempt, request), session,
										sequence);
							}
							return CompletableFuture.allOf(deletes);
						});
					})
					.thenApply((ignored) -> null));
	}

	/**
	 * Flattens one range of whole pages of a linked clone's chunk: {@code RecoverChunk}
	 * copies the source's pages into those the clone never wrote. Idempotent, so retried
	 * like a write (timeouts too), each try with the volume's sequence number as the
	 * session has it then. Allocates the segment if it never was.
	 */
	CompletableFuture<Void> recover(long fileId, VolumeSession session, ChunkRange range, String what) {
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, range.segmentOffset(), true, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> session.writeSequence(attempt.rpcTimeoutNanos())
						.thenCompose((sequence) -> {
							ChunkLocation chunk = chunkOf(segment.orElseThrow(), range);
							RecoverChunkRequest request = RecoverChunkRequest.newBuilder()
								.setCopyset(chunk.getCopyset())
								.setChunkId(chunk.getChunkId())
								.setOffset(range.offsetInChunk())
								.setLength(range.length())
								.setSn(sequence)
								.setCapability(chunk.getCapability())
								.build();
							return refusedAsStale(this.<RecoverChunkResponse>leaderCall(chunk.getCopyset(), attempt,
									(stub, observer) -> stub.recoverChunk(request, observer)), session, sequence);
						}))
					.thenApply((ignored) -> null));
	}

	/** Tells the session when a chunkserver refused {@code sequence} as stale, so that it refreshes. */
	private static <T> CompletableFuture<T> refusedAsStale(CompletableFuture<T> call, VolumeSession session,
			long sequence) {
		return call.whenComplete((ignored, failure) -> {
			if (failure != null && GrpcErrors.fromStatus(failure).code() == ErrorCode.STALE_SEQUENCE) {
				session.refused(sequence);
			}
		});
	}

	private CompletableFuture<DeleteChunkResponse> deleteChunk(CopysetKey copyset, Attempt attempt,
			DeleteChunkRequest request) {
		return leaderCall(copyset, attempt, (stub, observer) -> stub.deleteChunk(request, observer));
	}

	/**
	 * The content sn of one chunk at the volume snapshot {@code snapshotSeq}
	 * ({@code GetChunkInfo} with {@code snapshot_sn}): 0 when its segment was never
	 * allocated or the chunk does not exist.
	 */
	CompletableFuture<Long> snapshotContentSn(long fileId, long snapshotSeq, ChunkRange range, String what) {
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, range.segmentOffset(), false, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> {
						if (segment.isEmpty()) {
							return CompletableFuture.completedFuture(0L);
						}
						ChunkLocation chunk = chunkOf(segment.get(), range);
						GetChunkInfoRequest request = GetChunkInfoRequest.newBuilder()
							.setCopyset(chunk.getCopyset())
							.setChunkId(chunk.getChunkId())
							.setSnapshotSn(snapshotSeq)
							.setCapability(chunk.getCapability())
							.build();
						return this.<GetChunkInfoResponse>leaderCall(chunk.getCopyset(), attempt,
								(stub, observer) -> stub.getChunkInfo(request, observer))
							.thenApply((info) -> info.getExists() ? info.getSnapshotContentSn() : 0L);
					}));
	}

	/**
	 * Reads one sub-request of a chunk as it was at the volume snapshot
	 * {@code snapshotSeq}.
	 * @return the answer, or empty when the segment was never allocated (zeros, content sn 0)
	 */
	CompletableFuture<Optional<ReadChunkSnapshotResponse>> readSnapshot(long fileId, long snapshotSeq,
			ChunkRange range, String what) {
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, range.segmentOffset(), false, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> {
						if (segment.isEmpty()) {
							return CompletableFuture.completedFuture(Optional.<ReadChunkSnapshotResponse>empty());
						}
						ChunkLocation chunk = chunkOf(segment.get(), range);
						ReadChunkSnapshotRequest request = ReadChunkSnapshotRequest.newBuilder()
							.setCopyset(chunk.getCopyset())
							.setChunkId(chunk.getChunkId())
							.setSn(snapshotSeq)
							.setOffset(range.offsetInChunk())
							.setLength(range.length())
							.setCapability(chunk.getCapability())
							.build();
						return this.<ReadChunkSnapshotResponse>leaderCall(chunk.getCopyset(), attempt,
								(stub, observer) -> stub.readChunkSnapshot(request, observer))
							.thenApply((answer) -> {
								if (answer.getData().size() != range.length()) {
									throw new CurveException(ErrorCode.INTERNAL, "chunkserver answered "
											+ answer.getData().size() + " bytes for a snapshot read of " + range.length());
								}
								return Optional.of(answer);
							});
					}));
	}

	/**
	 * Ends a volume snapshot's part in every chunk of the segment at
	 * {@code segmentOffset}: {@code DeleteChunkSnapshotOrCorrectSn(correctedSn)} on each
	 * (idempotent, so retried whole). Nothing to do in a segment never allocated.
	 */
	CompletableFuture<Void> deleteSnapshotCopies(long fileId, long segmentOffset, long correctedSn, String what) {
		return this.retry.call(what, true,
				(attempt) -> this.cache.segment(fileId, segmentOffset, false, attempt.rpcTimeoutNanos())
					.thenCompose((segment) -> {
						if (segment.isEmpty()) {
							return CompletableFuture.completedFuture(null);
						}
						CompletableFuture<?>[] deletes = segment.get().stream().map((chunk) -> {
							DeleteChunkSnapshotOrCorrectSnRequest request = DeleteChunkSnapshotOrCorrectSnRequest
								.newBuilder()
								.setCopyset(chunk.getCopyset())
								.setChunkId(chunk.getChunkId())
								.setCorrectedSn(correctedSn)
								.setCapability(chunk.getCapability())
								.build();
							return this.<DeleteChunkSnapshotOrCorrectSnResponse>leaderCall(chunk.getCopyset(), attempt,
									(stub, observer) -> stub.deleteChunkSnapshotOrCorrectSn(request, observer));
						}).toArray(CompletableFuture<?>[]::new);
						return CompletableFuture.allOf(deletes);
					})
					.thenApply((ignored) -> null));
	}

	/** One unbatched call to the copyset's leader; a failure corrects the metacache as a batched one does. */
	private <R> CompletableFuture<R> leaderCall(CopysetKey copyset, Attempt attempt,
			BiConsumer<ChunkServiceStub, StreamObserver<R>> call) {
		long timeout = attempt.rpcTimeoutNanos();
		return this.cache.leader(copyset, timeout)
			.thenCompose((leader) -> GrpcFutures.<R>unary(
					(observer) -> call.accept(stub(MetaCache.address(leader), timeout), observer))
				.whenComplete((value, failure) -> {
					if (failure != null) {
						this.cache.onChunkFailure(copyset, leader, GrpcErrors.fromStatus(failure));
					}
				}));
	}

	/** Sends one try to the copyset's leader, batched with others for it. */
	private <Q, R> CompletableFuture<R> send(CopysetKey copyset, Attempt attempt, CopysetBatcher<Q, R> batcher,
			Q request) {
		long timeout = attempt.rpcTimeoutNanos();
		return this.cache.leader(copyset, timeout)
			.thenCompose((leader) -> batcher.submit(MetaCache.address(leader), request, timeout)
				.whenComplete((value, failure) -> {
					if (failure != null) {
						this.cache.onChunkFailure(copyset, leader, GrpcErrors.fromStatus(failure));
					}
				}));
	}

	private CompletableFuture<List<Result<WriteChunkResult>>> writeChunks(String address,
			List<WriteChunkRequest> writes, long timeoutNanos) {
		WriteChunksRequest request = WriteChunksRequest.newBuilder().addAllWrites(writes).build();
		return GrpcFutures.<WriteChunksResponse>unary((observer) -> stub(address, timeoutNanos)
			.writeChunks(request, observer))
			.thenApply((response) -> response.getResultsList()
				.stream()
				.map((result) -> result.hasError() ? Result.<WriteChunkResult>failed(GrpcErrors.fromItemError(result.getError()))
						: Result.of(result))
				.toList());
	}

	private CompletableFuture<List<Result<ByteString>>> readChunks(String address, List<ReadChunkRequest> reads,
			long timeoutNanos) {
		ReadChunksRequest request = ReadChunksRequest.newBuilder().addAllReads(reads).build();
		return GrpcFutures.<ReadChunksResponse>unary((observer) -> stub(address, timeoutNanos)
			.readChunks(request, observer))
			.thenApply((response) -> response.getResultsList()
				.stream()
				.map((result) -> result.hasError() ? Result.<ByteString>failed(GrpcErrors.fromItemError(result.getError()))
						: Result.of(result.getData()))
				.toList());
	}

	private ChunkServiceStub stub(String address, long timeoutNanos) {
		return ChunkServiceGrpc.newStub(this.channels.channel(address))
			.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
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
