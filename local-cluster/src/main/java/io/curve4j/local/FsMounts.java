package io.curve4j.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * The CurveFS mounts of {@code curve fs mount}: each a FUSE client process started
 * detached, with its log and pid file in one directory ({@code $CURVE_HOME/mounts/}),
 * named after the mount point ({@code /mnt/a b} → {@code mnt_a_b.log}, {@code .pid}, {@code .secret}).
 */
public final class FsMounts {

	/** Where the kernel lists the mounts this process sees. */
	static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

	private static final Path SETSID = Path.of("/usr/bin/setsid");

	private final Path dir;

	public FsMounts(Path dir) {
		this.dir = dir.toAbsolutePath();
	}

	/** A mount started from this directory: its pid file names it. */
	public record Mount(String name, Path pidFile) {

		/** The client process, if it still runs and is a CurveFS client (a reused pid is not). */
		public Optional<ProcessHandle> process() {
			try {
				long pid = Long.parseLong(Files.readString(this.pidFile).trim());
				return ProcessHandle.of(pid)
					.filter(ProcessHandle::isAlive)
					.filter(p -> p.info().commandLine().map(c -> c.contains("--mountpoint=")).orElse(true));
			}
			catch (IOException | NumberFormatException ex) {
				return Optional.empty();
			}
		}

	}

	/** The file name stem of a mount point: its absolute path without the leading slash, unusual characters as '_'. */
	public static String name(Path mountPoint) {
		String path = mountPoint.toAbsolutePath().normalize().toString();
		String name = path.replaceAll("^/+", "").replaceAll("[^A-Za-z0-9._-]", "_");
		return name.isEmpty() ? "_root" : name;
	}

	public Path log(Path mountPoint) {
		return this.dir.resolve(name(mountPoint) + ".log");
	}

	public Path pidFile(Path mountPoint) {
		return this.dir.resolve(name(mountPoint) + ".pid");
	}

	/** The password file handed to the client: next to its log, readable by the owner only. */
	public Path secretFile(Path mountPoint) {
		return this.dir.resolve(name(mountPoint) + ".secret");
	}

	public Mount mount(Path mountPoint) {
		return new Mount(name(mountPoint), pidFile(mountPoint));
	}

	/** Every mount with a pid file here, running or not. */
	public List<Mount> list() {
		if (!Files.isDirectory(this.dir)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter(f -> f.getFileName().toString().endsWith(".pid"))
				.sorted()
				.map(f -> new Mount(f.getFileName().toString().replaceAll("\\.pid$", ""), f))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The mount point, absolute, once it is known to be a directory that is no FUSE mount
	 * yet, on a machine with {@code /dev/fuse}.
	 */
	public static Path checkMountPoint(Path mountPoint) {
		Path mp = mountPoint.toAbsolutePath().normalize();
		if (!Files.isDirectory(mp)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"mount point " + mp + " is not a directory; create it first (mkdir -p " + mp + ")");
		}
		if (isFuseMount(MOUNTINFO, mp)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, mp + " is already a FUSE mount");
		}
		if (!Files.exists(Path.of("/dev/fuse"))) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "/dev/fuse is missing: load the fuse module "
					+ "(modprobe fuse) or, in a container, run it with --device /dev/fuse --cap-add SYS_ADMIN");
		}
		return mp;
	}

	/**
	 * Starts the client for {@code command} (which mounts at {@code mountPoint}) detached,
	 * output appended to the mount's log, and waits until the kernel shows a FUSE mount
	 * there. Fails with the log's tail when the client exits or the mount does not show
	 * within {@code timeout} (the client is then stopped).
	 */
	public ProcessHandle start(List<String> command, Path mountPoint, Duration timeout) {
		Path mp = checkMountPoint(mountPoint);
		Path log = log(mp);
		List<String> detached = new ArrayList<>();
		// a session of its own: a hang-up of the terminal `fs mount` ran in does not reach the
		// client; setsid execs in place (the child of a JVM leads no group), so the pid stays
		if (Files.isExecutable(SETSID)) {
			detached.add(SETSID.toString());
		}
		detached.addAll(command);
		Process process;
		try {
			Files.createDirectories(this.dir);
			process = new ProcessBuilder(detached).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
				.start();
			Files.writeString(pidFile(mp), Long.toString(process.pid()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start the CurveFS client", ex);
		}
		Instant deadline = Instant.now().plus(timeout);
		while (!isFuseMount(MOUNTINFO, mp)) {
			if (!process.isAlive()) {
				throw new CurveException(ErrorCode.UNAVAILABLE, "the CurveFS client exited (code " + process.exitValue()
						+ ") before mounting; the end of " + log + ":\n" + tail(log, 30));
			}
			if (Instant.now().isAfter(deadline)) {
				process.destroy();
				throw new CurveException(ErrorCode.TIMEOUT, "no FUSE mount at " + mp + " after " + timeout.toSeconds()
						+ " s (client stopped); the end of " + log + ":\n" + tail(log, 30));
			}
			pause();
		}
		return process.toHandle();
	}

	/**
	 * Unmounts: SIGTERM to the client (which unmounts and gives its mount back to the MDS),
	 * waiting until the mount is gone; without a live client (it died) {@code fusermount3 -u}
	 * or {@code fusermount -u} removes the dead mount.
	 *
	 * @return how it was unmounted, for the user
	 */
	public String stop(Path mountPoint, Duration timeout) {
		Path mp = mountPoint.toAbsolutePath().normalize();
		Mount mount = mount(mp);
		Optional<ProcessHandle> client = Files.exists(mount.pidFile()) ? mount.process() : Optional.empty();
		String how;
		if (client.isPresent()) {
			client.get().destroy();
			Instant deadline = Instant.now().plus(timeout);
			while (client.get().isAlive() || isFuseMount(MOUNTINFO, mp)) {
				if (Instant.now().isAfter(deadline)) {
					break;
				}
				pause();
			}
			how = "client pid " + client.get().pid() + " stopped";
		}
		else if (!isFuseMount(MOUNTINFO, mp)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, mp + " is not a FUSE mount");
		}
		else {
			how = "no client running";
		}
		if (isFuseMount(MOUNTINFO, mp)) {
			fusermount(mp);
			how += "; unmounted with fusermount";
		}
		forget(mount);
		return how;
	}

	/** Deletes a stopped mount's pid and secret files. */
	public void forget(Mount mount) {
		try {
			Files.deleteIfExists(mount.pidFile());
			Files.deleteIfExists(this.dir.resolve(mount.name() + ".secret"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void fusermount(Path mp) {
		for (String tool : List.of("fusermount3", "fusermount")) {
			try {
				Process p = new ProcessBuilder(tool, "-u", mp.toString()).redirectErrorStream(true).start();
				String output = new String(p.getInputStream().readAllBytes()).trim();
				if (p.waitFor() == 0) {
					return;
				}
				if (!isFuseMount(MOUNTINFO, mp)) {
					return;
				}
				throw new CurveException(ErrorCode.UNAVAILABLE, tool + " -u " + mp + " failed: " + output);
			}
			catch (IOException ex) {
				// not installed: try the other one
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while unmounting " + mp);
			}
		}
		throw new CurveException(ErrorCode.UNAVAILABLE,
				"cannot unmount " + mp + ": neither fusermount3 nor fusermount is installed (apt-get install fuse3)");
	}

	/**
	 * Whether a mountinfo file lists a FUSE file system ({@code fuse}, {@code fuse.NAME})
	 * mounted at {@code mountPoint}. Fields: 5th the mount point (space, tab, newline and
	 * backslash octal-escaped), after the {@code -} separator the file system type.
	 */
	static boolean isFuseMount(Path mountinfo, Path mountPoint) {
		String wanted = mountPoint.toAbsolutePath().normalize().toString();
		try {
			for (String line : Files.readAllLines(mountinfo)) {
				String[] fields = line.split(" ");
				int dash = List.of(fields).indexOf("-");
				if (fields.length < 5 || dash < 0 || dash + 1 >= fields.length) {
					continue;
				}
				String type = fields[dash + 1];
				if (unescape(fields[4]).equals(wanted) && (type.equals("fuse") || type.startsWith("fuse."))) {
					return true;
				}
			}
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String unescape(String field) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < field.length(); i++) {
			char c = field.charAt(i);
			if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
				out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
				i += 3;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	static String tail(Path log, int count) {
		try {
			List<String> lines = Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
			return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

	private static void pause() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the mount");
		}
	}

}
