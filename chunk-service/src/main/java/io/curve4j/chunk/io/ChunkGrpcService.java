package io.curve4j.chunk.io;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.grpc.server.service.GrpcService;

import com.google.protobuf.UnsafeByteOperations;

import io.curve4j.chunk.chunkfile.CheckedRead;
import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.chunk.copyset.ChunkRead;
import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.chunk.copyset.CopysetId;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.chunk.copyset.WriteResult;
import io.curve4j.chunk.repair.PageRepair;
import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.chunk.v1.DeleteChunkRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkResponse;
import io.curve4j.proto.chunk.v1.DeleteChunkSnapshotOrCorrectSnRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkSnapshotOrCorrectSnResponse;
import io.curve4j.proto.chunk.v1.GetChunkInfoRequest;
import io.curve4j.proto.chunk.v1.GetChunkInfoResponse;
import io.curve4j.proto.chunk.v1.ReadChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunkResponse;
import io.curve4j.proto.chunk.v1.ReadChunkSnapshotRequest;
import io.curve4j.proto.chunk.v1.ReadChunkSnapshotResponse;
import io.curve4j.proto.chunk.v1.ReadChunksRequest;
import io.curve4j.proto.chunk.v1.ReadChunksResponse;
import io.curve4j.proto.chunk.v1.WriteChunkRequest;
import io.curve4j.proto.chunk.v1.WriteChunkResponse;
import io.curve4j.proto.chunk.v1.WriteChunksRequest;
import io.curve4j.proto.chunk.v1.WriteChunksResponse;
import io.curve4j.proto.chunk.v1.RecoverChunkRequest;
import io.curve4j.proto.chunk.v1.RecoverChunkResponse;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.raft.v1.PageFill;
import io.curve4j.proto.raft.v1.WriteChunkCommand;

/**
 * The client data path. Every call is answered asynchronously: writes and deletes when
 * their log entry is applied on this (leader) replica, reads after the leader confirmed
 * its lease or read index. Failures are answered as they are, for the service's
 * {@link io.curve4j.common.grpc.CurveGrpcExceptionHandler} to turn into statuses; request
 * timings are Spring gRPC's observations ({@code grpc.server}).
 */
@GrpcService
class ChunkGrpcService extends ChunkServiceGrpc.ChunkServiceImplBase {

	private final CopysetRegistry copysets;

	private final ChunkAccess access;

	private final PageRepair pageRepair;

	private final InFlightBytes inFlight;

	private final CloneSources sources;

	private static final int PAGE = Sizes.PAGE_SIZE;

	/** Items in one batched call (the SDK sends at most 256). */
	static final int MAX_BATCH_ITEMS = 1024;

	/** Bytes one batched read answers with (the SDK asks for at most 1 MiB, or one request of 16 MiB). */
	static final long MAX_BATCH_READ_BYTES = 32L << 20;

	private final Counter bytesWritten;

	private final Counter bytesRead;

	ChunkGrpcService(CopysetRegistry copysets, ChunkAccess access, PageRepair pageRepair, CloneSources sources,
			ChunkServerProperties properties, MeterRegistry meters) {
		this.copysets = copysets;
		this.sources = sources;
		this.pageRepair = pageRepair;
		this.access = access;
		this.inFlight = new InFlightBytes(properties.getMaxBytesInFlight().toBytes());
		this.bytesWritten = bytesCounter(meters, "write");
		this.bytesRead = bytesCounter(meters, "read");
	}

	private static Counter bytesCounter(MeterRegistry meters, String op) {
		return Counter.builder("curve4j.chunk.bytes")
			.description("Chunk payload bytes written or read")
			.baseUnit("bytes")
			.tag("op", op)
			.register(meters);
	}

	@Override
	public void writeChunk(WriteChunkRequest request, StreamObserver<WriteChunkResponse> responses) {
		GrpcAnswers.async(responses, () -> this.inFlight.admit(request.getData().size(), () -> {
			Copyset copyset = copyset(request.getCopyset());
			return checked(copyset, request).thenCompose(command -> copyset.write(List.of(command))).thenApply(results -> {
				WriteResult result = results.get(0);
				if (result.refusal() != null) {
					throw result.refusal();
				}
				this.bytesWritten.increment(request.getData().size());
				return WriteChunkResponse.newBuilder().setAppliedIndex(result.index()).build();
			});
		}));
	}

	/**
	 * One log entry per copyset, so a batch costs the Raft work of a write per copyset;
	 * a write that is out of range, that its chunk refuses, or whose copyset fails, fails
	 * alone in its result.
	 */
	@Override
	public void writeChunks(WriteChunksRequest request, StreamObserver<WriteChunksResponse> responses) {
		GrpcAnswers.async(responses, () -> this.inFlight.admit(batchBytes(request.getWritesList(),
				write -> (long) write.getData().size()), () -> perCopyset(request.getWritesList(), WriteChunkRequest::getCopyset,
				this::checked, ChunkGrpcService::writeFilled)
			.thenApply(outcomes -> {
				WriteChunksResponse.Builder response = WriteChunksResponse.newBuilder();
				for (int i = 0; i < outcomes.size(); i++) {
					Outcome<WriteResult> outcome = outcomes.get(i);
					Throwable failure = outcome.failure() != null ? outcome.failure() : outcome.value().refusal();
					if (failure == null) {
						this.bytesWritten.increment(request.getWrites(i).getData().size());
						response.addResultsBuilder().setAppliedIndex(outcome.value().index());
					}
					else {
						response.addResultsBuilder().setError(GrpcErrors.toItemError(failure));
					}
				}
				return response.build();
			})));
	}

	/** One lease (or read-index) check per copyset; a read that fails, fails alone in its result. */
	@Override
	public void readChunks(ReadChunksRequest request, StreamObserver<ReadChunksResponse> responses) {
		GrpcAnswers.async(responses, () -> this.inFlight.admit(readBytes(request.getReadsList()),
				() -> perCopyset(request.getReadsList(), ReadChunkRequest::getCopyset,
				this::checked, this::read)
			.thenApply(outcomes -> {
				ReadChunksResponse.Builder response = ReadChunksResponse.newBuilder();
				for (Outcome<ByteBuffer> outcome : outcomes) {
					if (outcome.failure() == null) {
						this.bytesRead.increment(outcome.value().remaining());
						// The buffer is ours alone and never touched again: hand it over without a copy.
						response.addResultsBuilder().setData(UnsafeByteOperations.unsafeWrap(outcome.value()));
					}
					else {
						response.addResultsBuilder().setError(GrpcErrors.toItemError(outcome.failure()));
					}
				}
				return response.build();
			})));
	}

	/**
	 * Serves a batch copyset by copyset: the items of a copyset that {@code prepare}
	 * accepts go to {@code serve} together, which answers one value per item; an item that
	 * {@code prepare} rejects, or whose copyset is missing or fails, fails alone.
	 * @return one outcome per item, in the order of {@code items}
	 */
	private <I, P, V> CompletableFuture<List<Outcome<V>>> perCopyset(List<I> items, Function<I, CopysetKey> key,
			BiFunction<Copyset, I, P> prepare, BiFunction<Copyset, List<P>, CompletableFuture<List<V>>> serve) {
		List<Outcome<V>> outcomes = new ArrayList<>(Collections.nCopies(items.size(), null));
		Map<CopysetKey, List<Integer>> byCopyset = new LinkedHashMap<>();
		for (int i = 0; i < items.size(); i++) {
			byCopyset.computeIfAbsent(key.apply(items.get(i)), k -> new ArrayList<>()).add(i);
		}
		List<CompletableFuture<Void>> served = new ArrayList<>(byCopyset.size());
		byCopyset.forEach((copysetKey, indexes) -> {
			List<Integer> accepted = new ArrayList<>(indexes.size());
			List<P> prepared = new ArrayList<>(indexes.size());
			try {
				Copyset copyset = copyset(copysetKey);
				for (int i : indexes) {
					try {
						prepared.add(prepare.apply(copyset, items.get(i)));
						accepted.add(i);
					}
					catch (RuntimeException ex) {
						outcomes.set(i, new Outcome<>(null, ex));
					}
				}
				if (!prepared.isEmpty()) {
					served.add(serve.apply(copyset, prepared).handle((values, failure) -> {
						for (int k = 0; k < accepted.size(); k++) {
							outcomes.set(accepted.get(k),
									failure == null ? new Outcome<>(values.get(k), null) : new Outcome<>(null, failure));
						}
						return null;
					}));
				}
			}
			catch (RuntimeException ex) {
				indexes.forEach(i -> outcomes.set(i, new Outcome<>(null, ex)));
			}
		});
		return CompletableFuture.allOf(served.toArray(CompletableFuture[]::new)).thenApply(done -> outcomes);
	}

	/** The bytes a batch moves, once its size is within bounds. */
	private static <I> long batchBytes(List<I> items, ToLongFunction<I> bytes) {
		if (items.size() > MAX_BATCH_ITEMS) {
			throw new CurveException(ErrorCode.BATCH_TOO_LARGE,
					"a batch holds at most " + MAX_BATCH_ITEMS + " items, not " + items.size());
		}
		return items.stream().mapToLong(bytes).sum();
	}

	/** The bytes a batch of reads answers with: bounded like a batch of writes is by the message size. */
	private static long readBytes(List<ReadChunkRequest> reads) {
		long total = batchBytes(reads, read -> Integer.toUnsignedLong(read.getLength()));
		if (total > MAX_BATCH_READ_BYTES) {
			throw new CurveException(ErrorCode.BATCH_TOO_LARGE, "a batch reads at most "
					+ Sizes.format(MAX_BATCH_READ_BYTES) + ", not " + Sizes.format(total));
		}
		return total;
	}

	/** What one item of a batch came to: a value, or the failure it gets alone. */
	private record Outcome<V>(V value, Throwable failure) {
	}

	/** The writes of one copyset in one entry, once the source content of every clone's write is in. */
	private static CompletableFuture<List<WriteResult>> writeFilled(Copyset copyset,
			List<CompletableFuture<WriteChunkCommand>> commands) {
		return CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new))
			.thenCompose(all -> copyset.write(commands.stream().map(CompletableFuture::join).toList()));
	}

	/**
	 * The log form of a client write (the same fields but the copyset, which the log's
	 * group names), once it fits the copyset's chunks; for a linked clone's chunk, with
	 * the source content of the pages it covers only in part that are unwritten on this
	 * leader (read from the object store first).
	 */
	private CompletableFuture<WriteChunkCommand> checked(Copyset copyset, WriteChunkRequest request) {
		this.access.check(request.getCapability(), request.getChunkId(), ChunkCapabilities.WRITE);
		WriteChunkCommand command = WriteChunkCommand.newBuilder()
			.setChunkId(request.getChunkId())
			.setSn(request.getSn())
			.setOffset(request.getOffset())
			.setData(request.getData())
			.setWriteId(request.getWriteId())
			.setClone(request.getCapability().hasCloneSource())
			.build();
		copyset.checkWrite(command);
		if (!command.getClone()) {
			return CompletableFuture.completedFuture(command);
		}
		long offset = Integer.toUnsignedLong(command.getOffset());
		long end = offset + command.getData().size();
		int first = (int) (offset / PAGE);
		int last = (int) ((end - 1) / PAGE);
		BitSet unwritten = copyset.unwritten(command.getChunkId(), offset, command.getData().size());
		List<CompletableFuture<PageFill>> fills = new ArrayList<>(2);
		for (int page : first == last ? new int[] { first } : new int[] { first, last }) {
			boolean partial = offset > (long) page * PAGE || end < (long) (page + 1) * PAGE;
			if (partial && unwritten.get(page)) {
				fills.add(this.sources
					.read(request.getCapability(), command.getChunkId(), copyset.chunkSize(), (long) page * PAGE, PAGE)
					.thenApply(data -> PageFill.newBuilder()
						.setPage(page)
						.setData(UnsafeByteOperations.unsafeWrap(data))
						.build()));
			}
		}
		return CompletableFuture.allOf(fills.toArray(CompletableFuture[]::new))
			.thenApply(all -> command.toBuilder().addAllFills(fills.stream().map(CompletableFuture::join).toList()).build());
	}

	@Override
	public void readChunk(ReadChunkRequest request, StreamObserver<ReadChunkResponse> responses) {
		GrpcAnswers.async(responses, () -> this.inFlight.admit(Integer.toUnsignedLong(request.getLength()), () -> {
			Copyset copyset = copyset(request.getCopyset());
			return read(copyset, List.of(checked(copyset, request))).thenApply(buffers -> {
				ByteBuffer data = buffers.get(0);
				this.bytesRead.increment(data.remaining());
				// The buffer is ours alone and never touched again: hand it over without a copy.
				return ReadChunkResponse.newBuilder().setData(UnsafeByteOperations.unsafeWrap(data)).build();
			});
		}));
	}

	@Override
	public void deleteChunk(DeleteChunkRequest request, StreamObserver<DeleteChunkResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			this.access.check(request.getCapability(), request.getChunkId(), ChunkCapabilities.DELETE);
			return copyset(request.getCopyset())
				.delete(request.getChunkId(), request.getSn(), request.getWriteId(),
						request.getCapability().hasCloneSource())
				.thenApply(done -> DeleteChunkResponse.getDefaultInstance());
		});
	}

	/**
	 * Copies the source's content of a page-aligned range into the pages a linked clone's
	 * chunk never wrote, through the log; the leader reads the source. A range with no
	 * unwritten page, or wholly unwritten with a source of zeros (the chunk reads zeros
	 * either way, linked or not), needs no entry.
	 */
	@Override
	public void recoverChunk(RecoverChunkRequest request, StreamObserver<RecoverChunkResponse> responses) {
		GrpcAnswers.async(responses, () -> this.inFlight.admit(Integer.toUnsignedLong(request.getLength()), () -> {
			ChunkCapability capability = request.getCapability();
			this.access.check(capability, request.getChunkId(), ChunkCapabilities.WRITE);
			if (!capability.hasCloneSource()) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "RecoverChunk of chunk "
						+ Long.toUnsignedString(request.getChunkId())
						+ " needs a capability with a clone source: only a linked clone's chunks are recovered");
			}
			Copyset copyset = copyset(request.getCopyset());
			long offset = Integer.toUnsignedLong(request.getOffset());
			int length = length(request.getLength());
			copyset.checkRead(new ChunkRead(request.getChunkId(), offset, length));
			if (offset % PAGE != 0 || length % PAGE != 0) {
				throw new CurveException(ErrorCode.IO_NOT_ALIGNED, "a recover covers whole pages of " + PAGE
						+ " bytes: offset " + offset + " and length " + length + " must be multiples of it");
			}
			BitSet unwritten = copyset.unwritten(request.getChunkId(), offset, length);
			if (unwritten.isEmpty()) {
				return CompletableFuture.completedFuture(RecoverChunkResponse.getDefaultInstance());
			}
			return this.sources.read(capability, request.getChunkId(), copyset.chunkSize(), offset, length)
				.thenCompose(source -> {
					if (unwritten.cardinality() == length / PAGE && isZeros(source)) {
						return CompletableFuture.completedFuture(null);
					}
					return copyset.recover(request.getChunkId(), request.getSn(), offset,
							UnsafeByteOperations.unsafeWrap(source));
				})
				.thenApply(done -> RecoverChunkResponse.getDefaultInstance());
		}));
	}

	private static boolean isZeros(ByteBuffer data) {
		for (int i = data.position(); i < data.limit(); i++) {
			if (data.get(i) != 0) {
				return false;
			}
		}
		return true;
	}

	@Override
	public void getChunkInfo(GetChunkInfoRequest request, StreamObserver<GetChunkInfoResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			this.access.check(request.getCapability(), request.getChunkId(), ChunkCapabilities.READ);
			return copyset(request.getCopyset()).info(request.getChunkId(), request.getSnapshotSn())
				.thenApply(info -> info.header()
					.map(h -> GetChunkInfoResponse.newBuilder()
						.setExists(true)
						.setSn(h.sn())
						.setCorrectedSn(h.correctedSn())
						.setChunkSize(h.chunkSize())
						.setSnapshotContentSn(info.snapshotContentSn())
						.build())
					.orElseGet(GetChunkInfoResponse::getDefaultInstance));
		});
	}

	/**
	 * The chunk as it was at a volume snapshot, read on the leader like a read. A page
	 * that does not check out fails the read ({@code CHUNK_CORRUPT}): the chunk's own page
	 * may have changed since the snapshot, so another replica's copy of it is no repair.
	 */
	@Override
	public void readChunkSnapshot(ReadChunkSnapshotRequest request,
			StreamObserver<ReadChunkSnapshotResponse> responses) {
		GrpcAnswers.async(responses, () -> this.inFlight.admit(Integer.toUnsignedLong(request.getLength()), () -> {
			this.access.check(request.getCapability(), request.getChunkId(), ChunkCapabilities.READ);
			long snapshotSn = snapshotSn(request.getSn(), "sn");
			Copyset copyset = copyset(request.getCopyset());
			ChunkRead read = new ChunkRead(request.getChunkId(), Integer.toUnsignedLong(request.getOffset()),
					length(request.getLength()));
			copyset.checkRead(read);
			return copyset.readSnapshot(snapshotSn, read).thenApply(found -> {
				if (!found.read().clean()) {
					throw new CurveException(ErrorCode.CHUNK_CORRUPT, "chunk " + Long.toUnsignedString(read.chunkId())
							+ " at snapshot " + snapshotSn + ": pages " + found.read().badPages()
							+ " do not match their checksums");
				}
				ByteBuffer data = found.read().data();
				this.bytesRead.increment(data.remaining());
				return ReadChunkSnapshotResponse.newBuilder()
					.setData(UnsafeByteOperations.unsafeWrap(data))
					.setContentSn(found.contentSn())
					.build();
			});
		}));
	}

	@Override
	public void deleteChunkSnapshotOrCorrectSn(DeleteChunkSnapshotOrCorrectSnRequest request,
			StreamObserver<DeleteChunkSnapshotOrCorrectSnResponse> responses) {
		GrpcAnswers.async(responses, () -> {
			this.access.check(request.getCapability(), request.getChunkId(), ChunkCapabilities.WRITE);
			long correctedSn = snapshotSn(request.getCorrectedSn(), "corrected_sn");
			return copyset(request.getCopyset()).deleteSnapshotOrCorrectSn(request.getChunkId(), correctedSn)
				.thenApply(done -> DeleteChunkSnapshotOrCorrectSnResponse.getDefaultInstance());
		});
	}

	/** A sequence number a snapshot call names: volumes number from 1. */
	private static long snapshotSn(long sn, String field) {
		if (sn <= 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					field + " must be a volume sequence number (1 or more), not " + Long.toUnsignedString(sn));
		}
		return sn;
	}

	/**
	 * The leader's bytes, bad pages replaced by another replica's copy; for a linked
	 * clone's chunk, the pages it never wrote from the source (one ranged GET per read,
	 * from its first such page to its last).
	 */
	private CompletableFuture<List<ByteBuffer>> read(Copyset copyset, List<ReadItem> items) {
		return copyset.read(items.stream().map(ReadItem::read).toList()).thenCompose(checked -> {
			List<CompletableFuture<Void>> fills = new ArrayList<>();
			for (int i = 0; i < items.size(); i++) {
				ChunkCapability capability = items.get(i).capability();
				CheckedRead read = checked.get(i);
				if (capability.hasCloneSource() && !read.unwritten().isEmpty()) {
					read.ignoreUnwrittenBadPages();
					fills.add(fromSource(copyset, capability, read));
				}
			}
			return CompletableFuture.allOf(fills.toArray(CompletableFuture[]::new))
				.thenCompose(filled -> this.pageRepair.serve(copyset, checked));
		});
	}

	/** Puts the source's content of the read's unwritten pages into its data. */
	private CompletableFuture<Void> fromSource(Copyset copyset, ChunkCapability capability, CheckedRead read) {
		BitSet unwritten = read.unwritten();
		int first = unwritten.nextSetBit(0);
		int end = unwritten.length();
		return this.sources
			.read(capability, read.chunkId(), copyset.chunkSize(), (long) first * PAGE, (end - first) * PAGE)
			.thenAccept(source -> {
				for (int page = first; page >= 0; page = unwritten.nextSetBit(page + 1)) {
					read.patch(page, source.slice((page - first) * PAGE, PAGE));
				}
			});
	}

	/** One read of a call with the capability it came with. */
	private record ReadItem(ChunkRead read, ChunkCapability capability) {
	}

	private Copyset copyset(CopysetKey key) {
		return this.copysets.get(CopysetId.of(key));
	}

	/** The range a read asks for, once it fits the copyset's chunks. */
	private ReadItem checked(Copyset copyset, ReadChunkRequest request) {
		this.access.check(request.getCapability(), request.getChunkId(), ChunkCapabilities.READ);
		ChunkRead read = new ChunkRead(request.getChunkId(), Integer.toUnsignedLong(request.getOffset()),
				length(request.getLength()));
		copyset.checkRead(read);
		return new ReadItem(read, request.getCapability());
	}

	/** A uint32 length past what one buffer holds can only be out of range. */
	private static int length(int uint32) {
		if (uint32 < 0) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE,
					"length " + Integer.toUnsignedString(uint32) + " exceeds a chunk");
		}
		return uint32;
	}

}
