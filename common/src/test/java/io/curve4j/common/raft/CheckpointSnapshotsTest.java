package io.curve4j.common.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoint snapshots are stored flat with the db- prefix (the format the MDS has always
 * written), and loading one leaves a local state that is already at or past it alone.
 */
class CheckpointSnapshotsTest {

	@TempDir
	Path dir;

	@Test
	void savesFlatPrefixedFilesAndRestoresAStateThatIsBehind() throws IOException {
		FileState source = new FileState(this.dir.resolve("source"), 12, "twelve");
		Path snapshot = Files.createDirectories(this.dir.resolve("snapshot"));

		List<String> files = new CheckpointSnapshots(source).save(snapshot);

		assertThat(files).containsExactly("db-STATE");
		try (var listing = Files.list(snapshot)) {
			assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("db-STATE");
		}
		FileState behind = new FileState(this.dir.resolve("behind"), 3, "three");
		assertThat(new CheckpointSnapshots(behind).load(snapshot, files, 12)).isEqualTo(12);
		assertThat(behind.content()).isEqualTo("twelve");
	}

	@Test
	void aStateAtOrPastTheSnapshotIsKept() throws IOException {
		FileState source = new FileState(this.dir.resolve("source"), 12, "twelve");
		Path snapshot = Files.createDirectories(this.dir.resolve("snapshot"));
		List<String> files = new CheckpointSnapshots(source).save(snapshot);

		FileState ahead = new FileState(this.dir.resolve("ahead"), 20, "twenty");
		assertThat(new CheckpointSnapshots(ahead).load(snapshot, files, 12)).isEqualTo(20);
		assertThat(ahead.content()).isEqualTo("twenty");
	}

	/** A state of one file, "index content". */
	private static final class FileState implements CheckpointSnapshots.Checkpointable {

		private final Path dir;

		FileState(Path dir, long index, String content) throws IOException {
			this.dir = Files.createDirectories(dir);
			Files.writeString(dir.resolve("STATE"), index + " " + content, StandardCharsets.UTF_8);
		}

		@Override
		public void checkpoint(Path target) {
			try {
				Files.createDirectories(target);
				Files.copy(this.dir.resolve("STATE"), target.resolve("STATE"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void restore(Path checkpoint) {
			try {
				Files.copy(checkpoint.resolve("STATE"), this.dir.resolve("STATE"),
						StandardCopyOption.REPLACE_EXISTING);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public long appliedIndex() {
			return Long.parseLong(line()[0]);
		}

		String content() {
			return line()[1];
		}

		private String[] line() {
			try {
				return Files.readString(this.dir.resolve("STATE"), StandardCharsets.UTF_8).split(" ", 2);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
