package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

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
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool);
	}

	@AfterEach
	void close() throws Exception {
		this.store.close();
		this.pool.close();
	}

	@Test
	void readsBackWhatWasWrittenAndZerosElsewhere() throws Exception {
		byte[] data = random(8192);
		this.store.write(5, 1, 4096, ByteBuffer.wrap(data));
		assertThat(bytes(this.store.read(5, 4096, 8192))).isEqualTo(data);
		byte[] around = bytes(this.store.read(5, 0, 16384));
		assertThat(slice(around, 0, 4096)).containsOnly(0);
		assertThat(slice(around, 4096, 8192)).isEqualTo(data);
		assertThat(slice(around, 12288, 4096)).containsOnly(0);
		assertThat(bytes(this.store.read(6, 0, 512))).containsOnly(0);
		assertThat(this.store.info(6)).isEmpty();
	}

	@Test
	void survivesReopeningAndKeepsTheHighestSn() throws Exception {
		byte[] data = random(512);
		this.store.write(5, 3, CHUNK - 512, ByteBuffer.wrap(data));
		this.store.write(5, 2, 0, ByteBuffer.wrap(data));
		this.store.close();
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool);
		assertThat(bytes(this.store.read(5, CHUNK - 512, 512))).isEqualTo(data);
		assertThat(this.store.info(5)).hasValue(new ChunkFileHeader(5, 3, 0, CHUNK));
		this.store.write(5, 4, 0, ByteBuffer.wrap(data));
		assertThat(this.store.info(5).orElseThrow().sn()).isEqualTo(4);
	}

	@Test
	void deletesIdempotently() throws Exception {
		this.store.write(5, 1, 0, ByteBuffer.wrap(random(512)));
		this.store.delete(5);
		this.store.delete(5);
		assertThat(this.store.info(5)).isEmpty();
		assertThat(bytes(this.store.read(5, 0, 512))).containsOnly(0);
	}

	@Test
	void rejectsUnalignedAndOutOfRangeIo() {
		assertThatThrownBy(() -> this.store.read(1, 100, 512)).isInstanceOf(CurveException.class)
			.satisfies(e -> assertThat(((CurveException) e).code()).isEqualTo(ErrorCode.IO_NOT_ALIGNED));
		assertThatThrownBy(() -> this.store.write(1, 0, 0, ByteBuffer.allocate(100)))
			.satisfies(e -> assertThat(((CurveException) e).code()).isEqualTo(ErrorCode.IO_NOT_ALIGNED));
		assertThatThrownBy(() -> this.store.read(1, CHUNK - 512, 1024))
			.satisfies(e -> assertThat(((CurveException) e).code()).isEqualTo(ErrorCode.IO_OUT_OF_RANGE));
	}

	@Test
	void refusesACorruptChunkFile() throws Exception {
		this.store.write(5, 1, 0, ByteBuffer.wrap(random(512)));
		this.store.close();
		Path file = this.dir.resolve("chunks").resolve("chunk_5");
		byte[] bytes = Files.readAllBytes(file);
		bytes[10] ^= 1;
		Files.write(file, bytes);
		this.store = new ChunkStore(this.dir.resolve("chunks"), this.pool);
		assertThatThrownBy(() -> this.store.read(5, 0, 512)).isInstanceOf(CorruptChunkFileException.class)
			.hasMessageContaining("checksum");
	}

	@Test
	void restoresTheFilesOfASnapshot() throws Exception {
		byte[] old = random(512);
		this.store.write(1, 1, 0, ByteBuffer.wrap(old));
		this.store.write(2, 1, 0, ByteBuffer.wrap(old));
		List<String> names = this.store.sync();
		assertThat(names).containsExactly("chunk_1", "chunk_2");
		Path snapshot = Files.createDirectories(this.dir.resolve("snapshot"));
		for (String name : names) {
			Files.createLink(snapshot.resolve(name), this.store.dir().resolve(name));
		}
		this.store.write(3, 1, 0, ByteBuffer.wrap(random(512)));
		this.store.delete(2);

		this.store.restore(snapshot, names);
		assertThat(this.store.info(3)).isEmpty();
		assertThat(bytes(this.store.read(2, 0, 512))).isEqualTo(old);
		assertThat(bytes(this.store.read(1, 0, 512))).isEqualTo(old);
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
