package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ChunkFilePoolTest {

	/** Small chunks keep the test fast; the pool does not care about the size. */
	static final int CHUNK = 64 * 1024;

	@TempDir
	Path dir;

	@Test
	void keepsTheTargetNumberOfZeroFilesReady() throws Exception {
		Path poolDir = this.dir.resolve("pool");
		try (ChunkFilePool pool = new ChunkFilePool(poolDir, CHUNK, 3)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.available() == 3);
			try (Stream<Path> files = Files.list(poolDir)) {
				assertThat(files).hasSize(3).allSatisfy(f -> {
					assertThat(f.toString()).endsWith(".chunk");
					assertThat(Files.size(f)).isEqualTo(ChunkFile.length(CHUNK));
				});
			}
			Path target = Files.createDirectories(this.dir.resolve("copyset")).resolve("chunk_9");
			pool.allocate(target, new ChunkFileHeader(9, 1, 0, CHUNK));
			try (ChunkFile file = ChunkFile.open(target, 9, CHUNK, new java.util.HashMap<>())) {
				assertThat(file.header()).isEqualTo(new ChunkFileHeader(9, 1, 0, CHUNK));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.available() == 3);
		}
	}

	@Test
	void createsAFileInlineWhenEmpty() throws Exception {
		try (ChunkFilePool pool = new ChunkFilePool(this.dir.resolve("pool"), CHUNK, 0)) {
			assertThat(pool.available()).isZero();
			Path target = this.dir.resolve("chunk_1");
			pool.allocate(target, new ChunkFileHeader(1, 0, 0, CHUNK));
			assertThat(Files.size(target)).isEqualTo(ChunkFile.length(CHUNK));
			try (ChunkFile file = ChunkFile.open(target, 1, CHUNK, new java.util.HashMap<>())) {
				ByteBuffer data = ByteBuffer.allocate(CHUNK);
				assertThat(file.read(data, 0)).as("pages that fail their checksum").isEqualTo(new java.util.BitSet());
				assertThat(data.array()).containsOnly(0);
			}
		}
	}

	@Test
	void dropsHalfMadeAndHandedOutFilesOnStart() throws Exception {
		Path poolDir = Files.createDirectories(this.dir.resolve("pool"));
		long length = ChunkFile.length(CHUNK);
		Files.write(poolDir.resolve("1.chunk"), new byte[(int) length]);
		Files.write(poolDir.resolve("2.chunk.tmp"), new byte[100]);
		Files.write(poolDir.resolve("3.chunk"), new byte[100]);
		Path formatted = poolDir.resolve("4.chunk");
		Files.write(formatted, new byte[(int) length]);
		ChunkFile.format(formatted, new ChunkFileHeader(4, 0, 0, CHUNK));
		try (ChunkFilePool pool = new ChunkFilePool(poolDir, CHUNK, 1)) {
			assertThat(pool.available()).isEqualTo(1);
			try (Stream<Path> files = Files.list(poolDir)) {
				assertThat(files.map(p -> p.getFileName().toString())).containsExactly("1.chunk");
			}
		}
	}

}
