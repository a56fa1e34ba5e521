package io.curve4j.sdk.metacache;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.proto.cli.v1.CliServiceGrpc;
import io.curve4j.proto.cli.v1.GetLeaderRequest;
import io.curve4j.proto.cli.v1.GetLeaderResponse;
import io.curve4j.proto.common.v1.ChunkServerLocation;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.CopysetMembers;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.curve4j.proto.mds.v1.ChunkLocation;
import io.curve4j.proto.mds.v1.GetCopysetMembersRequest;
import io.curve4j.proto.mds.v1.GetCopysetMembersResponse;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentRequest;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentResponse;
import io.curve4j.sdk.retry.GrpcFutures;

/**
 * The client's routing knowledge, each piece fetched on first need and kept until an
 * error proves it wrong:
 * <ul>
 * <li>per segment of a volume, its chunks' (copyset, chunk id), from the MDS. A mapping
 * never changes once allocated, so it is never refreshed; "not allocated" is not cached
 * because a write may allocate the segment at any moment.</li>
 * <li>per copyset, its members, from the MDS; dropped when a member is unreachable or
 * does not know the copyset (membership may have changed).</li>
 * <li>per copyset, its leader, asked of the members through the CLI service; replaced by
 * the hint of a NOT_LEADER answer, dropped on any other failure.</li>
 * </ul>
 * Methods make one try each; the caller's retry loop calls them again after
 * {@link #onChunkFailure} has corrected the cache. The three are Caffeine caches bounded
 * in entries, so a client that touches many volumes and copysets over its life keeps only
 * what it used last.
 */
public final class MetaCache {

	private final MdsClient mds;

	private final ChannelPool channels;

	/** 16 TiB of 1 GiB segments mapped; a mapping of 64 chunks takes a few KiB. */
	private static final long MAX_SEGMENTS = 16_384;

	private static final long MAX_COPYSETS = 65_536;

	/** The MDS's default capability lifetime (curve.mds.auth.capability-ttl). */
	private static final long CAPABILITY_MINUTES = 30;

	/**
	 * A mapping carries the capability its chunks are used with; the MDS grants one for
	 * {@value #CAPABILITY_MINUTES} minutes, so a mapping is asked again well before.
	 */
	private final Cache<SegmentKey, List<ChunkLocation>> segments = Caffeine.newBuilder()
		.maximumSize(MAX_SEGMENTS)
		.expireAfterWrite(Duration.ofMinutes(CAPABILITY_MINUTES / 3))
		.build();

	private final Cache<CopysetKey, CopysetMembers> members = Caffeine.newBuilder().maximumSize(MAX_COPYSETS).build();

	private final Cache<CopysetKey, ChunkServerLocation> leaders = Caffeine.newBuilder()
		.maximumSize(MAX_COPYSETS)
		.build();

	public MetaCache(MdsClient mds, ChannelPool channels) {
		this.mds = mds;
		this.channels = channels;
	}

	/**
	 * The chunks of the segment at {@code segmentOffset} of a volume, in order.
	 * @param allocate whether to allocate the segment if it has none yet (writes)
	 * @return empty when the segment was never allocated and {@code allocate} is false
	 */
	public CompletableFuture<Optional<List<ChunkLocation>>> segment(long fileId, long segmentOffset, boolean allocate,
			long timeoutNanos) {
		SegmentKey key = new SegmentKey(fileId, segmentOffset);
		List<ChunkLocation> cached = this.segments.getIfPresent(key);
		if (cached != null) {
			return CompletableFuture.completedFuture(Optional.of(cached));
		}
		GetOrAllocateSegmentRequest request = GetOrAllocateSegmentRequest.newBuilder()
			.setFileId(fileId)
			.setOffset(segmentOffset)
			.setAllocate(allocate)
			.build();
		CompletableFuture<GetOrAllocateSegmentResponse> call = this.mds.once(SegmentServiceGrpc::newStub, timeoutNanos,
				(stub, observer) -> stub.getOrAllocateSegment(request, observer));
		return call.handle((response, failure) -> {
			if (failure == null) {
				List<ChunkLocation> chunks = List.copyOf(response.getChunksList());
				this.segments.put(key, chunks);
				return Optional.of(chunks);
			}
			CurveException error = GrpcErrors.fromStatus(failure);
			if (!allocate && error.code() == ErrorCode.SEGMENT_NOT_ALLOCATED) {
				return Optional.empty();
			}
			throw error;
		});
	}

	/** Forgets the segment mappings of a closed volume. */
	public void forgetFile(long fileId) {
		this.segments.asMap().keySet().removeIf(key -> key.fileId() == fileId);
	}

	/** The copyset's leader as cached, or asked of its members. */
	public CompletableFuture<ChunkServerLocation> leader(CopysetKey copyset, long timeoutNanos) {
		ChunkServerLocation cached = this.leaders.getIfPresent(copyset);
		if (cached != null) {
			return CompletableFuture.completedFuture(cached);
		}
		return members(copyset, timeoutNanos).thenCompose((m) -> askLeader(m, timeoutNanos)).thenApply((leader) -> {
			this.leaders.put(copyset, leader);
			return leader;
		});
	}

	/**
	 * Corrects the cache after a chunk RPC to {@code target} failed: follows a leader
	 * hint, or forgets what the error says may be stale.
	 */
	public void onChunkFailure(CopysetKey copyset, ChunkServerLocation target, CurveException error) {
		switch (error.code().retryClass()) {
			case REFRESH_LEADER -> {
				String hint = error instanceof NotLeaderException nle ? nle.leaderHint() : "";
				Optional<ChunkServerLocation> hinted = hint.isEmpty() ? Optional.empty() : memberByRaft(copyset, hint);
				if (hinted.isPresent()) {
					this.leaders.put(copyset, hinted.get());
				}
				else {
					// a leader we do not know as a member means the membership changed
					if (!hint.isEmpty()) {
						this.members.invalidate(copyset);
					}
					this.leaders.asMap().remove(copyset, target);
				}
			}
			case REFRESH_ROUTE, RETRY_LATER -> {
				if (error.code() == ErrorCode.OVERLOADED || error.code() == ErrorCode.STALE_SEQUENCE) {
					// the route is right (the chunkserver busy, or the write's sequence number
					// old, which the session corrects): keep it, back off and retry
					return;
				}
				if (error.code() == ErrorCode.CAPABILITY_EXPIRED) {
					// the capability came with the segment's mapping: map again (rare: mappings expire first)
					this.segments.invalidateAll();
				}
				this.members.invalidate(copyset);
				this.leaders.asMap().remove(copyset, target);
			}
			case FATAL -> {
				// nothing cached is wrong: the request itself is
			}
		}
	}

	private CompletableFuture<CopysetMembers> members(CopysetKey copyset, long timeoutNanos) {
		CopysetMembers cached = this.members.getIfPresent(copyset);
		if (cached != null) {
			return CompletableFuture.completedFuture(cached);
		}
		GetCopysetMembersRequest request = GetCopysetMembersRequest.newBuilder().addCopysets(copyset).build();
		CompletableFuture<GetCopysetMembersResponse> call = this.mds.once(SegmentServiceGrpc::newStub, timeoutNanos,
				(stub, observer) -> stub.getCopysetMembers(request, observer));
		return call.thenApply((response) -> {
			for (CopysetMembers m : response.getCopysetsList()) {
				if (m.getKey().equals(copyset) && m.getPeersCount() > 0) {
					this.members.put(copyset, m);
					return m;
				}
			}
			throw new CurveException(ErrorCode.COPYSET_NOT_FOUND,
					"the MDS knows no members of copyset " + name(copyset));
		});
	}

	/**
	 * Asks every member at once; the first that names a leader it can map to a member
	 * wins. A dead member therefore costs nothing while another answers.
	 */
	private CompletableFuture<ChunkServerLocation> askLeader(CopysetMembers m, long timeoutNanos) {
		CopysetKey copyset = m.getKey();
		CompletableFuture<ChunkServerLocation> result = new CompletableFuture<>();
		AtomicInteger pending = new AtomicInteger(m.getPeersCount());
		GetLeaderRequest request = GetLeaderRequest.newBuilder().setCopyset(copyset).build();
		for (ChunkServerLocation peer : m.getPeersList()) {
			CliServiceGrpc.CliServiceStub stub = CliServiceGrpc.newStub(this.channels.channel(address(peer)))
				.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
			CompletableFuture<GetLeaderResponse> call = GrpcFutures
				.unary((observer) -> stub.getLeader(request, observer));
			call.whenComplete((response, failure) -> {
				if (failure == null && !response.getLeader().isEmpty()) {
					Optional<ChunkServerLocation> leader = find(m, response.getLeader());
					if (leader.isPresent()) {
						result.complete(leader.get());
					}
					else {
						this.members.invalidate(copyset);
					}
				}
				if (pending.decrementAndGet() == 0 && !result.isDone()) {
					result.completeExceptionally(new CurveException(ErrorCode.UNAVAILABLE,
							"no member of copyset " + name(copyset) + " knows a leader it is a member with"));
				}
			});
		}
		return result;
	}

	private Optional<ChunkServerLocation> memberByRaft(CopysetKey copyset, String raftAddress) {
		CopysetMembers m = this.members.getIfPresent(copyset);
		return m == null ? Optional.empty() : find(m, raftAddress);
	}

	/** Chunkservers name leaders "host:port", the form of the members' raft addresses. */
	private static Optional<ChunkServerLocation> find(CopysetMembers m, String raftAddress) {
		return m.getPeersList().stream().filter((p) -> p.getRaftAddress().equals(raftAddress)).findFirst();
	}

	/** gRPC address of a chunkserver. */
	public static String address(ChunkServerLocation location) {
		return location.getHost() + ":" + location.getPort();
	}

	/** A segment of a volume, by its offset. */
	private record SegmentKey(long fileId, long segmentOffset) {
	}

	private static String name(CopysetKey copyset) {
		return copyset.getLogicalPoolId() + "/" + copyset.getCopysetId();
	}

}
