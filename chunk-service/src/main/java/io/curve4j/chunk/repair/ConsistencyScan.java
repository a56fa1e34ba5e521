package io.curve4j.chunk.repair;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.grpc.StatusRuntimeException;

import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.chunk.v1.ScanDigestRequest;
import io.curve4j.proto.chunk.v1.ScanDigestResponse;

/**
 * Curve's consistency scan, run by a copyset's leader: a scan entry makes every replica
 * digest its page checksums of a chunk at the same point of the log, and the leader
 * compares the digests. Replicas that pass their own page checks but differ (one lost a
 * write and checksummed what it kept) show here; they are counted and logged, since the
 * log does not say which replica is right.
 */
@Component
class ConsistencyScan {

	private static final Logger log = LoggerFactory.getLogger(ConsistencyScan.class);

	private final ReplicaClient replicas;

	private final IntegrityCounters counters;

	private final long timeoutMs;

	ConsistencyScan(ReplicaClient replicas, IntegrityCounters counters, ChunkServerProperties properties) {
		this.replicas = replicas;
		this.counters = counters;
		this.timeoutMs = properties.getScrub().getPeerTimeout().toMillis();
	}

	/**
	 * Compares the chunk across the copyset's replicas; replicas that do not answer in
	 * time are left out of this round.
	 * @return true when every replica that answered agrees with this one
	 */
	boolean compare(Copyset copyset, long chunkId) {
		long index = await(copyset.scan(chunkId));
		int own = copyset.scanDigest(index)
			.orElseThrow(() -> new CurveException(ErrorCode.INTERNAL, "scan entry " + index + " left no digest"))
			.digest();
		this.counters.scanned();
		boolean agree = true;
		for (String peer : copyset.committedPeers()) {
			if (peer.equals(copyset.self())) {
				continue;
			}
			Optional<Integer> theirs = digestOf(copyset, peer, index);
			if (theirs.isPresent() && theirs.get() != own) {
				agree = false;
				log.warn("copyset {}: chunk {} differs between this replica ({}) and {} at entry {}, though each "
						+ "passes its own page checks", copyset.id(), chunkId, copyset.self(), peer, index);
			}
		}
		if (!agree) {
			this.counters.scanMismatch();
		}
		return agree;
	}

	/** The peer's digest at the entry, once it has applied it; empty if it does not within the timeout. */
	private Optional<Integer> digestOf(Copyset copyset, String peer, long index) {
		ScanDigestRequest request = ScanDigestRequest.newBuilder().setCopyset(copyset.id().toProto()).setIndex(index).build();
		long deadline = System.currentTimeMillis() + this.timeoutMs;
		try {
			while (System.currentTimeMillis() < deadline) {
				ScanDigestResponse response = this.replicas.at(peer).scanDigest(request);
				if (response.getKnown()) {
					return Optional.of(response.getDigest());
				}
				Thread.sleep(20);
			}
		}
		catch (StatusRuntimeException ex) {
			log.debug("copyset {}: no scan digest from {}: {}", copyset.id(), peer, ex.getStatus());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return Optional.empty();
	}

	private long await(CompletableFuture<Long> proposed) {
		try {
			return proposed.get(this.timeoutMs, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "the scan entry was not committed: " + ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new CurveException(ErrorCode.TIMEOUT, "the scan entry was not committed within " + this.timeoutMs + " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted");
		}
	}

}
