package io.curve4j.fs.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

import com.github.benmanes.caffeine.cache.Caffeine;
import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.size.Sizes;
import io.curve4j.objectstore.ObjectStoreSettings;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.fs.v1.ObjectStoreInfo;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.metacache.MdsClient;
import io.curve4j.sdk.metacache.RequestSigner;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.RetrySettings;

/**
 * Everything one client of a file system holds: the mount's session with the MDS (calls
 * signed as the user), the metaserver routing, the object store the MDS named, and the
 * threads they run on. The FUSE client and {@code bin/curve fs check} each open one.
 */
public final class FsSession implements AutoCloseable {

	private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("curve-fs-timer"));

	/** Object store reads and writes of one request in parallel. */
	private final ExecutorService io = Executors.newFixedThreadPool(16, daemon("curve-fs-io"));

	private final ChannelPool channels = new ChannelPool(ChannelPool.plaintext((int) (16 * Sizes.MIB)));

	private final FsMount mount;

	private final MetaClient meta;

	private final S3Client s3;

	private final SnapshotStore objects;

	private boolean closed;

	private FsSession(List<String> mds, String fs, String user, String password, String mountPoint, CacheMode cache) {
		BoundedRetry retry = new BoundedRetry("curve-fs", RetrySettings.DEFAULTS, this.timers);
		MdsClient mdsClient = new MdsClient(mds, this.channels, retry, new RequestSigner(SigningKey.of(user, password)));
		try {
			this.mount = FsMount.mount(mdsClient, fs, hostName(), mountPoint, cache, this.timers);
		}
		catch (RuntimeException ex) {
			this.channels.close();
			this.timers.shutdownNow();
			this.io.shutdownNow();
			throw ex;
		}
		this.meta = new MetaClient(this.mount, this.channels, retry);
		this.s3 = settings(this.mount.objectStore()).newClient("the file system's object store");
		this.objects = new SnapshotStore(this.s3, this.mount.objectStore().getBucket());
	}

	/** Mounts file system {@code fs} for {@code mountPoint} (how the mount is listed) as {@code user}, with no disk cache. */
	public static FsSession open(List<String> mds, String fs, String user, String password, String mountPoint) {
		return open(mds, fs, user, password, mountPoint, CacheMode.OFF);
	}

	/** Mounts file system {@code fs} for {@code mountPoint}, listed with the disk cache's mode. */
	public static FsSession open(List<String> mds, String fs, String user, String password, String mountPoint,
			CacheMode cache) {
		return new FsSession(mds, fs, user, password, mountPoint, cache);
	}

	public FsMount mount() {
		return this.mount;
	}

	public MetaClient meta() {
		return this.meta;
	}

	public SnapshotStore objects() {
		return this.objects;
	}

	public ScheduledExecutorService timers() {
		return this.timers;
	}

	public ExecutorService io() {
		return this.io;
	}

	private static ObjectStoreSettings settings(ObjectStoreInfo info) {
		ObjectStoreSettings settings = new ObjectStoreSettings();
		if (!info.getEndpoint().isEmpty()) {
			settings.setEndpoint(URI.create(info.getEndpoint()));
		}
		settings.setBucket(info.getBucket());
		if (!info.getRegion().isEmpty()) {
			settings.setRegion(info.getRegion());
		}
		settings.setAccessKey(info.getAccessKey());
		settings.setSecretKey(info.getSecretKey());
		return settings;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

	/**
	 * A cache builder whose upkeep (expiry, eviction) runs on the thread that used the cache:
	 * handed to the common pool, it woke a thread for nearly every change, one more context
	 * switch per FUSE request on a machine with few cores.
	 */
	public static Caffeine<Object, Object> cache() {
		return Caffeine.newBuilder().executor(Runnable::run);
	}

	/** Daemon threads named {@code name}. */
	public static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Gives the mount back, then stops the threads and connections; a second call does nothing. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.mount.close();
		this.s3.close();
		this.channels.close();
		this.io.shutdownNow();
		this.timers.shutdownNow();
	}

}
