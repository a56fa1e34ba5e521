package io.curve4j.chunk.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.grpc.server.service.GrpcService;

import com.google.protobuf.UnsafeByteOperations;

import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.chunk.copyset.CopysetId;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.chunk.v1.DeleteChunkRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkResponse;
import io.curve4j.proto.chunk.v1.GetChunkInfoRequest;
import io.curve4j.proto.chunk.v1.GetChunkInfoResponse;
import io.curve4j.proto.chunk.v1.ReadChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunkResponse;
import io.curve4j.proto.chunk.v1.WriteChunkRequest;
import io.curve4j.proto.chunk.v1.WriteChunkResponse;
import io.curve4j.proto.chunk.v1.WriteChunkResult;
import io.curve4j.proto.chunk.v1.WriteChunksRequest;
import io.curve4j.proto.chunk.v1.WriteChunksResponse;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.raft.v1.WriteChunkCommand;

/**
 * The client data path. Every call is answered asynchronously: writes and deletes when
 * their log entry is applied on this (leader) replica, reads after the leader confirmed
 * its lease or read index. Failures are gRPC statuses with the {@code curve-error} trailer
 * (and {@code curve-leader} on a follower), through {@link GrpcErrors#toStatus}.
 */
@GrpcService
class ChunkGrpcService extends ChunkServiceGrpc.ChunkServiceImplBase {

	private final CopysetRegistry copysets;

	private final MeterRegistry meters;

	private final Counter bytesWritten;

	private final Counter bytesRead;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	ChunkGrpcService(CopysetRegistry copysets, MeterRegistry meters) {
		this.copysets = copysets;
		this.meters = meters;
		this.bytesWritten = bytesCounter("write");
		this.bytesRead = bytesCounter("read");
	}

	private Counter bytesCounter(String op) {
		return Counter.builder("curve.chunk.bytes")
			.description("Chunk payload bytes written or read")
			.baseUnit("bytes")
			.tag("op", op)
			.register(this.meters);
	}

	@Override
	public void writeChunk(WriteChunkRequest request, StreamObserver<WriteChunkResponse> responses) {
		call("write", responses, () -> copyset(request.getCopyset()).write(List.of(command(request)))
			.thenApply(index -> {
				this.bytesWritten.increment(request.getData().size());
				return WriteChunkResponse.newBuilder().setAppliedIndex(index).build();
			}));
	}

	/**
	 * One log entry per copyset, so a batch costs the Raft work of a write per copyset;
	 * a write that is out of range, or whose copyset fails, fails alone in its result.
	 */
	@Override
	public void writeChunks(WriteChunksRequest request, StreamObserver<WriteChunksResponse> responses) {
		call("writes", responses, () -> {
			List<WriteChunkRequest> writes = request.getWritesList();
			WriteChunkResult[] results = new WriteChunkResult[writes.size()];
			Map<CopysetKey, List<Integer>> byCopyset = new LinkedHashMap<>();
			for (int i = 0; i < writes.size(); i++) {
				byCopyset.computeIfAbsent(writes.get(i).getCopyset(), key -> new ArrayList<>()).add(i);
			}
			List<CompletableFuture<Void>> entries = new ArrayList<>(byCopyset.size());
			byCopyset.forEach((key, items) -> entries.add(writeEntry(key, items, writes, results)));
			return CompletableFuture.allOf(entries.toArray(CompletableFuture[]::new))
				.thenApply(done -> WriteChunksResponse.newBuilder().addAllResults(Arrays.asList(results)).build());
		});
	}

	/** Proposes the valid writes of one copyset as one entry and fills in the results of all. */
	private CompletableFuture<Void> writeEntry(CopysetKey key, List<Integer> items, List<WriteChunkRequest> writes,
			WriteChunkResult[] results) {
		List<Integer> proposed = new ArrayList<>(items.size());
		List<WriteChunkCommand> commands = new ArrayList<>(items.size());
		Copyset copyset;
		try {
			copyset = copyset(key);
		}
		catch (RuntimeException ex) {
			items.forEach(i -> results[i] = failed(ex));
			return CompletableFuture.completedFuture(null);
		}
		for (int i : items) {
			WriteChunkCommand command = command(writes.get(i));
			try {
				copyset.checkWrite(command);
				proposed.add(i);
				commands.add(command);
			}
			catch (RuntimeException ex) {
				results[i] = failed(ex);
			}
		}
		if (commands.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		return copyset.write(commands).handle((index, failure) -> {
			for (int i : proposed) {
				if (failure == null) {
					this.bytesWritten.increment(writes.get(i).getData().size());
					results[i] = WriteChunkResult.newBuilder().setAppliedIndex(index).build();
				}
				else {
					results[i] = failed(failure);
				}
			}
			return null;
		});
	}

	private static WriteChunkResult failed(Throwable failure) {
		return WriteChunkResult.newBuilder().setError(GrpcErrors.toItemError(failure)).build();
	}

	/** The log form of a client write: the same fields but the copyset, which the log's group names. */
	private static WriteChunkCommand command(WriteChunkRequest request) {
		return WriteChunkCommand.newBuilder()
			.setChunkId(request.getChunkId())
			.setSn(request.getSn())
			.setOffset(request.getOffset())
			.setData(request.getData())
			.setWriteId(request.getWriteId())
			.build();
	}

	@Override
	public void readChunk(ReadChunkRequest request, StreamObserver<ReadChunkResponse> responses) {
		call("read", responses, () -> copyset(request.getCopyset())
			.read(request.getChunkId(), Integer.toUnsignedLong(request.getOffset()), length(request.getLength()))
			.thenApply(data -> {
				this.bytesRead.increment(data.remaining());
				// The buffer is ours alone and never touched again: hand it over without a copy.
				return ReadChunkResponse.newBuilder().setData(UnsafeByteOperations.unsafeWrap(data)).build();
			}));
	}

	@Override
	public void deleteChunk(DeleteChunkRequest request, StreamObserver<DeleteChunkResponse> responses) {
		call("delete", responses, () -> copyset(request.getCopyset()).delete(request.getChunkId())
			.thenApply(done -> DeleteChunkResponse.getDefaultInstance()));
	}

	@Override
	public void getChunkInfo(GetChunkInfoRequest request, StreamObserver<GetChunkInfoResponse> responses) {
		call("info", responses, () -> copyset(request.getCopyset()).info(request.getChunkId())
			.thenApply(header -> header
				.map(h -> GetChunkInfoResponse.newBuilder()
					.setExists(true)
					.setSn(h.sn())
					.setCorrectedSn(h.correctedSn())
					.setChunkSize(h.chunkSize())
					.build())
				.orElseGet(GetChunkInfoResponse::getDefaultInstance)));
	}

	private Copyset copyset(CopysetKey key) {
		return this.copysets.get(CopysetId.of(key));
	}

	/** A uint32 length past what one buffer holds can only be out of range. */
	private static int length(int uint32) {
		if (uint32 < 0) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE,
					"length " + Integer.toUnsignedString(uint32) + " exceeds a chunk");
		}
		return uint32;
	}

	/** Runs one call, times it per operation and outcome, and answers it once. */
	private <T> void call(String op, StreamObserver<T> responses, Supplier<CompletableFuture<T>> action) {
		Timer.Sample sample = Timer.start(this.meters);
		CompletableFuture<T> future;
		try {
			future = action.get();
		}
		catch (RuntimeException ex) {
			future = CompletableFuture.failedFuture(ex);
		}
		future.whenComplete((response, failure) -> {
			sample.stop(timer(op, failure == null ? "ok" : outcome(failure)));
			if (failure == null) {
				responses.onNext(response);
				responses.onCompleted();
			}
			else {
				responses.onError(GrpcErrors.toStatus(failure));
			}
		});
	}

	/** Looked up once per operation and outcome: building the meter id on every call cost CPU on the hot path. */
	private Timer timer(String op, String outcome) {
		return this.timers.computeIfAbsent(op + ' ' + outcome, key -> Timer.builder("curve.chunk.requests")
			.description("Chunk requests by operation and outcome")
			.tag("op", op)
			.tag("outcome", outcome)
			.publishPercentileHistogram()
			.register(this.meters));
	}

	/** The error code the caller sees, as a low-cardinality tag. */
	private static String outcome(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		ErrorCode code = cause instanceof CurveException ce ? ce.code() : ErrorCode.INTERNAL;
		return code.name().toLowerCase(Locale.ROOT);
	}

}
