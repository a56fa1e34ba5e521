package io.curve4j.chunk.chunkfile;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Copy-on-write of chunks for volume snapshots: a write with a higher sequence number
 * than the chunk's keeps the pages it overwrites in the chunk's snapshot copy, once each.
 */
class CopyOnWriteTest {

	static final int CHUNK = 64 * 1024;

	static final int PAGE = 4096;

	@TempDir
	Path dir;

	private ChunkFilePool pool;

	private ChunkStore store;

	@BeforeEach
	void open() throws Exception {
		this.pool = new ChunkFilePool(this.dir.resolve("pool"), CHUNK, 1);
		this.store = reopen();
	}

	private ChunkStore reopen() throws Exception {
		return new ChunkStore(this.dir.resolve("chunks"), this.pool, new OpenChunkFiles(64));
	}

	@AfterEach
	void close() throws Exception {
		this.store.close();
		this.pool.close();
	}

	@Test
	void aWriteAfterASnapshotKeepsTheOldPagesOnceAndTheSnapshotReadMergesThem() throws Exception {
		this.store.write(5, 1, 0, filled(1, 4 * PAGE), 1);
		this.store.write(5, 2, PAGE, filled(2, PAGE), 2);
		this.store.write(5, 2, PAGE, filled(3, 2 * PAGE), 3);

		assertThat(bytes(this.store.read(5, 0, 4 * PAGE).data()))
			.isEqualTo(concat(fill(1, PAGE), fill(3, 2 * PAGE), fill(1, PAGE)));
		SnapshotRead atOne = this.store.readSnapshot(5, 1, 0, 4 * PAGE);
		assertThat(atOne.contentSn()).isEqualTo(1);
		assertThat(atOne.read().clean()).isTrue();
		// page 1 was copied by the sn 2 write and not again by the next: it still holds 1s
		assertThat(bytes(atOne.read().data())).isEqualTo(fill(1, 4 * PAGE));
		assertThat(this.store.snapshotContentSn(5, 1)).isEqualTo(1);
		assertThat(this.store.info(5).orElseThrow().sn()).isEqualTo(2);
		// at sn 2 the chunk itself is the content
		assertThat(bytes(this.store.readSnapshot(5, 2, PAGE, PAGE).read().data())).isEqualTo(fill(3, PAGE));
		assertThat(this.store.snapshotContentSn(5, 2)).isEqualTo(2);
		assertThat(this.store.snapshotCopyIds()).containsExactly(5L);
	}

	/** Snapshot reads racing the apply thread's copy-then-write never see a page after it. */
	@Test
	void snapshotReadsDuringCopyOnWriteSeeOnlyTheSnapshot() throws Exception {
		int chunks = 20;
		for (long chunk = 0; chunk < chunks; chunk++) {
			this.store.write(chunk, 1, 0, filled(1, CHUNK), 1);
		}
		AtomicBoolean done = new AtomicBoolean();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread reader = new Thread(() -> {
			try {
				while (!done.get()) {
					for (long chunk = 0; chunk < chunks; chunk++) {
						assertThat(bytes(this.store.readSnapshot(chunk, 1, 0, CHUNK).read().data())).containsOnly(1);
					}
				}
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		reader.start();
		try {
			for (long chunk = 0; chunk < chunks; chunk++) {
				for (int page = 0; page < CHUNK / PAGE; page++) {
					this.store.write(chunk, 2, (long) page * PAGE, filled(page + 2, PAGE), 2);
				}
			}
		}
		finally {
			done.set(true);
			reader.join();
		}
		assertThat(failure.get()).isNull();
		assertThat(bytes(this.store.read(3, 5 * PAGE, PAGE).data())).containsOnly(7);
	}

	@Test
	void aPartialPageWriteCopiesTheWholePage() throws Exception {
		this.store.write(5, 1, 0, filled(1, 2 * PAGE), 1);
		this.store.write(5, 2, 1024, filled(2, 512), 2);

		byte[] now = bytes(this.store.read(5, 0, PAGE).data());
		assertThat(Arrays.copyOfRange(now, 1024, 1536)).containsOnly(2);
		assertThat(Arrays.copyOfRange(now, 0, 1024)).containsOnly(1);
		assertThat(bytes(this.store.readSnapshot(5, 1, 512, 1536).read().data())).containsOnly(1);
	}

	@Test
	void aStaleWriteIsRefusedAndChangesNothing() throws Exception {
		this.store.write(5, 2, 0, filled(2, PAGE), 1);
		assertThatThrownBy(() -> this.store.write(5, 1, 0, filled(1, PAGE), 2)).isInstanceOfSatisfying(
				CurveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.STALE_SEQUENCE));
		assertThat(bytes(this.store.read(5, 0, PAGE).data())).containsOnly(2);
		assertThat(this.store.info(5).orElseThrow().sn()).isEqualTo(2);
		assertThat(this.store.snapshotCopyIds()).isEmpty();
	}

	@Test
	void aSecondSnapshotWaitsUntilTheFirstCopyIsDeleted() throws Exception {
		this.store.write(5, 1, 0, filled(1, PAGE), 1);
		this.store.write(5, 2, 0, filled(2, PAGE), 2);
		assertThatThrownBy(() -> this.store.write(5, 3, 0, filled(3, PAGE), 3)).isInstanceOfSatisfying(
				CurveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.SNAPSHOT_IN_PROGRESS));
		assertThat(bytes(this.store.read(5, 0, PAGE).data())).containsOnly(2);
		assertThat(bytes(this.store.readSnapshot(5, 1, 0, PAGE).read().data())).containsOnly(1);

		long used = this.store.usedBytes();
		this.store.deleteSnapshotOrCorrectSn(5, 2);
		assertThat(this.store.snapshotCopyIds()).isEmpty();
		assertThat(this.store.usedBytes()).isLessThan(used);
		assertThat(this.pool.dirty() + this.pool.available()).isGreaterThanOrEqualTo(1);
		assertThatThrownBy(() -> this.store.readSnapshot(5, 1, 0, PAGE)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.SNAPSHOT_NOT_FOUND));

		this.store.write(5, 3, 0, filled(3, PAGE), 4);
		assertThat(bytes(this.store.readSnapshot(5, 2, 0, PAGE).read().data())).containsOnly(2);
		assertThat(this.store.snapshotContentSn(5, 2)).isEqualTo(2);
	}

	@Test
	void correctingAChunkWithNoCopyMakesWritesUpToItCopyNothing() throws Exception {
		this.store.write(5, 1, 0, filled(1, PAGE), 1);
		this.store.deleteSnapshotOrCorrectSn(5, 2);
		this.store.deleteSnapshotOrCorrectSn(5, 2);
		this.store.deleteSnapshotOrCorrectSn(6, 2);
		assertThat(this.store.info(5).orElseThrow().correctedSn()).isEqualTo(2);
		assertThat(this.store.info(6)).isEmpty();

		this.store.write(5, 2, 0, filled(2, PAGE), 2);
		assertThat(this.store.snapshotCopyIds()).isEmpty();
		assertThatThrownBy(() -> this.store.snapshotContentSn(5, 1)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.SNAPSHOT_NOT_FOUND));
	}

	@Test
	void aChunkMadeAfterTheSnapshotReadsAsZerosWithContentSnZero() throws Exception {
		this.store.write(5, 2, 0, filled(2, PAGE), 1);
		SnapshotRead read = this.store.readSnapshot(5, 1, 0, PAGE);
		assertThat(read.contentSn()).isZero();
		assertThat(bytes(read.read().data())).containsOnly(0);
		SnapshotRead missing = this.store.readSnapshot(9, 1, 0, PAGE);
		assertThat(missing.contentSn()).isZero();
		assertThat(bytes(missing.read().data())).hasSize(PAGE).containsOnly(0);
		assertThat(this.store.snapshotContentSn(9, 1)).isZero();
	}

	@Test
	void aTrimAfterASnapshotKeepsTheChunksContentInItsCopy() throws Exception {
		this.store.write(5, 1, 0, filled(1, 2 * PAGE), 1);
		this.store.write(5, 2, 0, filled(2, PAGE), 2);
		this.store.delete(5, 2);

		assertThat(this.store.info(5)).isEmpty();
		assertThat(this.store.chunkIds()).isEmpty();
		assertThat(this.store.snapshotCopyIds()).containsExactly(5L);
		SnapshotRead atOne = this.store.readSnapshot(5, 1, 0, 3 * PAGE);
		assertThat(atOne.contentSn()).isEqualTo(1);
		assertThat(bytes(atOne.read().data())).isEqualTo(concat(fill(1, 2 * PAGE), fill(0, PAGE)));
		assertThat(this.store.snapshotContentSn(5, 2)).as("deleted by then").isZero();
		assertThat(bytes(this.store.readSnapshot(5, 2, 0, PAGE).read().data())).containsOnly(0);

		this.store.write(5, 2, PAGE, filled(3, PAGE), 3);
		assertThat(bytes(this.store.read(5, 0, 2 * PAGE).data())).isEqualTo(concat(fill(0, PAGE), fill(3, PAGE)));
		assertThat(bytes(this.store.readSnapshot(5, 1, 0, 2 * PAGE).read().data())).containsOnly(1);
		this.store.delete(5, 2);
		this.store.deleteSnapshotOrCorrectSn(5, 2);
		assertThat(this.store.snapshotCopyIds()).isEmpty();
		assertThat(this.store.usedBytes()).isZero();
	}

	@Test
	void aTrimAsTheFirstChangeAfterASnapshotBeginsTheCopyAndAStaleOneIsRefused() throws Exception {
		this.store.write(6, 1, 0, filled(1, PAGE), 1);
		this.store.delete(6, 2);
		assertThat(bytes(this.store.readSnapshot(6, 1, 0, PAGE).read().data())).containsOnly(1);
		assertThat(this.store.snapshotContentSn(6, 1)).isEqualTo(1);

		this.store.write(7, 2, 0, filled(2, PAGE), 2);
		assertThatThrownBy(() -> this.store.delete(7, 1)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.STALE_SEQUENCE));
		assertThat(bytes(this.store.read(7, 0, PAGE).data())).containsOnly(2);

		// a delete that does not know the sequence number still completes a copy the chunk has
		this.store.write(8, 1, 0, filled(1, 2 * PAGE), 3);
		this.store.write(8, 2, 0, filled(2, PAGE), 4);
		this.store.delete(8, 0);
		assertThat(bytes(this.store.readSnapshot(8, 1, 0, 2 * PAGE).read().data())).containsOnly(1);

		this.store.deleteSnapshotOrCorrectSn(6, 2);
		this.store.deleteSnapshotOrCorrectSn(8, 2);
		assertThat(this.store.snapshotCopyIds()).isEmpty();
		assertThat(this.store.usedBytes()).as("chunk 7 alone").isEqualTo(ChunkFile.length(CHUNK));
	}

	@Test
	void aChunkWrittenBeforeSequenceNumbersCountsAsWrittenAtOne() throws Exception {
		this.store.write(5, 0, 0, filled(1, PAGE), 1);
		this.store.write(6, 0, 0, filled(1, PAGE), 2);
		this.store.write(5, 2, 0, filled(2, PAGE), 3);
		SnapshotRead read = this.store.readSnapshot(5, 1, 0, PAGE);
		assertThat(read.contentSn()).isEqualTo(1);
		assertThat(bytes(read.read().data())).containsOnly(1);
		assertThat(this.store.snapshotContentSn(6, 1)).isEqualTo(1);
	}

	@Test
	void reopeningKeepsTheCopyAndItsBitmap() throws Exception {
		this.store.write(5, 1, 0, filled(1, 2 * PAGE), 1);
		this.store.write(5, 2, 0, filled(2, PAGE), 2);
		long used = this.store.usedBytes();
		this.store.close();
		this.store = reopen();

		assertThat(this.store.usedBytes()).isEqualTo(used).isEqualTo(ChunkFile.length(CHUNK) + SnapshotCopy.length(CHUNK));
		assertThat(this.store.chunkIds()).containsExactly(5L);
		assertThat(this.store.snapshotCopyIds()).containsExactly(5L);
		// page 0 is marked copied: writing it again keeps the 1s; page 1 is copied now
		this.store.write(5, 2, 0, filled(3, 2 * PAGE), 3);
		assertThat(bytes(this.store.readSnapshot(5, 1, 0, 2 * PAGE).read().data())).containsOnly(1);
		assertThat(bytes(this.store.read(5, 0, 2 * PAGE).data())).containsOnly(3);
	}

	/**
	 * A power loss after a copy-on-write: the copy was forced, the chunk's new page made it
	 * to disk but its raised sn did not. Replaying the write must neither refuse it as a
	 * second snapshot nor copy the (new) page again.
	 */
	@Test
	void aReplayAfterACrashThatLostTheChunksRaisedSnKeepsTheCopy() throws Exception {
		this.store.write(5, 1, 0, filled(1, 2 * PAGE), 1);
		this.store.write(5, 2, 0, filled(2, PAGE), 2);
		this.store.close();
		Path chunk = this.dir.resolve("chunks").resolve("chunk_5");
		try (FileChannel channel = FileChannel.open(chunk, StandardOpenOption.WRITE)) {
			channel.write(new ChunkFileHeader(5, 1, 0, CHUNK).encode(), 0);
		}
		this.store = reopen();
		assertThat(this.store.info(5).orElseThrow().sn()).isEqualTo(1);

		this.store.write(5, 2, 0, filled(2, PAGE), 2);
		assertThat(bytes(this.store.readSnapshot(5, 1, 0, 2 * PAGE).read().data())).containsOnly(1);
		assertThat(this.store.info(5).orElseThrow().sn()).isEqualTo(2);
	}

	@Test
	void replayingTheSameEntriesAgainGivesTheSameFiles() throws Exception {
		applyHistory();
		Map<String, String> once = files();
		applyHistory();
		assertThat(files()).isEqualTo(once);
		this.store.close();
		this.store = reopen();
		applyHistory();
		assertThat(files()).isEqualTo(once);
		assertThat(bytes(this.store.readSnapshot(5, 2, 0, 3 * PAGE).read().data()))
			.isEqualTo(concat(fill(2, 2 * PAGE), fill(0, PAGE)));
	}

	/** A log's entries, applied as the state machine does: a refusal changes nothing and the next entry follows. */
	private void applyHistory() throws Exception {
		Object[][] entries = { { 1L, 0, 1, 2 * PAGE }, { 2L, PAGE, 2, PAGE }, { 2L, 0, 2, PAGE }, { 1L, 0, 9, PAGE },
				{ -2L }, { 3L, 0, 3, 3 * PAGE }, { 3L, PAGE, 4, 512 } };
		long index = 0;
		for (Object[] entry : entries) {
			index++;
			try {
				long sn = (Long) entry[0];
				if (sn < 0) {
					this.store.deleteSnapshotOrCorrectSn(5, -sn);
				}
				else {
					this.store.write(5, sn, (Integer) entry[1], filled((Integer) entry[2], (Integer) entry[3]), index);
				}
			}
			catch (CurveException refused) {
				// deterministic: the same on every replica and at every replay
			}
		}
	}

	private Map<String, String> files() throws Exception {
		this.store.sync();
		Map<String, String> files = new TreeMap<>();
		try (Stream<Path> list = Files.list(this.dir.resolve("chunks"))) {
			for (Path file : list.toList()) {
				files.put(file.getFileName().toString(),
						HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
			}
		}
		return files;
	}

	static ByteBuffer filled(int value, int length) {
		return ByteBuffer.wrap(fill(value, length));
	}

	static byte[] fill(int value, int length) {
		byte[] data = new byte[length];
		Arrays.fill(data, (byte) value);
		return data;
	}

	static byte[] concat(byte[]... parts) {
		int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
		ByteBuffer out = ByteBuffer.allocate(length);
		for (byte[] part : parts) {
			out.put(part);
		}
		return out.array();
	}

	static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

}
