package io.curve4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.fs.client.CacheMode;
import io.curve4j.fs.client.FsCheck;
import io.curve4j.fs.client.FsSession;
import io.curve4j.fs.fuse.CacheModeConverter;
import io.curve4j.local.FsMounts;
import io.curve4j.local.LocalCluster;
import io.curve4j.sdk.cluster.ClusterEndpoints;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;

/**
 * {@code curve fs create|list|info|delete|mount|umount|check}: CurveFS file systems through
 * the MDS REST API, FUSE mounts of them as detached client processes whose logs and pid
 * files live in {@code $CURVE_HOME/mounts/}, and the check of their objects against their
 * metadata.
 */
@Command(name = "fs", mixinStandardHelpOptions = true, description = "CurveFS file systems and their FUSE mounts.",
		subcommands = { FsCommand.Create.class, FsCommand.ListFs.class, FsCommand.Info.class, FsCommand.Delete.class,
				FsCommand.Mount.class, FsCommand.Umount.class, FsCommand.Check.class })
final class FsCommand {

	/** How long {@code fs mount} waits for the kernel to show the mount. */
	static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(30);

	/** The client's jar in the source tree that bin/curve runs from. */
	static final String CLIENT_JAR = "fs-client/target/curve-fs-client-exec.jar";

	static FsMounts mounts() {
		return new FsMounts(ClusterEndpoints.curveHome().resolve(LocalCluster.MOUNTS_DIR));
	}

	@Command(name = "create", mixinStandardHelpOptions = true,
			description = "Create a file system (NAME: 1-64 of A-Z a-z 0-9 _ . -), owned by you.")
	static final class Create extends RestSubcommand {

		@Parameters(paramLabel = "NAME")
		String name;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			MdsRestApi.FileSystem fs = rest.createFs(new MdsRestApi.NewFs(this.name));
			out.println("Created file system " + fs.name() + " (id " + fs.id() + ", owner " + fs.owner() + ", "
					+ fs.partitions().size() + " partitions, " + fs.status() + ").");
		}

	}

	@Command(name = "list", mixinStandardHelpOptions = true,
			description = "List file systems: name, owner, status, partitions, mounts, created.")
	static final class ListFs extends RestSubcommand {

		@Mixin
		OutputOptions output;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			List<MdsRestApi.FileSystem> fileSystems = MdsRestApi.Page.all((page) -> rest.fileSystems(page, 1000, "name"));
			this.output.print(out, fileSystems, (text) -> print(fileSystems, text));
		}

		private static void print(List<MdsRestApi.FileSystem> fileSystems, PrintWriter out) {
			Table table = new Table("NAME", "ID", "OWNER", "STATUS", "PARTITIONS", "MOUNTS", "CREATED");
			for (MdsRestApi.FileSystem fs : fileSystems) {
				table.row(fs.name(), fs.id(), fs.owner(), fs.status(), fs.partitions().size(), fs.mounts().size(),
						time(fs.createdAt()));
			}
			if (table.isEmpty()) {
				out.println("No file systems.");
				return;
			}
			table.print(out, "");
		}

	}

	@Command(name = "info", mixinStandardHelpOptions = true,
			description = "Show a file system: sizes, partitions (inode ranges, copysets) and mounts.")
	static final class Info extends RestSubcommand {

		@Parameters(paramLabel = "NAME")
		String name;

		@Mixin
		OutputOptions output;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			MdsRestApi.FileSystem fs = rest.fileSystem(this.name);
			this.output.print(out, fs, (text) -> print(fs, text));
		}

		private static void print(MdsRestApi.FileSystem fs, PrintWriter out) {
			out.println("name:        " + fs.name());
			out.println("id:          " + fs.id());
			out.println("owner:       " + fs.owner());
			out.println("status:      " + fs.status());
			out.println("chunk size:  " + Sizes.format(fs.chunkSize()));
			out.println("block size:  " + Sizes.format(fs.blockSize()));
			out.println("created:     " + time(fs.createdAt()));
			out.println("partitions:");
			Table partitions = new Table("ID", "INODES", "COPYSET", "POOL", "STATUS");
			for (MdsRestApi.FsPartition p : fs.partitions()) {
				partitions.row(p.id(), "[" + p.startInode() + ", " + p.endInode() + ")", p.copysetId(), p.logicalPoolId(),
						p.status());
			}
			partitions.print(out, "  ");
			if (fs.mounts().isEmpty()) {
				out.println("mounts:      none");
				return;
			}
			out.println("mounts:");
			Table mounts = new Table("ID", "HOST", "MOUNT POINT", "CACHE", "LEASE UNTIL");
			for (MdsRestApi.FsMount m : fs.mounts()) {
				// an MDS or a client from before cache modes reports none
				mounts.row(m.id(), m.host(), m.mountPoint(),
						m.cacheMode() == null || m.cacheMode().isEmpty() ? "-" : m.cacheMode(),
						time(m.expiresAt()));
			}
			mounts.print(out, "  ");
		}

	}

	@Command(name = "delete", mixinStandardHelpOptions = true,
			description = "Delete an unmounted file system and its metadata; its data objects in S3 are left "
					+ "to the metaservers' trash.")
	static final class Delete extends RestSubcommand {

		@Parameters(paramLabel = "NAME")
		String name;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			rest.deleteFs(this.name);
			out.println("Deleted file system " + this.name + ".");
		}

	}

	@Command(name = "mount", mixinStandardHelpOptions = true,
			description = "Mount file system NAME at the directory MOUNTPOINT (FUSE); returns once mounted, "
					+ "the client runs in the background (log in $CURVE_HOME/mounts/).")
	static final class Mount implements Runnable {

		@Parameters(index = "0", paramLabel = "NAME")
		String name;

		@Parameters(index = "1", paramLabel = "MOUNTPOINT")
		Path mountPoint;

		@Option(names = "--cache-dir", paramLabel = "PATH",
				description = "A disk cache for this mount in PATH (kept across mounts)")
		Path cacheDir;

		@Option(names = "--cache-size", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "10G",
				description = "What the disk cache may hold (default ${DEFAULT-VALUE}); past 90 %% the least recently read "
						+ "objects go until 70 %% is left, and write-back writes go straight to the object store")
		long cacheSize;

		@Option(names = "--cache-mode", paramLabel = "MODE", converter = CacheModeConverter.class,
				description = "read-only (the default with --cache-dir): keeps the objects read; write-back: also writes,"
						+ " durable once on the cache disk and uploaded in the background; off (the default without)")
		CacheMode cacheMode;

		@Option(names = "--metadata-write-back", description = "With --cache-mode write-back: file creates and the records"
				+ " of their writes are committed to the metaservers in the background, many at a time (fsync waits for them)")
		boolean metadataWriteBack;

		@Option(names = "--upload-delay", paramLabel = "SECONDS", defaultValue = "0",
				description = "With --cache-mode write-back: seconds a written piece waits on the cache disk before its"
						+ " upload; a file removed by then is never uploaded, and other mounts cannot read its bytes until"
						+ " they are (EIO after 10 s) (default ${DEFAULT-VALUE})")
		long uploadDelaySeconds;

		@Mixin
		ClusterOptions cluster;

		@Spec
		CommandSpec spec;

		@Override
		public void run() {
			CacheMode mode;
			try {
				mode = CacheMode.of(this.cacheMode, this.cacheDir != null);
				mode.checkUploadDelay(this.uploadDelaySeconds);
			}
			catch (IllegalArgumentException ex) {
				throw new ParameterException(this.spec.commandLine(), ex.getMessage());
			}
			if (this.metadataWriteBack && mode != CacheMode.WRITE_BACK) {
				throw new ParameterException(this.spec.commandLine(), "--metadata-write-back needs --cache-mode write-back");
			}
			FsMounts mounts = mounts();
			Path mp = FsMounts.checkMountPoint(this.mountPoint);
			Path jar = Path.of(System.getProperty("curve.root", ".")).toAbsolutePath().resolve(CLIENT_JAR);
			if (!Files.exists(jar)) {
				throw new CurveException(ErrorCode.UNAVAILABLE,
						"no CurveFS client jar " + jar + "; build first: mvn -B -DskipTests package");
			}
			List<String> grpc = mdsGrpc(this.cluster);
			Credentials credentials = credentials(this.cluster);
			Path secretFile = writeSecret(mounts, mp, credentials.password());
			List<String> command = new ArrayList<>(LocalCluster.javaCommand());
			command.addAll(List.of("-Xmx512m", "-jar", jar.toString(), "--mds=" + String.join(",", grpc),
					"--fs=" + this.name, "--mountpoint=" + mp, "--user=" + credentials.user(),
					"--secret-file=" + secretFile));
			command.add("--cache-mode=" + mode.label());
			if (this.metadataWriteBack) {
				command.add("--metadata-write-back");
			}
			if (this.uploadDelaySeconds > 0) {
				command.add("--upload-delay=" + this.uploadDelaySeconds);
			}
			if (this.cacheDir != null) {
				command.addAll(List.of("--cache-dir=" + this.cacheDir.toAbsolutePath().normalize(),
						"--cache-size=" + this.cacheSize));
			}
			ProcessHandle client = mounts.start(command, mp, MOUNT_TIMEOUT);
			PrintWriter out = this.spec.commandLine().getOut();
			out.println("Mounted " + this.name + " at " + mp + " (client pid " + client.pid() + ", log "
					+ mounts.log(mp) + ").");
			out.flush();
		}

		/** The password for the client, readable by the owner only (not on its command line, which anyone can read). */
		private static Path writeSecret(FsMounts mounts, Path mp, String password) {
			Path file = mounts.secretFile(mp);
			try {
				Files.createDirectories(file.getParent());
				Files.deleteIfExists(file);
				Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
				Files.writeString(file, password + "\n");
				return file;
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot write " + file, ex);
			}
		}

	}

	static List<String> mdsGrpc(ClusterOptions cluster) {
		List<String> grpc = cluster.endpoints().mdsGrpc().stream().filter((a) -> !a.isBlank()).toList();
		if (grpc.isEmpty()) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "the cluster lists no MDS gRPC address");
		}
		return grpc;
	}

	static Credentials credentials(ClusterOptions cluster) {
		Credentials credentials = cluster.credentials();
		if (credentials == null) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "no credentials to mount with; set CURVE_PASSWORD");
		}
		return credentials;
	}

	@Command(name = "check", mixinStandardHelpOptions = true,
			description = "Compare file system NAME's objects in the object store with its metadata: objects nothing "
					+ "references (garbage the metaservers sweep once older than their orphan age) and objects "
					+ "the metadata names that are missing (lost data). Exit code 0: neither; 1: some found.")
	static final class Check implements Callable<Integer> {

		/** Findings listed by name at most; the counts are always whole. */
		static final int LISTED = 20;

		@Parameters(index = "0", paramLabel = "NAME")
		String name;

		@Mixin
		ClusterOptions cluster;

		@Mixin
		OutputOptions output;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() {
			Credentials credentials = credentials(this.cluster);
			FsCheck.Report report;
			try (FsSession session = FsSession.open(mdsGrpc(this.cluster), this.name, credentials.user(),
					credentials.password(), "(bin/curve fs check)")) {
				report = FsCheck.run(session.mount(), session.meta(), session.objects());
			}
			this.output.print(this.spec.commandLine().getOut(), report, (text) -> print(report, text));
			return report.clean() ? 0 : 1;
		}

		private void print(FsCheck.Report report, PrintWriter out) {
			out.printf("%s: %d objects, %d inodes, %d objects of retired pieces awaiting deletion%n", this.name,
					report.objects(), report.inodes(), report.retired());
			out.printf("unreferenced objects: %d%n", report.unreferenced().size());
			report.unreferenced().stream().limit(LISTED).forEach((u) -> out.printf("  %s  (written %ds ago)%n", u.key(),
					u.age().toSeconds()));
			out.printf("pending upload on write-back clients: %d objects%n", report.pending());
			out.printf("missing objects: %d%n", report.missing().size());
			report.missing().stream().limit(LISTED).forEach((key) -> out.printf("  %s%n", key));
		}

	}

	@Command(name = "umount", mixinStandardHelpOptions = true,
			description = "Unmount MOUNTPOINT: stop its client (which flushes and gives the mount back), or "
					+ "remove a dead client's mount with fusermount.")
	static final class Umount implements Runnable {

		@Parameters(paramLabel = "MOUNTPOINT")
		Path mountPoint;

		@Spec
		CommandSpec spec;

		@Override
		public void run() {
			FsMounts mounts = mounts();
			Path mp = this.mountPoint.toAbsolutePath().normalize();
			String how = mounts.stop(mp, MOUNT_TIMEOUT);
			PrintWriter out = this.spec.commandLine().getOut();
			out.println("Unmounted " + mp + " (" + how + ").");
			out.flush();
		}

	}

}
