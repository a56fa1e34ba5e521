package io.curve4j.mds.segment;

import java.util.ArrayList;
import java.util.List;

import io.curve4j.proto.mds.v1.SegmentChunk;

/**
 * Maps the chunks of a new segment onto a logical pool's copysets, round-robin from
 * the pool's cursor, with consecutive chunk ids from the cluster-wide counter. Pure, so
 * every MDS member computes the same mapping at apply.
 */
final class SegmentAllocator {

	/** The chunks of a segment and where the pool's cursor and the chunk id counter end up. */
	record Allocation(List<SegmentChunk> chunks, long nextCopyset, long lastChunkId) {
	}

	private SegmentAllocator() {
	}

	/**
	 * @param copysets copysets of the pool, numbered 1..copysets
	 * @param nextCopyset the pool's cursor: index (from 0) of the copyset the next chunk
	 * goes to
	 * @param lastChunkId the highest chunk id handed out so far in the cluster
	 * @param chunksPerSegment the volume's segment size over its chunk size
	 */
	static Allocation allocate(int copysets, long nextCopyset, long lastChunkId, int chunksPerSegment) {
		List<SegmentChunk> chunks = new ArrayList<>(chunksPerSegment);
		long cursor = nextCopyset;
		long chunkId = lastChunkId;
		for (int i = 0; i < chunksPerSegment; i++) {
			chunkId++;
			chunks.add(SegmentChunk.newBuilder()
				.setCopysetId((int) (cursor % copysets) + 1)
				.setChunkId(chunkId)
				.build());
			cursor = (cursor + 1) % copysets;
		}
		return new Allocation(List.copyOf(chunks), cursor, chunkId);
	}

}
