package io.curve4j.chunk.repair;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import io.curve4j.chunk.chunkfile.CheckedRead;
import io.curve4j.chunk.chunkfile.PageChecksums;
import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.chunk.copyset.ChunkRead;
import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.chunk.v1.ReadPagesRequest;
import io.curve4j.proto.chunk.v1.ReadPagesResponse;
import io.curve4j.proto.chunk.v1.RepairPagesRequest;

/**
 * What happens to a page whose checksum fails. A read never serves its bytes: it gets a
 * good copy from another replica (one that has applied at least as much of the log, so
 * the read stays linearizable), and the copy is proposed to the copyset, where each
 * replica whose own page is bad takes it ({@code RepairPagesCommand}). When no replica
 * has a good copy the read fails with {@code CHUNK_CORRUPT}, never with wrong bytes.
 */
@Component
public class PageRepair implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PageRepair.class);

	private static final int PAGE = Sizes.PAGE_SIZE;

	private final ReplicaClient replicas;

	private final long peerTimeoutMs;

	private final IntegrityCounters counters;

	/** Peer calls block: they run here, off the Raft read threads. */
	private final ExecutorService executor;

	PageRepair(ReplicaClient replicas, ChunkServerProperties properties, IntegrityCounters counters) {
		this.replicas = replicas;
		this.peerTimeoutMs = properties.getScrub().getPeerTimeout().toMillis();
		this.counters = counters;
		AtomicInteger threads = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(2, r -> {
			Thread t = new Thread(r, "page-repair-" + threads.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
	}

	/** The reads' bytes, every bad page replaced by a good replica's copy. */
	public CompletableFuture<List<ByteBuffer>> serve(Copyset copyset, List<CheckedRead> reads) {
		if (reads.stream().allMatch(CheckedRead::clean)) {
			return CompletableFuture.completedFuture(reads.stream().map(CheckedRead::data).toList());
		}
		return CompletableFuture.supplyAsync(() -> {
			List<ByteBuffer> data = new ArrayList<>(reads.size());
			for (CheckedRead read : reads) {
				heal(copyset, read);
				data.add(read.data());
			}
			return data;
		}, this.executor);
	}

	/** Replaces the bad pages of a leader's read, run by run, and proposes the good copies. */
	private void heal(Copyset copyset, CheckedRead read) {
		int page = read.badPages().nextSetBit(0);
		while (page >= 0) {
			int end = read.badPages().nextClearBit(page);
			this.counters.badPages(end - page);
			log.warn("copyset {}: chunk {} pages [{}, {}) do not match their checksums on this replica; "
					+ "serving another replica's copy", copyset.id(), read.chunkId(), page, end);
			GoodCopy copy = fromPeers(copyset, read.chunkId(), (long) page * PAGE, (end - page) * PAGE);
			for (int i = page; i < end; i++) {
				read.patch(i, copy.data().slice((i - page) * PAGE, PAGE));
			}
			propose(copyset, read.chunkId(), (long) page * PAGE, copy);
			page = read.badPages().nextSetBit(end);
		}
	}

	/**
	 * At the leader, for a replica that found bad pages: finds a good copy (its own first)
	 * and proposes it.
	 * @return pages proposed
	 */
	int repairAtLeader(Copyset copyset, long chunkId, long offset, int length) {
		if (!copyset.isLeader()) {
			throw copyset.notLeader();
		}
		checkPages(offset, length);
		long asOf = copyset.appliedIndex();
		CheckedRead own = copyset.readLocal(new ChunkRead(chunkId, offset, length));
		GoodCopy copy = own.clean() ? new GoodCopy(own.data(), asOf) : fromPeers(copyset, chunkId, offset, length);
		propose(copyset, chunkId, offset, copy);
		return length / PAGE;
	}

	/**
	 * Pages found bad by this replica's scrub: the leader repairs them, whether that is
	 * this replica or another one.
	 */
	void reportBad(Copyset copyset, long chunkId, long offset, int length) {
		this.counters.badPages(length / PAGE);
		log.warn("copyset {}: the scrub found chunk {} [{}, {}) not matching its checksums on this replica",
				copyset.id(), chunkId, offset, offset + length);
		if (copyset.isLeader()) {
			repairAtLeader(copyset, chunkId, offset, length);
			return;
		}
		String leader = copyset.leader();
		if (leader.isEmpty()) {
			throw copyset.notLeader();
		}
		this.replicas.at(leader)
			.repairPages(RepairPagesRequest.newBuilder()
				.setCopyset(copyset.id().toProto())
				.setChunkId(chunkId)
				.setOffset(Math.toIntExact(offset))
				.setLength(length)
				.build());
	}

	/**
	 * This replica's copy of whole pages for another replica, once it has applied
	 * minIndex, with the index it had applied before reading and each page's checksum.
	 */
	ReadPagesResponse readForPeer(Copyset copyset, long chunkId, long offset, int length, long minIndex) {
		checkPages(offset, length);
		long deadline = System.currentTimeMillis() + this.peerTimeoutMs / 2;
		while (copyset.appliedIndex() < minIndex) {
			if (System.currentTimeMillis() > deadline) {
				throw new CurveException(ErrorCode.UNAVAILABLE, "copyset " + copyset.id() + " has applied "
						+ copyset.appliedIndex() + " of the " + minIndex + " entries asked for");
			}
			sleep();
		}
		long asOf = copyset.appliedIndex();
		CheckedRead own = copyset.readLocal(new ChunkRead(chunkId, offset, length));
		if (!own.clean()) {
			this.counters.badPages(own.badPages().cardinality());
			throw new CurveException(ErrorCode.CHUNK_CORRUPT, "copyset " + copyset.id() + ": chunk " + chunkId
					+ " has pages here that do not match their checksums too");
		}
		ReadPagesResponse.Builder response = ReadPagesResponse.newBuilder()
			.setData(UnsafeByteOperations.unsafeWrap(own.data()))
			.setAppliedIndex(asOf);
		for (int at = 0; at < length; at += PAGE) {
			response.addPageCrcs(PageChecksums.crc(own.data().slice(at, PAGE)));
		}
		return response.build();
	}

	/** A good copy from the first replica, other than this one, that has one and checks out on arrival. */
	private GoodCopy fromPeers(Copyset copyset, long chunkId, long offset, int length) {
		ReadPagesRequest request = ReadPagesRequest.newBuilder()
			.setCopyset(copyset.id().toProto())
			.setChunkId(chunkId)
			.setOffset(Math.toIntExact(offset))
			.setLength(length)
			.setMinAppliedIndex(copyset.appliedIndex())
			.build();
		boolean unreachable = false;
		for (String peer : copyset.committedPeers()) {
			if (peer.equals(copyset.self())) {
				continue;
			}
			try {
				ReadPagesResponse response = this.replicas.at(peer).readPages(request);
				ByteBuffer data = response.getData().asReadOnlyByteBuffer();
				if (arrivedWhole(data, response, length)) {
					return new GoodCopy(data, response.getAppliedIndex());
				}
				log.warn("copyset {}: the copy of chunk {} from {} did not match its checksums on arrival",
						copyset.id(), chunkId, peer);
			}
			catch (StatusRuntimeException ex) {
				unreachable |= ex.getStatus().getCode() != Status.Code.DATA_LOSS;
				log.warn("copyset {}: no good copy of chunk {} from {}: {}", copyset.id(), chunkId, peer, ex.getStatus());
			}
		}
		throw new CurveException(unreachable ? ErrorCode.UNAVAILABLE : ErrorCode.CHUNK_CORRUPT,
				"copyset " + copyset.id() + ": no replica " + (unreachable ? "reachable now " : "")
						+ "holds a copy of chunk " + chunkId + " [" + offset + ", " + (offset + length)
						+ ") that matches its checksums");
	}

	private static boolean arrivedWhole(ByteBuffer data, ReadPagesResponse response, int length) {
		if (data.remaining() != length || response.getPageCrcsCount() != length / PAGE) {
			return false;
		}
		for (int i = 0; i < response.getPageCrcsCount(); i++) {
			if (PageChecksums.crc(data.slice(data.position() + i * PAGE, PAGE)) != response.getPageCrcs(i)) {
				return false;
			}
		}
		return true;
	}

	private void propose(Copyset copyset, long chunkId, long offset, GoodCopy copy) {
		if (!copyset.isLeader()) {
			return;
		}
		this.counters.repairsProposed(copy.data().remaining() / PAGE);
		copyset.repair(chunkId, offset, copy.data(), copy.asOf()).whenComplete((done, failure) -> {
			if (failure != null) {
				log.warn("copyset {}: the repair of chunk {} at {} was not committed: {}", copyset.id(), chunkId, offset,
						failure.toString());
			}
		});
	}

	private static void checkPages(long offset, int length) {
		if (offset % PAGE != 0 || length <= 0 || length % PAGE != 0) {
			throw new CurveException(ErrorCode.IO_NOT_ALIGNED, "repairs cover whole pages of " + PAGE + " bytes");
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted");
		}
	}

	Executor executor() {
		return this.executor;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/** Pages as a replica held them after applying entry asOf. */
	private record GoodCopy(ByteBuffer data, long asOf) {
	}

}
