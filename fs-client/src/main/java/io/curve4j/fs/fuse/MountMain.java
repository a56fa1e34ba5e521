package io.curve4j.fs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.curve4j.common.size.Sizes;
import io.curve4j.fs.client.DiskCache;
import io.curve4j.fs.client.FileData;
import io.curve4j.fs.client.FsMount;
import io.curve4j.fs.client.FsNamespace;
import io.curve4j.fs.client.FsSession;

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

	@Option(names = "--cache-dir", description = "Keep block objects read in this directory (a read cache on local disk)")
	Path cacheDir;

	@Option(names = "--cache-size", defaultValue = "10G",
			description = "Bytes the read cache may hold (K, M, G, T suffixes; default ${DEFAULT-VALUE})")
	String cacheSize;

	@Option(names = "--foreground", description = "Log FUSE requests (libfuse's debug output)")
	boolean debug;

	public static void main(String[] args) {
		System.exit(new CommandLine(new MountMain()).execute(args));
	}

	@Override
	public Integer call() throws IOException {
		if (!Files.exists(DEV_FUSE)) {
			System.err.println("cannot mount: " + DEV_FUSE + " is missing (load the fuse module, or give the container the device)");
			return 1;
		}
		if (!Files.isDirectory(this.mountPoint)) {
			System.err.println("cannot mount: " + this.mountPoint + " is not a directory");
			return 1;
		}
		String password = Files.readString(this.secretFile).strip();
		Path mp = this.mountPoint.toAbsolutePath().normalize();
		FsSession session = FsSession.open(this.mds, this.fs, this.user, password, mp.toString());
		FsMount mount = session.mount();
		FsNamespace namespace = new FsNamespace(mount, session.meta());
		ExecutorService uploads = Executors.newFixedThreadPool(4, FsSession.daemon("curve-fs-upload"));
		DiskCache disk = this.cacheDir == null ? null : new DiskCache(this.cacheDir, Sizes.parse(this.cacheSize));
		if (disk != null) {
			log.info("read cache in {}: {} of {} bytes used at start", this.cacheDir, disk.used(), this.cacheSize);
			session.timers().scheduleWithFixedDelay(() -> log.info("read cache: {} bytes used, {}% of reads from disk",
					disk.used(), Math.round(disk.hitRatio() * 100)), 1, 1, TimeUnit.MINUTES);
		}
		// prefetches and cache fills: a few at a time, the rest dropped (they only save time)
		ExecutorService background = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
				FsSession.daemon("curve-fs-prefetch"), new ThreadPoolExecutor.AbortPolicy());
		CurveFuse fuse = new CurveFuse(namespace,
				new FileData(mount, namespace, session.objects(), disk, session.io(), uploads, background));
		session.timers().scheduleWithFixedDelay(() -> fuse.flushOpenFiles(true), 1, 1, TimeUnit.SECONDS);

		// libfuse handles SIGTERM itself (fs umount sends it): its loop ends, it unmounts, and mount() returns
		Thread uploadOnExit = new Thread(() -> stop(fuse, session), "curve-fs-shutdown");
		Runtime.getRuntime().addShutdownHook(uploadOnExit);
		log.info("mounting {} at {} (mount id {})", this.fs, mp, mount.mountId());
		fuse.mount(mp, true, this.debug, options());
		log.info("unmounted {}", mp);
		stop(fuse, session);
		return 0;
	}

	/** Uploads what open files still buffer (nothing acknowledged by close may be lost), then gives the mount back. */
	private static synchronized void stop(CurveFuse fuse, FsSession session) {
		fuse.flushOpenFiles(false);
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
