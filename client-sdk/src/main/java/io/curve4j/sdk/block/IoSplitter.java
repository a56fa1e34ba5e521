package io.curve4j.sdk.block;

import java.util.ArrayList;
import java.util.List;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

/**
 * Checks an I/O against the volume and cuts it into per-chunk sub-requests. Pure
 * arithmetic, no I/O.
 * <p>
 * Sub-requests are also capped at {@code maxRequest} bytes: a chunk write travels in one
 * gRPC message and one Raft log entry, whose transports limit message sizes (4 MiB by
 * default), and smaller requests run in parallel on the same copyset pipeline.
 */
public final class IoSplitter {

	private IoSplitter() {
	}

	/**
	 * Rejects an I/O before any RPC: negative or past the end ({@code IO_OUT_OF_RANGE}),
	 * not a multiple of 512 bytes ({@code IO_NOT_ALIGNED}).
	 */
	public static void validate(long offset, long length, long volumeSize) {
		if (offset < 0) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE, "offset " + offset + " is negative");
		}
		if (length < 0) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE, "length " + length + " is negative");
		}
		if (offset % Sizes.SECTOR_SIZE != 0 || length % Sizes.SECTOR_SIZE != 0) {
			throw new CurveException(ErrorCode.IO_NOT_ALIGNED, "offset " + offset + " and length " + length
					+ " must be multiples of " + Sizes.SECTOR_SIZE + " bytes");
		}
		if (offset > volumeSize || length > volumeSize - offset) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE, "[" + offset + ", " + (offset + length)
					+ ") is past the end of the volume (" + volumeSize + " bytes)");
		}
	}

	/**
	 * Sub-requests covering {@code [offset, offset + length)} in order, none crossing a
	 * chunk boundary or longer than {@code maxRequest}.
	 */
	public static List<ChunkRange> split(long offset, int length, int chunkSize, long segmentSize, int maxRequest) {
		if (chunkSize <= 0 || segmentSize % chunkSize != 0 || maxRequest <= 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "bad geometry: chunk " + chunkSize + ", segment "
					+ segmentSize + ", max request " + maxRequest);
		}
		List<ChunkRange> ranges = new ArrayList<>(length / Math.min(chunkSize, maxRequest) + 2);
		long position = offset;
		int done = 0;
		while (done < length) {
			long chunkIndex = position / chunkSize;
			int inChunk = (int) (position % chunkSize);
			int len = Math.min(Math.min(chunkSize - inChunk, length - done), maxRequest);
			long segmentOffset = Math.floorDiv(position, segmentSize) * segmentSize;
			int chunkInSegment = (int) (chunkIndex - segmentOffset / chunkSize);
			ranges.add(new ChunkRange(segmentOffset, chunkInSegment, inChunk, len, done));
			position += len;
			done += len;
		}
		return ranges;
	}

}
