package io.curve4j.common.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;

/**
 * The snapshots of a metadata group whose state is a database that can checkpoint itself
 * (RocksDB). A snapshot is the checkpoint's files stored flat with a {@value #PREFIX}
 * prefix, so that other files may sit next to them later. Loading replaces the database
 * unless the local one already holds everything the snapshot has (a plain restart, where
 * jraft loads the last snapshot before replaying the log after it).
 */
public final class CheckpointSnapshots implements SnapshotStore {

	static final String PREFIX = "db-";

	private final Checkpointable state;

	public CheckpointSnapshots(Checkpointable state) {
		this.state = state;
	}

	@Override
	public List<String> save(Path dir) throws IOException {
		Path staging = dir.resolve("checkpoint");
		this.state.checkpoint(staging);
		List<String> names = new ArrayList<>();
		try (Stream<Path> files = Files.list(staging)) {
			for (Path file : files.toList()) {
				String name = PREFIX + file.getFileName();
				Files.move(file, dir.resolve(name));
				names.add(name);
			}
		}
		Files.delete(staging);
		return names;
	}

	@Override
	public long load(Path dir, List<String> files, long lastIncludedIndex) throws IOException {
		if (this.state.appliedIndex() >= lastIncludedIndex) {
			return this.state.appliedIndex();
		}
		Path staging = dir.resolveSibling(dir.getFileName() + ".load");
		FileUtils.deleteDirectory(staging.toFile());
		Files.createDirectories(staging);
		for (String name : files) {
			if (name.startsWith(PREFIX)) {
				Files.copy(dir.resolve(name), staging.resolve(name.substring(PREFIX.length())));
			}
		}
		this.state.restore(staging);
		FileUtils.deleteDirectory(staging.toFile());
		return this.state.appliedIndex();
	}

	/** A database that writes consistent copies of itself and can be replaced by one. */
	public interface Checkpointable {

		/** Writes a consistent copy into target, which must not exist. */
		void checkpoint(Path target);

		/** Replaces the whole state with a copy {@link #checkpoint} wrote. */
		void restore(Path checkpoint);

		/** Index of the last Raft entry whose changes the state holds. */
		long appliedIndex();

	}

}
