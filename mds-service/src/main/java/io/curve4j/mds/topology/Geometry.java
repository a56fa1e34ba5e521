package io.curve4j.mds.topology;

import java.util.Optional;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.raft.MdsReader;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.LogicalPoolKind;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;

/**
 * The chunk and segment size of a logical pool, recorded in every volume created in it:
 * everything that handles a volume computes with the volume's own geometry. A zero in a
 * record written before geometry was recorded means the default (16 MiB chunks, 1 GiB
 * segments), so existing clusters keep theirs.
 *
 * @param chunkSize bytes per chunk, a power of two
 * @param segmentSize bytes per segment (the unit of allocation), a power-of-two multiple
 * of the chunk size
 */
public record Geometry(int chunkSize, long segmentSize) {

	public static final Geometry DEFAULT = new Geometry(Sizes.DEFAULT_CHUNK_SIZE, Sizes.DEFAULT_SEGMENT_SIZE);

	/** Every chunk of a segment is listed in its record, which must stay small. */
	static final long MAX_CHUNKS_PER_SEGMENT = 4096;

	public static Geometry of(LogicalPoolRecord pool) {
		return orDefault(pool.getChunkSize(), pool.getSegmentSize());
	}

	public static Geometry of(FileRecord volume) {
		return orDefault(volume.getChunkSize(), volume.getSegmentSize());
	}

	/** The chunk size a chunkserver registered with. */
	public static int chunkSizeOf(ChunkServerRecord chunkServer) {
		return chunkServer.getChunkSize() == 0 ? DEFAULT.chunkSize() : chunkServer.getChunkSize();
	}

	static Geometry orDefault(long chunkSize, long segmentSize) {
		return new Geometry(chunkSize == 0 ? DEFAULT.chunkSize() : (int) chunkSize,
				segmentSize == 0 ? DEFAULT.segmentSize() : segmentSize);
	}

	/**
	 * The geometry of a volume created now: that of the pool new segments come from (the
	 * lowest logical pool id, see the segment allocation), the default before any exists.
	 */
	public static Geometry forNewVolumes(MdsReader db) {
		return allocationPool(db).map(Geometry::of).orElse(DEFAULT);
	}

	/**
	 * The logical pool new segments are allocated from. One per cluster for now: the
	 * lowest id (the first in key order) of the block pools, so every member picks the
	 * same; a pool of CurveFS metadata partitions never holds volume chunks.
	 */
	public static Optional<LogicalPoolRecord> allocationPool(MdsReader db) {
		return db.list(MdsSchema.LOGICAL_POOLS).stream().filter(Geometry::holdsVolumes).findFirst();
	}

	/** Whether volume chunks go to this pool (a block pool), not CurveFS metadata. */
	public static boolean holdsVolumes(LogicalPoolRecord pool) {
		return pool.getKind() == LogicalPoolKind.LOGICAL_POOL_KIND_BLOCK;
	}

	/** Checks a geometry a topology file asks for (zero: the default); fails with MALFORMED_TOPOLOGY. */
	static Geometry checked(String where, long chunkSize, long segmentSize) {
		long chunk = chunkSize == 0 ? DEFAULT.chunkSize() : chunkSize;
		long segment = segmentSize == 0 ? DEFAULT.segmentSize() : segmentSize;
		if (!Sizes.isChunkSize(chunk)) {
			throw TopologyFile.malformed(where + ".chunkSize must be a power of two from "
					+ Sizes.format(Sizes.MIN_CHUNK_SIZE) + " to " + Sizes.format(Sizes.MAX_CHUNK_SIZE) + ", not " + chunk
					+ " bytes");
		}
		if (Long.bitCount(segment) != 1 || segment < chunk || segment / chunk > MAX_CHUNKS_PER_SEGMENT) {
			throw TopologyFile.malformed(where + ".segmentSize must be a power of two from the chunk size ("
					+ Sizes.format(chunk) + ") to " + MAX_CHUNKS_PER_SEGMENT + " chunks, not " + segment + " bytes");
		}
		return new Geometry((int) chunk, segment);
	}

	public int chunksPerSegment() {
		return (int) (this.segmentSize / this.chunkSize);
	}

	/** Fails with SIZE_NOT_SEGMENT_ALIGNED unless length is a whole number of segments. */
	public void checkSegmentAligned(long length) {
		if (length % this.segmentSize != 0) {
			throw new CurveException(ErrorCode.SIZE_NOT_SEGMENT_ALIGNED, "size " + length + " bytes ("
					+ Sizes.format(length) + ") is not a whole number of " + Sizes.format(this.segmentSize)
					+ " segments; round up to " + Sizes.format((length / this.segmentSize + 1) * this.segmentSize));
		}
	}

}
