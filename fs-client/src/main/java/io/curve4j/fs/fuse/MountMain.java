package io.curve4j.fs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.curve4j.common.size.Sizes;
import io.curve4j.fs.client.CacheMode;
import io.curve4j.fs.client.DiskCache;
import io.curve4j.fs.client.FsFiles;
import io.curve4j.fs.client.FsMount;
import io.curve4j.fs.client.FsNamespace;
import io.curve4j.fs.client.FsSession;
import io.curve4j.fs.client.WriteBackUploads;

/**
 * The CurveFS client process: registers a mount with the MDS, mounts FUSE and serves it
 * until SIGTERM (or an unmount), then uploads what open files still buffer, unmounts and
 * gives the mount back. {@code bin/curve fs mount} starts it detached.
 */
@Command(name = "curve-fs-client", mixinStandardHelpOptions = true,
		description = "Mounts a CurveFS file system with FUSE.")
public final class MountMain implements Callable<Integer> {

	private static final Logger log = LoggerFactory.getLogger(MountMain.class);

	private static final Path DEV_FUSE = Path.of("/dev/fuse");

	@Option(names = "--mds", required = true, split = ",", description = "MDS gRPC addresses, host:port[,...]")
	List<String> mds;

	@Option(names = "--fs", required = true, description = "File system name")
	String fs;

	@Option(names = "--mountpoint", required = true, description = "An empty directory to mount on")
	Path mountPoint;

	@Option(names = "--user", required = true, description = "The user to sign MDS calls as")
	String user;

	@Option(names = "--secret-file", required = true, description = "A file holding the user's password (one line)")
	Path secretFile;

	@Option(names = "--cache-dir", description = "A directory on local disk for the mount's cache")
	Path cacheDir;

	@Option(names = "--cache-size", defaultValue = "10G",
			description = "Bytes the disk cache may hold (K, M, G, T suffixes; default ${DEFAULT-VALUE})")
	String cacheSize;

	@Option(names = "--cache-mode", converter = CacheModeConverter.class, description = "off, read-only (keeps objects"
			+ " read) or write-back (also writes: durable on the cache disk, uploaded in the background); read-only with"
			+ " --cache-dir, else off")
	CacheMode cacheMode;

	@Option(names = "--metadata-write-back", description = "With --cache-mode write-back: creates of files and the records"
			+ " of their writes are answered at once and committed to the metaservers in the background, many in one"
			+ " Raft entry (fsync waits for them; docs/architecture.md)")
	boolean metadataWriteBack;

	@Option(names = "--upload-delay", description = "With --cache-mode write-back: seconds a written piece waits on the"
			+ " cache disk before its upload; a file removed by then is never uploaded (default 0)")
	long uploadDelaySeconds;

	/** Seconds an unmount waits for write-back uploads; what is left is uploaded by the next start. */
	private static final Duration UPLOADS_ON_UNMOUNT = Duration.ofSeconds(60);

	/**
	 * Requests served at once. Each waits on its own metaserver call or S3 read; libfuse's
	 * own loop keeps up to 10 idle workers, and a few more leave room for slow reads.
	 */
	private static final int FUSE_THREADS = 16;

	@Option(names = "--foreground", description = "Log FUSE requests (libfuse's debug output)")
	boolean debug;

	public static void main(String[] args) {
		System.exit(new CommandLine(new MountMain()).execute(args));
	}

	@Override
	public Integer call() throws IOException, InterruptedException {
		if (!Files.exists(DEV_FUSE)) {
			System.err.println("cannot mount: " + DEV_FUSE + " is missing (load the fuse module, or give the container the device)");
			return 1;
		}
		if (!Files.isDirectory(this.mountPoint)) {
			System.err.println("cannot mount: " + this.mountPoint + " is not a directory");
			return 1;
		}
		CacheMode mode;
		try {
			mode = CacheMode.of(this.cacheMode, this.cacheDir != null);
			mode.checkUploadDelay(this.uploadDelaySeconds);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("cannot mount: " + ex.getMessage());
			return 2;
		}
		if (this.metadataWriteBack && mode != CacheMode.WRITE_BACK) {
			System.err.println("cannot mount: --metadata-write-back needs --cache-mode write-back");
			return 2;
		}
		String password = Files.readString(this.secretFile).strip();
		Path mp = this.mountPoint.toAbsolutePath().normalize();
		FsSession session = FsSession.open(this.mds, this.fs, this.user, password, mp.toString(), mode);
		FsMount mount = session.mount();
		DiskCache disk = mode == CacheMode.OFF ? null : new DiskCache(this.cacheDir, Sizes.parse(this.cacheSize));
		FsNamespace namespace = this.metadataWriteBack ? new FsNamespace(mount, session.meta(), disk, session.io())
				: new FsNamespace(mount, session.meta());
		WriteBackUploads writeBack = mode != CacheMode.WRITE_BACK ? null
				: new WriteBackUploads(disk, session.objects(), namespace, mount, 4,
						Duration.ofSeconds(this.uploadDelaySeconds), session.timers());
		if (disk != null) {
			log.info("{} disk cache in {}: {} bytes kept for reads, {} pending upload, of {}", mode.label(), this.cacheDir,
					disk.used(), disk.pendingBytes(), this.cacheSize);
			CacheMetrics.publish(disk, writeBack, namespace, this.fs, mp, this.cacheDir, session.timers());
		}
		if (writeBack != null) {
			// before serving anything: what an earlier run wrote back and did not upload goes first
			log.info("pieces an earlier run left pending upload: {}", writeBack.recover());
		}
		FsFiles files = new FsFiles(session, namespace, disk, writeBack);
		CurveFuse fuse = new CurveFuse(namespace, files);

		// SIGTERM (fs umount sends it) unmounts: the FUSE loops end and serve() returns
		Thread uploadOnExit = new Thread(() -> stop(files, namespace, writeBack, session), "curve-fs-shutdown");
		Runtime.getRuntime().addShutdownHook(uploadOnExit);
		log.info("mounting {} at {} (mount id {}, cache {}, upload delay {} s, metadata {})", this.fs, mp, mount.mountId(),
				mode.label(), this.uploadDelaySeconds, this.metadataWriteBack ? "write-back" : "committed before each call returns");
		fuse.serve(mp, this.debug, options(), FUSE_THREADS);
		log.info("unmounted {}", mp);
		stop(files, namespace, writeBack, session);
		return 0;
	}

	/**
	 * Uploads what open files still buffer (nothing acknowledged by close may be lost),
	 * commits the metadata written back, lets write-back uploads finish for a while, then
	 * gives the mount back.
	 */
	private static synchronized void stop(FsFiles files, FsNamespace namespace, WriteBackUploads writeBack,
			FsSession session) {
		files.flushAll(false);
		if (namespace.metadataWriteBack() != null) {
			namespace.metadataWriteBack().close(UPLOADS_ON_UNMOUNT);
		}
		if (writeBack != null && !writeBack.close(UPLOADS_ON_UNMOUNT)) {
			log.warn("{} written-back pieces are not uploaded yet: the next mount on this cache directory uploads them",
					writeBack.inFlight());
		}
		session.close();
	}

	/**
	 * Attribute and entry caches of 1 s (close-to-open still holds: open re-reads the
	 * inode); inode numbers passed through; 128 KiB writes; other users allowed when root
	 * runs the client (their access is still checked against the mode bits).
	 */
	private String[] options() {
		List<String> options = new ArrayList<>(List.of("-o", "fsname=curvefs:" + this.fs, "-o", "subtype=curvefs",
				"-o", "attr_timeout=1", "-o", "entry_timeout=1", "-o", "default_permissions", "-o", "use_ino",
				"-o", "big_writes", "-o", "max_write=131072"));
		if ("root".equals(System.getProperty("user.name"))) {
			options.addAll(List.of("-o", "allow_other"));
		}
		return options.toArray(String[]::new);
	}

}
