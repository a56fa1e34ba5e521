package io.curve4j.metaserver.compaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.metaserver.copyset.MetaCopyset;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.objectstore.filedata.FileBytes;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.CompactPiecesRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.MetaCommand;
import io.curve4j.proto.metaserver.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.Piece;

/**
 * Merges the pieces of chunks that have more than the threshold into one piece per
 * contiguous run of bytes, on a bounded pool fed by a queue of inodes (an inode queued or
 * being compacted is not queued again). One compaction of an inode:
 * <ol>
 * <li>a {@code reserve_compaction} entry counts it on the inode; the count is the version
 * of the objects it writes, so no two attempts ever write the same name;</li>
 * <li>the chunk's list as that entry left it is read into new block objects;</li>
 * <li>a {@code compact_pieces} entry swaps that list, if the chunk's list still starts
 * with it, for the merged pieces: pieces a client appended meanwhile stay after them. A
 * truncate or another compaction in between refuses the swap (PIECES_CHANGED) and the new
 * objects are deleted; a swap whose outcome is unknown leaves them to the sweep.</li>
 * </ol>
 * The replaced pieces retire; {@link DataCollector} deletes their objects after the grace period.
 */
public final class Compactor implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Compactor.class);

	private static final Duration PROPOSE_TIMEOUT = Duration.ofSeconds(30);

	/** Object store reads in flight for all compactions together. */
	static final int READS = 8;

	/** An inode of a partition of a copyset this metaserver hosts. */
	public record InodeRef(CopysetKey copyset, int partitionId, long inodeId) {
	}

	private final MetaCopysets copysets;

	private final SnapshotStore objects;

	private final String keyPrefix;

	private final boolean enabled;

	private final int piecesThreshold;

	private final ThreadPoolExecutor pool;

	/** Reads of the pieces a merged block is made of, in parallel: a block may gather dozens of small pieces. */
	private final ExecutorService reads;

	private final Set<InodeRef> queued = ConcurrentHashMap.newKeySet();

	/**
	 * Inodes an offer found no room for or already queued or running (a compaction running
	 * may not see the pieces appended meanwhile), or whose compaction failed: the
	 * collector's next round offers them again.
	 */
	private final Set<InodeRef> missed = ConcurrentHashMap.newKeySet();

	/** Chunk lists replaced by merged pieces, and attempts given up because the list changed meanwhile. */
	private final Counter swapped;

	private final Counter changed;

	/**
	 * @param enabled false: {@link #offer} queues nothing (an operator paused compaction)
	 */
	public Compactor(MetaCopysets copysets, SnapshotStore objects, String keyPrefix, boolean enabled,
			int piecesThreshold, int threads, int queue, MeterRegistry meters) {
		this.enabled = enabled;
		this.copysets = copysets;
		this.objects = objects;
		this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
		this.piecesThreshold = piecesThreshold;
		// registered up front so that rate() has a series before the first compaction
		this.swapped = meters.counter("curve4j.metaserver.compaction.chunks", "result", "swapped");
		this.changed = meters.counter("curve4j.metaserver.compaction.chunks", "result", "changed");
		AtomicInteger names = new AtomicInteger();
		ThreadFactory daemons = r -> {
			Thread thread = new Thread(r, "compactor-" + names.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
		this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
				daemons);
		this.reads = Executors.newFixedThreadPool(READS, daemons);
	}

	/**
	 * True when a chunk of the inode has more uploaded pieces than the threshold and
	 * merging would shorten its list.
	 */
	public boolean wants(Inode inode) {
		return inode.getType() == InodeType.FILE && inode.getNlink() > 0
				&& inode.getChunksMap().values().stream().anyMatch(c -> wants(uploaded(c.getPiecesList())));
	}

	/**
	 * The pieces before the first one still pending upload on a write-back client: only
	 * those have objects to read, and a compaction replaces a prefix of the list.
	 */
	static List<Piece> uploaded(List<Piece> pieces) {
		for (int i = 0; i < pieces.size(); i++) {
			if (pieces.get(i).getPendingMount() != 0) {
				return pieces.subList(0, i);
			}
		}
		return pieces;
	}

	private boolean wants(List<Piece> pieces) {
		return pieces.size() > this.piecesThreshold && runs(pieces).size() < pieces.size();
	}

	/**
	 * Queues the inode for compaction unless compaction is paused, it is queued or running
	 * already, or the queue is full (both kept for the next round, {@link #takeMissed}).
	 * @return whether it was queued by this call
	 */
	public boolean offer(InodeRef inode) {
		if (!this.enabled) {
			return false;
		}
		if (!this.queued.add(inode)) {
			this.missed.add(inode);
			return false;
		}
		try {
			this.pool.execute(() -> {
				try {
					compact(inode, () -> {
					});
				}
				catch (RuntimeException ex) {
					log.warn("compaction of inode {} (partition {}) failed, offered again next round: {}", inode.inodeId(),
							inode.partitionId(), ex.toString());
					this.missed.add(inode);
				}
				finally {
					this.queued.remove(inode);
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.queued.remove(inode);
			this.missed.add(inode);
			return false;
		}
	}

	/** The inodes missed since the last call (queue full, compaction failed), forgotten here. */
	public List<InodeRef> takeMissed() {
		List<InodeRef> taken = new ArrayList<>(this.missed);
		this.missed.removeAll(taken);
		return taken;
	}

	/** Inodes queued or being compacted. */
	public int queued() {
		return this.queued.size();
	}

	/**
	 * Compacts the inode's chunks past the threshold, on this thread, if this metaserver
	 * leads its copyset.
	 * @param beforeSwap runs once the merged objects are written, before the swap is proposed
	 * @return the chunks whose lists were swapped
	 */
	public int compact(InodeRef ref, Runnable beforeSwap) {
		MetaCopyset copyset = this.copysets.get(ref.copyset());
		PartitionRecord partition = copyset.store().partition(ref.partitionId()).orElse(null);
		Inode inode = copyset.store().inode(ref.partitionId(), ref.inodeId()).orElse(null);
		if (!copyset.isLeader() || partition == null || partition.getBlockSize() == 0 || inode == null || !wants(inode)) {
			return 0;
		}
		PartitionRef partitionRef = PartitionRef.newBuilder()
			.setCopyset(ref.copyset())
			.setPartitionId(ref.partitionId())
			.build();
		Inode reserved = (Inode) propose(copyset, MetaCommand.newBuilder()
			.setReserveCompaction(GetInodeRequest.newBuilder().setPartition(partitionRef).setInodeId(ref.inodeId())));
		BlockNames names = new BlockNames(this.keyPrefix, partition.getBlockSize());
		FileBytes bytes = new FileBytes(names, partition.getChunkSize());
		int swapped = 0;
		for (Map.Entry<Long, ChunkPieces> chunk : reserved.getChunksMap().entrySet()) {
			List<Piece> pieces = uploaded(chunk.getValue().getPiecesList());
			if (!wants(pieces)) {
				continue;
			}
			List<Piece> merged = merge(reserved, chunk.getKey(), pieces, names, bytes);
			beforeSwap.run();
			if (swap(copyset, partitionRef, reserved, chunk.getKey(), pieces, merged, names)) {
				swapped++;
			}
		}
		return swapped;
	}

	/** Writes the chunk's bytes as one piece per contiguous run. */
	private List<Piece> merge(Inode inode, long chunk, List<Piece> pieces, BlockNames names, FileBytes bytes) {
		List<long[]> runs = runs(pieces);
		// the list alone, as it stood, with every byte of it in range
		Inode list = inode.toBuilder()
			.clearChunks()
			.putChunks(chunk, ChunkPieces.newBuilder().addAllPieces(pieces).build())
			.setLength(Long.MAX_VALUE)
			.build();
		FileBytes.Blocks store = FileBytes.Blocks.of(this.objects);
		List<Piece> merged = new ArrayList<>();
		for (long[] run : runs) {
			// a chunk id of a piece inside the run: distinct for every run of this compaction
			long chunkId = pieces.stream()
				.filter(p -> p.getOffset() >= run[0] && p.getOffset() + p.getLength() <= run[1])
				.findFirst()
				.orElseThrow()
				.getChunkId();
			Piece piece = Piece.newBuilder()
				.setChunkId(chunkId)
				.setOffset(run[0])
				.setLength(run[1] - run[0])
				.setVersion(inode.getCompactions())
				.build();
			for (long b = 0; b < names.blockCount(piece.getLength()); b++) {
				long from = run[0] + b * names.blockSize();
				byte[] block = new byte[(int) Math.min(names.blockSize(), run[1] - from)];
				bytes.readOnce(list, from, block, store, this.reads);
				this.objects.put(names.key(inode.getFsId(), inode.getInodeId(), chunkId, b, piece.getVersion()), block);
			}
			merged.add(piece);
		}
		return merged;
	}

	private boolean swap(MetaCopyset copyset, PartitionRef partition, Inode inode, long chunk, List<Piece> pieces,
			List<Piece> merged, BlockNames names) {
		try {
			propose(copyset, MetaCommand.newBuilder()
				.setCompactPieces(CompactPiecesRequest.newBuilder()
					.setPartition(partition)
					.setInodeId(inode.getInodeId())
					.setChunkIndex(chunk)
					.setReplaced(ChunkPieces.newBuilder().addAllPieces(pieces))
					.setMerged(ChunkPieces.newBuilder().addAllPieces(merged))));
			this.swapped.increment();
			log.info("compacted chunk {} of inode {}: {} pieces into {}", chunk, inode.getInodeId(), pieces.size(),
					merged.size());
			return true;
		}
		catch (CurveException ex) {
			if (ex.code() != ErrorCode.PIECES_CHANGED) {
				throw ex;
			}
			// refused, so nothing references them: gone now rather than at the sweep
			List<String> keys = new ArrayList<>();
			merged.forEach(p -> keys.addAll(names.keys(inode.getFsId(), inode.getInodeId(), p, 0)));
			this.objects.delete(keys);
			this.changed.increment();
			log.info("chunk {} of inode {} changed during its compaction: merged objects deleted", chunk,
					inode.getInodeId());
			return false;
		}
	}

	/** The contiguous byte ranges [start, end) the pieces cover, in offset order. */
	static List<long[]> runs(List<Piece> pieces) {
		List<Piece> byOffset = pieces.stream().sorted(Comparator.comparingLong(Piece::getOffset)).toList();
		List<long[]> runs = new ArrayList<>();
		for (Piece p : byOffset) {
			long end = p.getOffset() + p.getLength();
			long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
			if (last != null && p.getOffset() <= last[1]) {
				last[1] = Math.max(last[1], end);
			}
			else if (p.getLength() > 0) {
				runs.add(new long[] { p.getOffset(), end });
			}
		}
		return runs;
	}

	/** Proposes on the copyset with the leader's clock and waits for the result. */
	static Object propose(MetaCopyset copyset, MetaCommand.Builder command) {
		return copyset.proposeAndWait(command.setTimeMs(System.currentTimeMillis()).build(), PROPOSE_TIMEOUT);
	}

	@Override
	public void close() {
		this.pool.shutdownNow();
		this.reads.shutdownNow();
		try {
			// a compaction in flight ends before the copysets it uses close
			this.pool.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
