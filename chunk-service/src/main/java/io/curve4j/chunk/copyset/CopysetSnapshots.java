package io.curve4j.chunk.copyset;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.curve4j.chunk.chunkfile.ChunkStore;
import io.curve4j.common.raft.SnapshotStore;
import io.curve4j.membership.MembershipEpoch;

/**
 * A copyset's Raft snapshot: its chunk files, forced to disk and hard-linked into the
 * snapshot directory, except the chunks that hold a snapshot copy, which are copied with
 * their copy ({@link ChunkStore#copyOnWriteFileNames}), plus a manifest
 * {@value #MANIFEST} listing them,
 * one name per line, followed by the membership epoch ({@code epoch N}) and the write
 * fences ({@code fence CLIENT REQUEST INDEX}, oldest first; older snapshots have no INDEX).
 *
 * <p>
 * A snapshot may hold chunk data newer than its index: every entry is an overwrite of a
 * range or a delete of a chunk, so replaying the log after the snapshot over newer files
 * gives the same files. Not so for a chunk and its snapshot copy: whether a write copies a
 * page first depends on both, so they are copied together at the snapshot's index (the
 * save runs on the apply thread), never read live at different moments.
 */
final class CopysetSnapshots implements SnapshotStore {

	static final String MANIFEST = "chunks.manifest";

	private static final String EPOCH_LINE = "epoch ";

	private static final String FENCE_LINE = "fence ";

	private final ChunkStore store;

	private final WriteFences fences;

	private final MembershipEpoch epoch;

	CopysetSnapshots(ChunkStore store, WriteFences fences, MembershipEpoch epoch) {
		this.store = store;
		this.fences = fences;
		this.epoch = epoch;
	}

	@Override
	public List<String> save(Path dir) throws IOException {
		List<String> names = this.store.sync();
		Set<String> copied = this.store.copyOnWriteFileNames();
		for (String name : names) {
			Path source = this.store.dir().resolve(name);
			if (copied.contains(name)) {
				copyForced(source, dir.resolve(name));
			}
			else {
				Files.createLink(dir.resolve(name), source);
			}
		}
		List<String> manifest = new ArrayList<>(names);
		manifest.add(EPOCH_LINE + this.epoch.value());
		this.fences.lines().forEach(fence -> manifest.add(FENCE_LINE + fence));
		Files.write(dir.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
		List<String> files = new ArrayList<>(names);
		files.add(MANIFEST);
		return files;
	}

	private static void copyForced(Path source, Path target) throws IOException {
		Files.copy(source, target);
		try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
	}

	/** Chunk files are the live files, linked; their pages carry checksums of their own. */
	@Override
	public boolean mayChangeAfterSave(String name) {
		return !name.equals(MANIFEST);
	}

	@Override
	public long load(Path dir, List<String> files, long lastIncludedIndex) throws IOException {
		List<String> names = new ArrayList<>();
		List<String> fenceLines = new ArrayList<>();
		long snapshotEpoch = 0;
		for (String line : Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
			if (line.startsWith(EPOCH_LINE)) {
				snapshotEpoch = Long.parseLong(line.substring(EPOCH_LINE.length()));
			}
			else if (line.startsWith(FENCE_LINE)) {
				fenceLines.add(line.substring(FENCE_LINE.length()));
			}
			else if (!line.isBlank()) {
				names.add(line);
			}
		}
		this.store.restore(dir, names);
		this.store.repairFloor(lastIncludedIndex);
		this.fences.restore(fenceLines);
		this.epoch.restore(snapshotEpoch);
		return lastIncludedIndex;
	}

}
