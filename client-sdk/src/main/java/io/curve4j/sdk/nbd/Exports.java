package io.curve4j.sdk.nbd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.FileStat;

/**
 * The exports of one server: a volume is opened by the first connection that names it
 * and closed when its last connection goes, so all connections to a volume share one
 * open volume (one MDS session, one metacache). Which connection may use which volume is
 * checked for each connection ({@link ExportAccess}) against the owner the open volume
 * reports. Opening and listing call the MDS and may take seconds under failures, so they
 * run on a thread of their own, never on an event loop.
 */
final class Exports implements AutoCloseable {

	/** Directories and volumes walked at most to list the exports of one client. */
	static final int LIST_LIMIT = 1000;

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private final Function<String, BlockDevice> opener;

	private final Supplier<List<Listed>> lister;

	private final ExecutorService blocking;

	private final Map<String, Entry> entries = new HashMap<>();

	Exports(Function<String, BlockDevice> opener, Supplier<List<Listed>> lister) {
		this.opener = opener;
		this.lister = lister;
		this.blocking = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "nbd-exports");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** The volumes of {@code client}, by path. */
	static Exports of(CurveClient client) {
		return new Exports((path) -> BlockDevice.of(client.open(path)), () -> volumes(client));
	}

	/**
	 * An export name names a volume path; the leading slash is optional because NBD URIs
	 * ({@code nbd://host:port/demo/vol1}) drop it.
	 */
	static String volumePath(String exportName) {
		return exportName.startsWith("/") ? exportName : "/" + exportName;
	}

	/**
	 * Opens the export (or shares the open one) if {@code access} permits its owner; pair
	 * every success with {@link #release}. A volume that {@code access} does not permit
	 * fails as one that does not exist ({@code VOLUME_NOT_FOUND}).
	 */
	CompletableFuture<Export> acquire(String exportName, ExportAccess access) {
		return acquire(exportName).thenApply((export) -> {
			if (access.permits(export.owner())) {
				return export;
			}
			release(export);
			throw new CurveException(ErrorCode.VOLUME_NOT_FOUND, "volume " + export.name() + " does not exist");
		});
	}

	/** The volume paths {@code access} permits, of at most {@link #LIST_LIMIT} entries walked. */
	CompletableFuture<List<String>> list(ExportAccess access) {
		return CompletableFuture.supplyAsync(this.lister, this.blocking)
			.thenApply((volumes) -> volumes.stream()
				.filter((volume) -> access.permits(volume.owner()))
				.map(Listed::path)
				.toList());
	}

	private CompletableFuture<Export> acquire(String exportName) {
		String path = volumePath(exportName);
		synchronized (this.entries) {
			Entry entry = this.entries.get(path);
			if (entry == null) {
				entry = new Entry(CompletableFuture.supplyAsync(() -> new Export(path, this.opener.apply(path)),
						this.blocking));
				this.entries.put(path, entry);
				Entry opening = entry;
				entry.export.whenComplete((export, failure) -> {
					if (failure != null) {
						forget(path, opening);
					}
				});
			}
			entry.references++;
			return entry.export;
		}
	}

	void release(Export export) {
		Entry entry;
		synchronized (this.entries) {
			entry = this.entries.get(export.name());
			if (entry == null || --entry.references > 0) {
				return;
			}
			this.entries.remove(export.name());
		}
		try {
			// closing ends the MDS session: a network call
			this.blocking.execute(export::close);
		}
		catch (RejectedExecutionException ex) {
			// the server is stopping
			export.close();
		}
	}

	/** Closes every open export; connections still using one see their I/O fail. */
	@Override
	public void close() {
		List<Entry> open;
		synchronized (this.entries) {
			open = new ArrayList<>(this.entries.values());
			this.entries.clear();
		}
		for (Entry entry : open) {
			entry.export.thenAccept(Export::close);
		}
		this.blocking.shutdown();
		try {
			// let releases already queued end their sessions while the client still can
			this.blocking.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void forget(String path, Entry entry) {
		synchronized (this.entries) {
			this.entries.remove(path, entry);
		}
	}

	/** Every volume under {@code /}, breadth first, up to {@link #LIST_LIMIT} entries walked. */
	private static List<Listed> volumes(CurveClient client) {
		List<Listed> volumes = new ArrayList<>();
		List<String> directories = new ArrayList<>(List.of("/"));
		int walked = 0;
		for (int i = 0; i < directories.size() && walked < LIST_LIMIT; i++) {
			List<FileStat> children;
			try {
				children = client.list(directories.get(i));
			}
			catch (CurveException ex) {
				if (ex.code() == ErrorCode.DIRECTORY_NOT_FOUND) {
					// removed while we walked
					continue;
				}
				throw ex;
			}
			for (FileStat child : children) {
				if (++walked > LIST_LIMIT) {
					break;
				}
				if (child.isDirectory()) {
					directories.add(child.path());
				}
				else {
					volumes.add(new Listed(child.path(), child.owner()));
				}
			}
		}
		return volumes;
	}

	/** A volume as listing finds it. */
	record Listed(String path, String owner) {

	}

	/** An export opened or being opened, and how many connections hold it. */
	private static final class Entry {

		private final CompletableFuture<Export> export;

		private int references;

		Entry(CompletableFuture<Export> export) {
			this.export = export;
		}

	}

}
