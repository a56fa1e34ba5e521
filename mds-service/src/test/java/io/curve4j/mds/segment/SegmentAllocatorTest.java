package io.curve4j.mds.segment;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.curve4j.proto.mds.v1.SegmentChunk;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentAllocatorTest {

	@Test
	void sixtyFourChunksRoundRobinWithConsecutiveIds() {
		SegmentAllocator.Allocation a = SegmentAllocator.allocate(12, 0, 0, 64);
		assertThat(a.chunks()).hasSize(64);
		assertThat(a.chunks()).extracting(SegmentChunk::getChunkId)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 64).boxed().toList());
		assertThat(a.chunks().subList(0, 13)).extracting(SegmentChunk::getCopysetId)
			.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1);
		assertThat(a.nextCopyset()).isEqualTo(64 % 12);
		assertThat(a.lastChunkId()).isEqualTo(64);
	}

	@Test
	void aSegmentHoldsAsManyChunksAsTheVolumesGeometrySays() {
		SegmentAllocator.Allocation a = SegmentAllocator.allocate(3, 0, 10, 4);
		assertThat(a.chunks()).extracting(SegmentChunk::getChunkId).containsExactly(11L, 12L, 13L, 14L);
		assertThat(a.nextCopyset()).isEqualTo(1);
	}

	@Test
	void continuesFromCursorAndCounter() {
		SegmentAllocator.Allocation first = SegmentAllocator.allocate(5, 3, 100, 64);
		SegmentAllocator.Allocation second = SegmentAllocator.allocate(5, first.nextCopyset(), first.lastChunkId(), 64);
		assertThat(first.chunks().get(0).getCopysetId()).isEqualTo(4);
		assertThat(second.chunks().get(0).getChunkId()).isEqualTo(first.lastChunkId() + 1);
		List<Integer> copysets = Stream.concat(first.chunks().stream(), second.chunks().stream())
			.map(SegmentChunk::getCopysetId)
			.toList();
		for (int i = 1; i < copysets.size(); i++) {
			assertThat(copysets.get(i)).isEqualTo(copysets.get(i - 1) % 5 + 1);
		}
	}

}
