package io.curve4j.fs.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class WriteBufferTest {

	private final AtomicLong now = new AtomicLong();
	private final WriteBuffer buffer = new WriteBuffer(100, Duration.ofSeconds(5), now::get);

	private static byte[] fill(int n, int value) {
		byte[] b = new byte[n];
		java.util.Arrays.fill(b, (byte) value);
		return b;
	}

	@Test
	void overlappingWritesKeepTheNewestBytesOnce() {
		buffer.write(0, fill(10, 1), 0, 10);
		buffer.write(5, fill(10, 2), 0, 10);
		buffer.write(15, fill(5, 3), 0, 5); // adjacent: merged
		assertThat(buffer.dirtyBytes()).isEqualTo(20);
		List<WriteBuffer.Range> ranges = buffer.drain(1 << 20);
		assertThat(ranges).hasSize(1);
		byte[] expected = new byte[20];
		java.util.Arrays.fill(expected, 0, 5, (byte) 1);
		java.util.Arrays.fill(expected, 5, 15, (byte) 2);
		java.util.Arrays.fill(expected, 15, 20, (byte) 3);
		assertThat(ranges.get(0).offset()).isZero();
		assertThat(ranges.get(0).data()).isEqualTo(expected);
		assertThat(buffer.isEmpty()).isTrue();
		assertThat(buffer.dirtyBytes()).isZero();
	}

	@Test
	void aSequentialStreamAndOverwritesInsideItStayOneRange() {
		byte[] expected = new byte[10_000];
		for (int i = 0; i < 100; i++) {
			byte[] part = fill(100, i);
			buffer.write(i * 100L, part, 0, 100);
			System.arraycopy(part, 0, expected, i * 100, 100);
		}
		buffer.write(450, fill(100, 77), 0, 100);
		java.util.Arrays.fill(expected, 450, 550, (byte) 77);
		assertThat(buffer.dirtyBytes()).isEqualTo(10_000);
		byte[] seen = new byte[10_000];
		assertThat(buffer.overlay(0, seen, seen.length)).isEqualTo(10_000);
		assertThat(seen).isEqualTo(expected);
		buffer.truncate(5_000);
		assertThat(buffer.dirtyBytes()).isEqualTo(5_000);
		buffer.write(5_000, fill(10, 9), 0, 10);
		java.util.Arrays.fill(expected, 5_000, 5_010, (byte) 9);
		assertThat(buffer.drain(1 << 20)).singleElement()
			.satisfies(r -> assertThat(r.data()).isEqualTo(java.util.Arrays.copyOf(expected, 5_010)));
	}

	@Test
	void writeBridgingTwoRangesMergesThem() {
		buffer.write(0, fill(4, 1), 0, 4);
		buffer.write(10, fill(4, 2), 0, 4);
		buffer.write(2, fill(10, 3), 0, 10);
		assertThat(buffer.dirtyBytes()).isEqualTo(14);
		assertThat(buffer.drain(1 << 20)).singleElement().satisfies(r -> assertThat(r.data()).hasSize(14));
	}

	@Test
	void flushIsDueBySizeOrAge() {
		assertThat(buffer.flushDue()).isFalse();
		buffer.write(0, fill(99, 1), 0, 99);
		assertThat(buffer.flushDue()).isFalse();
		buffer.write(99, fill(1, 1), 0, 1);
		assertThat(buffer.flushDue()).isTrue();
		buffer.drain(1 << 20);

		buffer.write(0, fill(1, 1), 0, 1);
		now.addAndGet(Duration.ofMillis(4999).toNanos());
		assertThat(buffer.flushDue()).isFalse();
		now.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(buffer.flushDue()).isTrue();
	}

	@Test
	void ageCountsFromTheFirstDirtyByteAfterADrain() {
		buffer.write(0, fill(1, 1), 0, 1);
		now.addAndGet(Duration.ofSeconds(10).toNanos());
		buffer.drain(1 << 20);
		buffer.write(0, fill(1, 1), 0, 1);
		assertThat(buffer.flushDue()).isFalse();
	}

	@Test
	void drainSplitsAtChunkBoundaries() {
		buffer.write(6, fill(20, 1), 0, 20);
		List<WriteBuffer.Range> ranges = buffer.drain(8);
		assertThat(ranges).extracting(WriteBuffer.Range::offset).containsExactly(6L, 8L, 16L, 24L);
		assertThat(ranges).extracting(r -> r.data().length).containsExactly(2, 8, 8, 2);
	}

	@Test
	void overlayReadsBufferedBytesOverStoredOnes() {
		buffer.write(4, fill(4, 7), 0, 4);
		byte[] dst = fill(10, 9);
		assertThat(buffer.overlay(2, dst, 10)).isEqualTo(8);
		assertThat(dst).containsExactly(9, 9, 7, 7, 7, 7, 9, 9, 9, 9);
	}

	@Test
	void truncateDropsAndTrimsBufferedBytes() {
		buffer.write(0, fill(10, 1), 0, 10);
		buffer.write(20, fill(10, 2), 0, 10);
		buffer.truncate(5);
		assertThat(buffer.dirtyBytes()).isEqualTo(5);
		assertThat(buffer.drain(1 << 20)).singleElement().satisfies(r -> assertThat(r.data()).hasSize(5));
	}
}
