package io.curve4j.chunk.chunkfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lazy clones' chunks on real files: the clone bitmap (pages written in the clone), the
 * source fill of partial-page writes, delete to zeros, recover of unwritten pages, and
 * that all of it survives a reopen and a second apply of the same entries.
 */
class CloneChunkTest {

	static final int CHUNK = 64 * 1024;

	static final int PAGE = PageChecksums.PAGE;

	static final int PAGES = CHUNK / PAGE;

	@TempDir
	Path dir;

	private ChunkFilePool pool;

	private ChunkStore store;

	/** The clone's source chunk. */
	private final byte[] source = random(CHUNK, 1);

	@BeforeEach
	void open() throws IOException {
		this.pool = new ChunkFilePool(this.dir.resolve("pool"), CHUNK, 1);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
	}

	@AfterEach
	void close() throws IOException {
		this.store.close();
		this.pool.close();
	}

	@Test
	void aMissingChunkIsAllUnwrittenAndAPartialWriteTakesItsFill() throws IOException {
		assertThat(this.store.read(5, 0, CHUNK).unwritten()).isEqualTo(pages(0, PAGES));
		byte[] data = random(512, 2);
		// page 1 in part: its fill from the source first
		this.store.write(5, 1, PAGE + 1024, ByteBuffer.wrap(data), 1, true, Map.of(1, page(this.source, 1)));

		CheckedRead read = this.store.read(5, 0, 3 * PAGE);
		assertThat(read.unwritten()).isEqualTo(pages(new int[] { 0, 2 }));
		assertThat(read.clean()).isTrue();
		byte[] expected = Arrays.copyOfRange(this.source, PAGE, 2 * PAGE);
		System.arraycopy(data, 0, expected, 1024, 512);
		assertThat(Arrays.copyOfRange(bytes(read), PAGE, 2 * PAGE)).isEqualTo(expected);

		// written now: a later fill (a stale leader's view) is ignored
		byte[] more = random(512, 3);
		this.store.write(5, 1, PAGE, ByteBuffer.wrap(more), 2, true, Map.of(1, ByteBuffer.allocate(PAGE)));
		System.arraycopy(more, 0, expected, 0, 512);
		assertThat(Arrays.copyOfRange(bytes(this.store.read(5, PAGE, PAGE)), 0, PAGE)).isEqualTo(expected);
		assertThat(this.store.unwritten(5, 0, CHUNK)).isEqualTo(allBut(1));
	}

	@Test
	void theBitmapSurvivesAReopenAndIsNotLinkedIntoARaftSnapshot() throws IOException {
		this.store.write(5, 1, 2 * PAGE, ByteBuffer.wrap(random(2 * PAGE, 4)), 1, true, Map.of());
		assertThat(this.store.chunkIds()).containsExactly(5L);
		assertThat(this.store.copyOnWriteFileNames()).containsExactly("chunk_5_clone");
		assertThat(this.store.sync()).containsExactly("chunk_5", "chunk_5_clone");

		this.store.close();
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
		BitSet expected = allBut(2, 3);
		assertThat(this.store.unwritten(5, 0, CHUNK)).isEqualTo(expected);
		assertThat(this.store.read(5, 0, CHUNK).unwritten()).isEqualTo(expected);
		assertThat(this.store.copyOnWriteFileNames()).containsExactly("chunk_5_clone");
		assertThat(this.store.usedBytes()).isEqualTo(ChunkFile.length(CHUNK) + CloneBitmap.length(CHUNK));
	}

	@Test
	void recoverFillsOnlyUnwrittenPagesIsIdempotentAndEndsAPlainChunk() throws IOException {
		byte[] written = random(PAGE, 5);
		this.store.write(5, 1, PAGE, ByteBuffer.wrap(written), 1, true, Map.of());
		this.store.recover(5, 1, 0, ByteBuffer.wrap(this.source, 0, 4 * PAGE), 2);
		byte[] expected = Arrays.copyOf(this.source, 4 * PAGE);
		System.arraycopy(written, 0, expected, PAGE, PAGE);
		assertThat(bytes(this.store.read(5, 0, 4 * PAGE))).isEqualTo(expected);
		// again, with other content: nothing changes
		this.store.recover(5, 1, 0, ByteBuffer.wrap(random(4 * PAGE, 6)), 3);
		assertThat(bytes(this.store.read(5, 0, 4 * PAGE))).isEqualTo(expected);
		assertThat(this.store.unwritten(5, 0, CHUNK)).isEqualTo(pages(4, PAGES));

		this.store.recover(5, 1, 4 * PAGE, ByteBuffer.wrap(this.source, 4 * PAGE, CHUNK - 4 * PAGE), 4);
		assertThat(this.store.unwritten(5, 0, CHUNK)).isEqualTo(new BitSet());
		assertThat(Files.exists(this.dir.resolve("chunks/chunk_5_clone"))).isFalse();
		assertThat(this.store.copyOnWriteFileNames()).isEmpty();
		System.arraycopy(this.source, 4 * PAGE, expected = Arrays.copyOf(expected, CHUNK), 4 * PAGE, CHUNK - 4 * PAGE);
		assertThat(bytes(this.store.read(5, 0, CHUNK))).isEqualTo(expected);
	}

	@Test
	void aRecoverCreatesAMissingChunk() throws IOException {
		this.store.recover(6, 1, PAGE, ByteBuffer.wrap(this.source, PAGE, PAGE), 1);
		assertThat(this.store.unwritten(6, 0, CHUNK)).isEqualTo(allBut(1));
		assertThat(Arrays.copyOfRange(bytes(this.store.read(6, PAGE, PAGE)), 0, PAGE))
			.isEqualTo(Arrays.copyOfRange(this.source, PAGE, 2 * PAGE));
	}

	@Test
	void aDeleteLeavesAClonesChunkZerosAndWritten() throws IOException {
		this.store.write(5, 1, 0, ByteBuffer.wrap(random(PAGE, 7)), 1, true, Map.of());
		this.store.delete(5, 1, true);
		this.store.delete(8, 1, true);
		for (long chunk : new long[] { 5, 8 }) {
			CheckedRead read = this.store.read(chunk, 0, CHUNK);
			assertThat(read.unwritten()).isEqualTo(new BitSet());
			assertThat(bytes(read)).containsOnly(0);
		}
		assertThat(this.store.chunkIds()).containsExactlyInAnyOrder(5L, 8L);
		assertThat(this.store.copyOnWriteFileNames()).isEmpty();
		// a plain chunk's delete still removes it
		this.store.delete(8, 1);
		assertThat(this.store.chunkIds()).containsExactly(5L);
	}

	@Test
	void applyingTheSameEntriesTwiceGivesTheSameChunk() throws IOException {
		applyEntries();
		byte[] once = bytes(this.store.read(5, 0, CHUNK));
		BitSet unwrittenOnce = this.store.unwritten(5, 0, CHUNK);
		applyEntries();
		assertThat(bytes(this.store.read(5, 0, CHUNK))).isEqualTo(once);
		assertThat(this.store.unwritten(5, 0, CHUNK)).isEqualTo(unwrittenOnce).isEqualTo(allBut(0, 1, 2, 3, 4));
		byte[] expected = Arrays.copyOf(this.source, 5 * PAGE);
		System.arraycopy(random(512, 8), 0, expected, 100 * 512 % PAGE + PAGE, 512);
		System.arraycopy(random(PAGE, 9), 0, expected, 3 * PAGE, PAGE);
		assertThat(Arrays.copyOf(once, 5 * PAGE)).isEqualTo(expected);
	}

	/** A partial write with its fill, a recover, a whole-page write over a recovered page. */
	private void applyEntries() throws IOException {
		long at = PAGE + 100 * 512 % PAGE;
		this.store.write(5, 1, at, ByteBuffer.wrap(random(512, 8)), 1, true, Map.of(1, page(this.source, 1)));
		this.store.recover(5, 1, 0, ByteBuffer.wrap(this.source, 0, 5 * PAGE), 2);
		this.store.write(5, 1, 3 * PAGE, ByteBuffer.wrap(random(PAGE, 9)), 3, true, Map.of());
	}

	private static BitSet pages(int from, int to) {
		BitSet bits = new BitSet();
		bits.set(from, to);
		return bits;
	}

	private static BitSet pages(int... indexes) {
		BitSet bits = new BitSet();
		Arrays.stream(indexes).forEach(bits::set);
		return bits;
	}

	private static BitSet allBut(int... written) {
		BitSet bits = pages(0, PAGES);
		Arrays.stream(written).forEach(bits::clear);
		return bits;
	}

	private static ByteBuffer page(byte[] chunk, int index) {
		return ByteBuffer.wrap(Arrays.copyOfRange(chunk, index * PAGE, (index + 1) * PAGE));
	}

	private static byte[] bytes(CheckedRead read) {
		ByteBuffer data = read.data().duplicate();
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		return bytes;
	}

	private static byte[] random(int n, long seed) {
		byte[] b = new byte[n];
		new Random(seed).nextBytes(b);
		return b;
	}

}
