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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copyset snapshot holds the chunk files, the membership epoch and the write fences, in
 * the format earlier versions wrote (so their snapshots still load).
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

	private static byte[] filled(int value) {
		byte[] data = new byte[4096];
		Arrays.fill(data, (byte) value);
		return data;
	}

}
