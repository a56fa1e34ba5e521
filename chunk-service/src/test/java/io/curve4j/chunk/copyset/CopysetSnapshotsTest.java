package io.curve4j.chunk.copyset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.chunk.chunkfile.ChunkFilePool;
import io.curve4j.chunk.chunkfile.ChunkStore;
import io.curve4j.chunk.chunkfile.OpenChunkFiles;
import io.curve4j.membership.MembershipEpoch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copyset snapshot holds the chunk files (and snapshot copies), the membership epoch
 * and the write fences, in the format earlier versions wrote (so their snapshots still
 * load).
 */
class CopysetSnapshotsTest {

	private static final List<String> PEERS = List.of("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3");

	@TempDir
	Path dir;

	@Test
	void aSavedSnapshotLoadsIntoAnotherReplica() throws IOException {
		ChunkFilePool pool = new ChunkFilePool(this.dir.resolve("pool"), 64 * 1024, 0);
		ChunkStore source = new ChunkStore(this.dir.resolve("a"), pool, new OpenChunkFiles(64));
		source.write(7, 1, 4096, ByteBuffer.wrap(filled(9)), 1);
		WriteFences fences = new WriteFences();
		fences.admit(WriteFencesTest.id(42, 7, 2), 5);
		MembershipEpoch epoch = new MembershipEpoch("copyset-1-1", PEERS);
		epoch.committed(List.of("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:4"));
		Path snapshot = Files.createDirectories(this.dir.resolve("snapshot"));

		List<String> files = new CopysetSnapshots(source, fences, epoch).save(snapshot);

		assertThat(files).contains(CopysetSnapshots.MANIFEST).hasSize(2);
		assertThat(Files.readAllLines(snapshot.resolve(CopysetSnapshots.MANIFEST), StandardCharsets.UTF_8))
			.containsExactly(files.get(0), "epoch 1", "fence 42 7 5");

		ChunkStore target = new ChunkStore(this.dir.resolve("b"), pool, new OpenChunkFiles(64));
		WriteFences loadedFences = new WriteFences();
		MembershipEpoch loadedEpoch = new MembershipEpoch("copyset-1-1", PEERS);
		long index = new CopysetSnapshots(target, loadedFences, loadedEpoch).load(snapshot, files, 17);

		assertThat(index).isEqualTo(17);
		assertThat(loadedEpoch.value()).isEqualTo(1);
		assertThat(loadedFences.lines()).containsExactly("42 7 5");
		ByteBuffer read = target.read(7, 4096, 4096).data();
		byte[] bytes = new byte[read.remaining()];
		read.get(bytes);
		assertThat(bytes).isEqualTo(filled(9));
		// the snapshot's own configuration, reported next, is not a membership change
		loadedEpoch.committed(List.of("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:4"));
		assertThat(loadedEpoch.value()).isEqualTo(1);
	}

	/**
	 * A chunk with a snapshot copy is copied into the snapshot with its copy, as they stand
	 * at the save (other chunks are linked): the log replayed over them afterwards copies
	 * exactly the pages the source did, and the snapshot reads as before.
	 */
	@Test
	void aChunkWithASnapshotCopyIsCopiedWithItsCopyAtTheSave() throws IOException {
		ChunkFilePool pool = new ChunkFilePool(this.dir.resolve("pool"), 64 * 1024, 0);
		ChunkStore source = new ChunkStore(this.dir.resolve("a"), pool, new OpenChunkFiles(64));
		source.write(7, 1, 0, ByteBuffer.wrap(concat(filled(1), filled(2))), 1);
		source.write(8, 1, 0, ByteBuffer.wrap(filled(5)), 2);
		// the first write after snapshot 1 begins chunk 7's copy with page 0
		source.write(7, 2, 0, ByteBuffer.wrap(filled(3)), 3);
		Path snapshot = Files.createDirectories(this.dir.resolve("snapshot"));
		List<String> files = new CopysetSnapshots(source, new WriteFences(), new MembershipEpoch("copyset-1-1", PEERS))
			.save(snapshot);
		// after the save: page 1 is copied and overwritten on the source
		source.write(7, 2, 4096, ByteBuffer.wrap(filled(4)), 4);

		assertThat(source.copyOnWriteFileNames()).hasSize(2).allSatisfy(name -> assertThat(files).contains(name));
		for (String name : source.copyOnWriteFileNames()) {
			assertThat(Files.isSameFile(snapshot.resolve(name), source.dir().resolve(name))).as(name).isFalse();
		}
		assertThat(Files.isSameFile(snapshot.resolve("chunk_8"), source.dir().resolve("chunk_8"))).isTrue();

		ChunkStore target = new ChunkStore(this.dir.resolve("b"), pool, new OpenChunkFiles(64));
		new CopysetSnapshots(target, new WriteFences(), new MembershipEpoch("copyset-1-1", PEERS)).load(snapshot,
				files, 3);
		assertThat(bytes(target.read(7, 4096, 4096).data())).as("the chunk as saved").isEqualTo(filled(2));
		// replaying entry 4 copies page 1 as the source did
		target.write(7, 2, 4096, ByteBuffer.wrap(filled(4)), 4);
		for (ChunkStore store : List.of(source, target)) {
			assertThat(bytes(store.readSnapshot(7, 1, 0, 8192).read().data())).isEqualTo(concat(filled(1), filled(2)));
			assertThat(bytes(store.read(7, 0, 8192).data())).isEqualTo(concat(filled(3), filled(4)));
		}
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	private static byte[] filled(int value) {
		byte[] data = new byte[4096];
		Arrays.fill(data, (byte) value);
		return data;
	}

}
