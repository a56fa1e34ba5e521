package io.curve4j.sdk.block;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IoSplitterTest {

	private static final int CHUNK = Sizes.DEFAULT_CHUNK_SIZE;

	private static final long SEGMENT = Sizes.DEFAULT_SEGMENT_SIZE;

	private static final int NO_CAP = CHUNK;

	@Test
	void ioInsideOneChunkIsOneRange() {
		assertThat(IoSplitter.split(4096, 8192, CHUNK, SEGMENT, NO_CAP))
			.containsExactly(new ChunkRange(0, 0, 4096, 8192, 0));
	}

	@Test
	void ioEndingExactlyAtAChunkBoundaryStaysInThatChunk() {
		assertThat(IoSplitter.split(CHUNK - 512, 512, CHUNK, SEGMENT, NO_CAP))
			.containsExactly(new ChunkRange(0, 0, CHUNK - 512, 512, 0));
	}

	@Test
	void ioAcrossAChunkBoundaryIsSplitThere() {
		assertThat(IoSplitter.split(CHUNK - 1024, 2048, CHUNK, SEGMENT, NO_CAP)).containsExactly(
				new ChunkRange(0, 0, CHUNK - 1024, 1024, 0), new ChunkRange(0, 1, 0, 1024, 1024));
	}

	@Test
	void ioAcrossASegmentBoundaryMovesToTheNextSegment() {
		long offset = SEGMENT - 512;
		List<ChunkRange> ranges = IoSplitter.split(offset, 1024, CHUNK, SEGMENT, NO_CAP);
		assertThat(ranges).containsExactly(new ChunkRange(0, 63, CHUNK - 512, 512, 0),
				new ChunkRange(SEGMENT, 0, 0, 512, 512));
	}

	@Test
	void ioSpanningWholeChunksCoversEveryByteOnce() {
		long offset = 3 * SEGMENT + 5 * (long) CHUNK + 512;
		int length = 3 * CHUNK;
		List<ChunkRange> ranges = IoSplitter.split(offset, length, CHUNK, SEGMENT, NO_CAP);
		assertThat(ranges).hasSize(4);
		assertThat(ranges).allSatisfy((r) -> assertThat(r.segmentOffset()).isEqualTo(3 * SEGMENT));
		assertThat(ranges.stream().mapToInt(ChunkRange::length).sum()).isEqualTo(length);
		int expectedBufferOffset = 0;
		for (ChunkRange r : ranges) {
			assertThat(r.bufferOffset()).isEqualTo(expectedBufferOffset);
			assertThat(r.offsetInChunk() + r.length()).isLessThanOrEqualTo(CHUNK);
			expectedBufferOffset += r.length();
		}
		assertThat(ranges.get(0).chunkInSegment()).isEqualTo(5);
		assertThat(ranges.get(3).chunkInSegment()).isEqualTo(8);
	}

	@Test
	void largeRangesAreCappedAtTheMaximumRequest() {
		int mib = (int) Sizes.MIB;
		List<ChunkRange> ranges = IoSplitter.split(CHUNK - mib / 2, 2 * mib, CHUNK, SEGMENT, mib);
		assertThat(ranges).containsExactly(new ChunkRange(0, 0, CHUNK - mib / 2, mib / 2, 0),
				new ChunkRange(0, 1, 0, mib, mib / 2), new ChunkRange(0, 1, mib, mib / 2, mib / 2 + mib));
	}

	@Test
	void zeroLengthHasNoRanges() {
		assertThat(IoSplitter.split(512, 0, CHUNK, SEGMENT, NO_CAP)).isEmpty();
	}

	@Test
	void smallGeometryCrossesSegmentsToo() {
		// 64 KiB chunks, 4 per 256 KiB segment: [200 KiB, 500 KiB) touches chunks 3..7
		List<ChunkRange> ranges = IoSplitter.split(200 * 1024, 300 * 1024, 64 * 1024, 256 * 1024, 64 * 1024);
		assertThat(ranges).extracting(ChunkRange::segmentOffset).containsExactly(0L, 262144L, 262144L, 262144L,
				262144L);
		assertThat(ranges).extracting(ChunkRange::chunkInSegment).containsExactly(3, 0, 1, 2, 3);
		assertThat(ranges).extracting(ChunkRange::length).containsExactly(56 * 1024, 65536, 65536, 65536, 52 * 1024);
	}

	@Test
	void validateAcceptsAlignedIoInside() {
		IoSplitter.validate(0, 512, 1024);
		IoSplitter.validate(512, 512, 1024);
		IoSplitter.validate(1024, 0, 1024);
	}

	@Test
	void validateRejectsUnalignedOffsetOrLength() {
		assertCode(() -> IoSplitter.validate(100, 512, SEGMENT), ErrorCode.IO_NOT_ALIGNED);
		assertCode(() -> IoSplitter.validate(512, 100, SEGMENT), ErrorCode.IO_NOT_ALIGNED);
	}

	@Test
	void validateRejectsNegativeAndPastTheEnd() {
		assertCode(() -> IoSplitter.validate(-512, 512, SEGMENT), ErrorCode.IO_OUT_OF_RANGE);
		assertCode(() -> IoSplitter.validate(0, -512, SEGMENT), ErrorCode.IO_OUT_OF_RANGE);
		assertCode(() -> IoSplitter.validate(SEGMENT - 512, 1024, SEGMENT), ErrorCode.IO_OUT_OF_RANGE);
		assertCode(() -> IoSplitter.validate(SEGMENT + 512, 0, SEGMENT), ErrorCode.IO_OUT_OF_RANGE);
		assertCode(() -> IoSplitter.validate(Long.MAX_VALUE - 511, 1024, SEGMENT), ErrorCode.IO_OUT_OF_RANGE);
	}

	private static void assertCode(Runnable call, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(CurveException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(code));
	}

}
