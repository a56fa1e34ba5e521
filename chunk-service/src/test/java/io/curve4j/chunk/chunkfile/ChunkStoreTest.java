package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkStoreTest {

	static final int CHUNK = 256 * 1024;

	@TempDir
	Path dir;

	private ChunkFilePool pool;

	private ChunkStore store;

	@BeforeEach
	void open() throws Exception {
		this.pool = new ChunkFilePool(this.dir.resolve("pool"), CHUNK, 1);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
	}

	@AfterEach
	void close() throws Exception {
		this.store.close();
		this.pool.close();
	}

	@Test
	void readsBackWhatWasWrittenAndZerosElsewhere() throws Exception {
		byte[] data = random(8192);
		this.store.write(5, 1, 4096, ByteBuffer.wrap(data), 1);
		assertThat(bytes(this.store.read(5, 4096, 8192).data())).isEqualTo(data);
		byte[] around = bytes(this.store.read(5, 0, 16384).data());
		assertThat(slice(around, 0, 4096)).containsOnly(0);
		assertThat(slice(around, 4096, 8192)).isEqualTo(data);
		assertThat(slice(around, 12288, 4096)).containsOnly(0);
		assertThat(bytes(this.store.read(6, 0, 512).data())).containsOnly(0);
		assertThat(this.store.info(6)).isEmpty();
	}

	@Test
	void survivesReopeningAndKeepsTheHighestSn() throws Exception {
		byte[] data = random(512);
		this.store.write(5, 3, CHUNK - 512, ByteBuffer.wrap(data), 1);
		this.store.write(5, 3, 0, ByteBuffer.wrap(data), 1);
		this.store.close();
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
		assertThat(bytes(this.store.read(5, CHUNK - 512, 512).data())).isEqualTo(data);
		assertThat(this.store.info(5)).hasValue(new ChunkFileHeader(5, 3, 0, CHUNK));
		this.store.write(5, 4, 0, ByteBuffer.wrap(data), 1);
		assertThat(this.store.info(5).orElseThrow().sn()).isEqualTo(4);
	}

	@Test
	void deletesIdempotently() throws Exception {
		this.store.write(5, 1, 0, ByteBuffer.wrap(random(512)), 1);
		this.store.delete(5, 0);
		this.store.delete(5, 0);
		assertThat(this.store.info(5)).isEmpty();
		assertThat(bytes(this.store.read(5, 0, 512).data())).containsOnly(0);
	}

	@Test
	void rejectsUnalignedAndOutOfRangeIo() {
		assertThatThrownBy(() -> this.store.read(1, 100, 512)).isInstanceOf(CurveException.class)
			.satisfies(e -> assertThat(((CurveException) e).code()).isEqualTo(ErrorCode.IO_NOT_ALIGNED));
		assertThatThrownBy(() -> this.store.write(1, 0, 0, ByteBuffer.allocate(100), 1))
			.satisfies(e -> assertThat(((CurveException) e).code()).isEqualTo(ErrorCode.IO_NOT_ALIGNED));
		assertThatThrownBy(() -> this.store.read(1, CHUNK - 512, 1024))
			.satisfies(e -> assertThat(((CurveException) e).code()).isEqualTo(ErrorCode.IO_OUT_OF_RANGE));
	}

	@Test
	void aTornHeaderIsReadFromItsSecondCopy() throws Exception {
		byte[] data = random(4096);
		this.store.write(5, 3, 0, ByteBuffer.wrap(data), 1);
		this.store.close();
		flip(10);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
		assertThat(this.store.info(5)).hasValue(new ChunkFileHeader(5, 3, 0, CHUNK));
		assertThat(this.store.read(5, 0, 4096).clean()).isTrue();
	}

	@Test
	void aHeaderWithNoWholeCopyIsRebuiltAndThePagesStillChecked() throws Exception {
		byte[] data = random(4096);
		this.store.write(5, 3, 0, ByteBuffer.wrap(data), 1);
		this.store.close();
		flip(10);
		flip(ChunkFileHeader.SECOND_COPY + 10);
		flip(ChunkFileHeader.SIZE + 4096 + 7);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
		assertThat(this.store.info(5).orElseThrow().chunkId()).isEqualTo(5);
		CheckedRead read = this.store.read(5, 0, 3 * 4096);
		assertThat(bytes(read.data().slice(0, 4096))).isEqualTo(data);
		assertThat(read.badPages().stream().boxed().toList()).containsExactly(1);
	}

	@Test
	void aFlippedDataByteIsFoundAndOnlyItsPageIsBad() throws Exception {
		this.store.write(5, 1, 0, ByteBuffer.wrap(random(4 * 4096)), 1);
		this.store.close();
		flip(ChunkFileHeader.SIZE + 2 * 4096 + 100);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
		assertThat(this.store.read(5, 0, 4 * 4096).badPages().stream().boxed().toList()).containsExactly(2);
		assertThat(this.store.read(5, 2 * 4096 + 512, 512).badPages().stream().boxed().toList()).containsExactly(2);
		assertThat(this.store.read(5, 4096, 4096).clean()).isTrue();
		assertThat(this.store.read(5, 3 * 4096, 512).clean()).isTrue();
	}

	@Test
	void aRepairReplacesOnlyBadPagesNoLaterWriteLandedOn() throws Exception {
		byte[] good = random(3 * 4096);
		this.store.write(5, 1, 0, ByteBuffer.wrap(good), 1);
		this.store.close();
		flip(ChunkFileHeader.SIZE + 100);
		flip(ChunkFileHeader.SIZE + 4096 + 100);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
		// a partial write at entry 7 over bad page 1: the page stays bad, and content older than 7 cannot undo it
		byte[] later = random(512);
		this.store.write(5, 1, 4096, ByteBuffer.wrap(later), 7);
		assertThat(this.store.read(5, 4096, 512).badPages().stream().boxed().toList()).containsExactly(1);
		assertThat(this.store.repair(5, 0, ByteBuffer.wrap(good), 6)).isEqualTo(1);
		assertThat(this.store.read(5, 0, 4096).clean()).isTrue();
		assertThat(this.store.read(5, 4096, 4096).clean()).isFalse();
		byte[] afterSeven = good.clone();
		System.arraycopy(later, 0, afterSeven, 4096, 512);
		assertThat(this.store.repair(5, 0, ByteBuffer.wrap(afterSeven), 7)).isEqualTo(1);
		CheckedRead all = this.store.read(5, 0, 3 * 4096);
		assertThat(all.clean()).isTrue();
		assertThat(bytes(all.data())).isEqualTo(afterSeven);
		// good pages are never touched, nor chunks that do not exist
		assertThat(this.store.repair(5, 0, ByteBuffer.wrap(new byte[3 * 4096]), 9)).isZero();
		assertThat(this.store.repair(6, 0, ByteBuffer.wrap(good), 9)).isZero();
		assertThat(this.store.info(6)).isEmpty();
	}

	@Test
	void aRepairOlderThanWhatARestartReplayedIsRefused() throws Exception {
		this.store.write(5, 1, 0, ByteBuffer.wrap(random(4096)), 1);
		this.store.close();
		flip(ChunkFileHeader.SIZE + 100);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
		this.store.repairFloor(20);
		assertThat(this.store.repair(5, 0, ByteBuffer.wrap(random(4096)), 19)).isZero();
		assertThat(this.store.read(5, 0, 4096).clean()).isFalse();
	}

	@Test
	void aVersionOneFileGetsItsChecksumsOnOpen() throws Exception {
		byte[] data = random(4096);
		Path file = Files.createDirectories(this.dir.resolve("chunks")).resolve("chunk_8");
		ByteBuffer v1 = ByteBuffer.allocate(ChunkFileHeader.SIZE + CHUNK);
		v1.putInt(ChunkFileHeader.MAGIC).putInt(1).putLong(8).putLong(2).putLong(0).putInt(CHUNK);
		java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
		crc.update(v1.array(), 0, 36);
		v1.putInt((int) crc.getValue());
		v1.put(ChunkFileHeader.SIZE + 4096, data);
		Files.write(file, v1.array());
		assertThat(this.store.info(8)).hasValue(new ChunkFileHeader(8, 2, 0, CHUNK));
		CheckedRead read = this.store.read(8, 4096, 4096);
		assertThat(read.clean()).isTrue();
		assertThat(bytes(read.data())).isEqualTo(data);
		assertThat(Files.size(file)).isEqualTo(this.pool.fileLength());
	}

	@Test
	void keepsNoMoreFilesOpenThanItsBoundUnderConcurrentUse() throws Exception {
		OpenChunkFiles bound = new OpenChunkFiles(2);
		this.store.close();
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool, bound);
		int chunks = 6;
		for (int c = 0; c < chunks; c++) {
			this.store.write(c, 1, 0, ByteBuffer.wrap(Arrays.copyOf(random(4096 + c), 4096)), 1);
		}
		assertThat(bound.size()).isLessThanOrEqualTo(2);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int seed = t;
			threads.add(new Thread(() -> {
				Random r = new Random(seed);
				try {
					for (int i = 0; i < 300; i++) {
						int c = r.nextInt(chunks);
						CheckedRead read = this.store.read(c, 0, 4096);
						assertThat(read.clean()).isTrue();
						assertThat(bytes(read.data())).isEqualTo(Arrays.copyOf(random(4096 + c), 4096));
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			}));
		}
		threads.forEach(Thread::start);
		for (int i = 0; i < 200; i++) {
			int c = i % chunks;
			this.store.write(c, 1, 4096, ByteBuffer.wrap(random(4096)), 2 + i);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(failure.get()).isNull();
		assertThat(bound.size()).isLessThanOrEqualTo(2);
		assertThat(this.store.sync()).hasSize(chunks);
	}

	private void flip(long offset) throws Exception {
		Path file = this.dir.resolve("chunks").resolve("chunk_5");
		byte[] bytes = Files.readAllBytes(file);
		bytes[(int) offset] ^= 1;
		Files.write(file, bytes);
	}

	@Test
	void restoresTheFilesOfASnapshot() throws Exception {
		byte[] old = random(512);
		this.store.write(1, 1, 0, ByteBuffer.wrap(old), 1);
		this.store.write(2, 1, 0, ByteBuffer.wrap(old), 1);
		List<String> names = this.store.sync();
		assertThat(names).containsExactly("chunk_1", "chunk_2");
		Path snapshot = Files.createDirectories(this.dir.resolve("snapshot"));
		for (String name : names) {
			Files.createLink(snapshot.resolve(name), this.store.dir().resolve(name));
		}
		this.store.write(3, 1, 0, ByteBuffer.wrap(random(512)), 1);
		this.store.delete(2, 0);

		this.store.restore(snapshot, names);
		assertThat(this.store.info(3)).isEmpty();
		assertThat(bytes(this.store.read(2, 0, 512).data())).isEqualTo(old);
		assertThat(bytes(this.store.read(1, 0, 512).data())).isEqualTo(old);
	}

	private static byte[] random(int n) {
		byte[] b = new byte[n];
		new Random(n).nextBytes(b);
		return b;
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] b = new byte[buffer.remaining()];
		buffer.get(b);
		return b;
	}

	private static byte[] slice(byte[] b, int from, int length) {
		return Arrays.copyOfRange(b, from, from + length);
	}

}
