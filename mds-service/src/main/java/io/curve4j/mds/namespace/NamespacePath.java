package io.curve4j.mds.namespace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * A valid absolute path in the namespace: "/" or "/a/b" with no empty segment, no "."
 * or "..", no NUL and no name longer than 255 bytes. Anything else is INVALID_PATH.
 *
 * @param names the path's segments, empty for the root
 */
public record NamespacePath(List<String> names) {

	/** Longest name of a file or directory, in UTF-8 bytes (as in POSIX file systems). */
	public static final int MAX_NAME_BYTES = 255;

	/** Longest whole path, in UTF-8 bytes. */
	public static final int MAX_PATH_BYTES = 4096;

	public static final NamespacePath ROOT = new NamespacePath(List.of());

	public NamespacePath {
		names = List.copyOf(names);
	}

	public static NamespacePath parse(String path) {
		if (path == null || path.isEmpty()) {
			throw invalid(path, "a path is required");
		}
		if (!path.startsWith("/")) {
			throw invalid(path, "paths are absolute: start with '/'");
		}
		if (path.indexOf('\0') >= 0) {
			throw invalid(path, "a path cannot contain NUL");
		}
		if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
			throw invalid(path, "a path is at most " + MAX_PATH_BYTES + " bytes");
		}
		if (path.equals("/")) {
			return ROOT;
		}
		String[] parts = path.substring(1).split("/", -1);
		for (String name : parts) {
			if (name.isEmpty()) {
				throw invalid(path, "empty path segment (a doubled or trailing '/')");
			}
			if (name.equals(".") || name.equals("..")) {
				throw invalid(path, "'.' and '..' are not allowed");
			}
			if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
				throw invalid(path, "a name is at most " + MAX_NAME_BYTES + " bytes");
			}
		}
		return new NamespacePath(List.of(parts));
	}

	public boolean isRoot() {
		return this.names.isEmpty();
	}

	/** The last segment; the root has none. */
	public String name() {
		return this.names.get(this.names.size() - 1);
	}

	public NamespacePath parent() {
		return new NamespacePath(this.names.subList(0, this.names.size() - 1));
	}

	public NamespacePath child(String name) {
		List<String> all = new ArrayList<>(this.names);
		all.add(name);
		return new NamespacePath(all);
	}

	/** True when this path is other or lies below it. */
	public boolean isWithin(NamespacePath other) {
		return this.names.size() >= other.names.size()
				&& this.names.subList(0, other.names.size()).equals(other.names);
	}

	@Override
	public String toString() {
		return "/" + String.join("/", this.names);
	}

	private static CurveException invalid(String path, String why) {
		return new CurveException(ErrorCode.INVALID_PATH, "invalid path '" + path + "': " + why);
	}

}
