package io.curve4j.membership;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import io.curve4j.proto.common.v1.CopysetKey;

/**
 * How a server keeps its copysets on disk: one directory each, {@code <root>/<pool>-<copyset>/},
 * with the copyset's id and initial members in {@code copyset.properties}, written before
 * the group starts so that a restart brings every copyset back without asking the MDS.
 */
public final class CopysetDirectories {

	static final String META_FILE = "copyset.properties";

	private CopysetDirectories() {
	}

	/** A copyset found on disk. */
	public record Found(CopysetKey key, List<String> initialPeers, Path dir) {
	}

	/** The directory name of a copyset: {@code <pool>-<copyset>}. */
	public static String name(CopysetKey key) {
		return Integer.toUnsignedString(key.getLogicalPoolId()) + "-" + Integer.toUnsignedString(key.getCopysetId());
	}

	/** Every copyset directory under root (created if missing), in name order. */
	public static List<Found> load(Path root) throws IOException {
		Files.createDirectories(root);
		List<Path> dirs;
		try (Stream<Path> entries = Files.list(root)) {
			dirs = entries.filter(d -> Files.isRegularFile(d.resolve(META_FILE))).sorted().toList();
		}
		List<Found> found = new ArrayList<>();
		for (Path dir : dirs) {
			Properties meta = new Properties();
			try (Reader in = Files.newBufferedReader(dir.resolve(META_FILE), StandardCharsets.UTF_8)) {
				meta.load(in);
			}
			CopysetKey key = CopysetKey.newBuilder()
				.setLogicalPoolId(Integer.parseUnsignedInt(meta.getProperty("logicalPoolId")))
				.setCopysetId(Integer.parseUnsignedInt(meta.getProperty("copysetId")))
				.build();
			found.add(new Found(key, Arrays.stream(meta.getProperty("peers").split(",")).map(String::trim).toList(), dir));
		}
		return found;
	}

	/** Written to a temporary file, forced and renamed, so a crash leaves the old file or the new one. */
	public static void writeMeta(Path dir, CopysetKey key, List<String> peers) throws IOException {
		Files.createDirectories(dir);
		Properties meta = new Properties();
		meta.setProperty("logicalPoolId", Integer.toUnsignedString(key.getLogicalPoolId()));
		meta.setProperty("copysetId", Integer.toUnsignedString(key.getCopysetId()));
		meta.setProperty("peers", String.join(",", peers));
		Path tmp = dir.resolve(META_FILE + ".tmp");
		try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
			meta.store(out, "copyset " + name(key) + ": initial members; the Raft log holds the current ones");
		}
		try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(tmp, dir.resolve(META_FILE), StandardCopyOption.ATOMIC_MOVE);
	}

	/** Deletes a removed replica's directory with everything in it. */
	public static void delete(Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
