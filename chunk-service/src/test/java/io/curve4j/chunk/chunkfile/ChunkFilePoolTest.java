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
			try (ChunkFile file = ChunkFile.open(target, 9, CHUNK, new java.util.HashMap<>(), null, null)) {
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
			try (ChunkFile file = ChunkFile.open(target, 1, CHUNK, new java.util.HashMap<>(), null, null)) {
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

	/**
	 * A deleted chunk's file goes back to the pool, is zeroed and handed out again; one a
	 * snapshot still links is only unlinked, so the snapshot keeps its data.
	 */
	@Test
	void deletedChunksComeBackZeroedUnlessASnapshotLinksThem() throws Exception {
		Path poolDir = this.dir.resolve("pool");
		try (ChunkFilePool pool = new ChunkFilePool(poolDir, CHUNK, 1);
				ChunkStore store = new ChunkStore(this.dir.resolve("chunks"), pool, new OpenChunkFiles(16))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.available() == 1);
			byte[] ones = new byte[CHUNK];
			java.util.Arrays.fill(ones, (byte) 1);
			store.write(7, 1, 0, ByteBuffer.wrap(ones), 1);
			store.write(8, 1, 0, ByteBuffer.wrap(ones), 2);
			assertThat(store.usedBytes()).isEqualTo(2 * ChunkFile.length(CHUNK));
			Path snapshot = Files.createDirectories(this.dir.resolve("snapshot")).resolve("chunk_8");
			Files.createLink(snapshot, store.dir().resolve("chunk_8"));

			store.delete(7, 0);
			store.delete(8, 0);
			store.delete(9, 0);
			assertThat(store.usedBytes()).isZero();
			assertThat(store.read(7, 0, CHUNK).data().array()).containsOnly(0);
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.dirty() == 0 && pool.available() == 2);
			try (Stream<Path> files = Files.list(poolDir)) {
				assertThat(files).hasSize(2).allSatisfy(f -> assertThat(Files.readAllBytes(f)).containsOnly(0));
			}
			assertThat(Files.readAllBytes(snapshot)).contains((byte) 1);
			// a later write creates the chunk again, from the recycled file
			store.write(7, 2, 0, ByteBuffer.wrap(new byte[512]), 3);
			assertThat(store.read(7, 0, CHUNK).data().array()).containsOnly(0);
			assertThat(store.usedBytes()).isEqualTo(ChunkFile.length(CHUNK));
		}
	}

}
