package io.curve4j.fs.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.proto.metaserver.v1.Inode;

/**
 * A write-back mount's uploads. A piece whose objects were staged in the disk cache's
 * write area, and recorded on its inode as pending, goes to the store on a bounded pool;
 * then its inode marks it uploaded and its objects move to the read area. Until then the
 * objects stay staged (durable on local disk): a failed upload is tried again after
 * {@link #RETRY_AFTER}, and a restarted client uploads what it finds staged before it
 * serves anything ({@link #recover()}). A piece its inode no longer names (the file was
 * truncated or removed, or its write was never recorded) is deleted instead of kept.
 * <p>
 * With an upload delay a piece waits that long before its upload, and one whose file is
 * gone by then (no name left, and not open on this mount) is dropped without ever reaching
 * the store: a burst of small files costs local writes only while it lasts, and a
 * short-lived file costs no upload at all. A file removed on this mount has its waiting
 * pieces dropped at once ({@link #dropWaiting}). An unmount uploads the waiting pieces at once.
 */
public final class WriteBackUploads {

	private static final Logger log = LoggerFactory.getLogger(WriteBackUploads.class);

	static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	/**
	 * Longest wait for a restart's uploads before the mount serves anyway (the object store
	 * may be down; the bytes are read from the write area meanwhile, and `bin/curve fs
	 * mount` gives up on a client not mounted within 30 s).
	 */
	static final Duration RECOVERY_WAIT = Duration.ofSeconds(20);

	/** A piece (named by its chunk id) of an inode. */
	record PieceId(long inodeId, long chunkId) {
	}

	/** The objects of one piece, staged. */
	record StagedPiece(PieceId id, List<String> keys) {
	}

	private final DiskCache disk;

	private final SnapshotStore store;

	private final FsNamespace namespace;

	private final BlockNames names;

	private final String fsPrefix;

	private final ScheduledExecutorService timers;

	private final ExecutorService pool;

	private final Duration delay;

	/**
	 * Pieces waiting out {@link #delay}, by inode (a remove drops its file's at once), each
	 * with its scheduled upload. An inode's map is changed only inside this map's atomic calls.
	 */
	private final Map<Long, Map<StagedPiece, ScheduledFuture<?>>> waiting = new ConcurrentHashMap<>();

	/** Pieces submitted and not yet uploaded (or given up as unneeded). */
	private final Set<StagedPiece> inFlight = ConcurrentHashMap.newKeySet();

	private final AtomicLong uploadedBytes = new AtomicLong();

	/** Whether this mount has an inode open (set by {@link FsFiles}, which is made after this). */
	private volatile LongPredicate openHere = (inodeId) -> false;

	/**
	 * @param threads pieces uploaded at once
	 * @param delay how long a piece waits before its upload (zero: none)
	 */
	public WriteBackUploads(DiskCache disk, SnapshotStore store, FsNamespace namespace, FsMount mount, int threads,
			Duration delay, ScheduledExecutorService timers) {
		if (delay.isNegative()) {
			throw new IllegalArgumentException("the upload delay must not be negative: " + delay);
		}
		this.disk = disk;
		this.store = store;
		this.namespace = namespace;
		this.names = new BlockNames(mount.objectStore().getKeyPrefix(), mount.fs().getBlockSize());
		this.fsPrefix = BlockNames.fsPrefix(mount.objectStore().getKeyPrefix(), mount.fsId());
		this.timers = timers;
		this.delay = delay;
		this.pool = Executors.newFixedThreadPool(threads, FsSession.daemon("curve-fs-write-back"));
	}

	/** Uploads a staged piece in the background, again and again until it is in the store or unneeded. */
	public void submit(long inodeId, long chunkId, List<String> keys) {
		StagedPiece piece = new StagedPiece(new PieceId(inodeId, chunkId), List.copyOf(keys));
		this.inFlight.add(piece);
		if (this.delay.isZero()) {
			this.pool.execute(() -> attempt(piece));
			return;
		}
		this.waiting.compute(inodeId, (inode, pieces) -> {
			Map<StagedPiece, ScheduledFuture<?>> of = pieces == null ? new HashMap<>() : pieces;
			of.put(piece, this.timers.schedule(() -> {
				this.waiting.computeIfPresent(inode, (i, left) -> {
					left.remove(piece);
					return left.isEmpty() ? null : left;
				});
				this.pool.execute(() -> attempt(piece));
			}, this.delay.toMillis(), TimeUnit.MILLISECONDS));
			return of;
		});
	}

	/**
	 * Drops the waiting pieces of an inode this mount left with no name and does not have
	 * open: what the check at the end of the delay would decide, without reading the inode.
	 */
	public void dropWaiting(long inodeId) {
		stopWaiting(inodeId, (piece) -> {
			piece.keys().forEach(this.disk::discard);
			this.inFlight.remove(piece);
		});
	}

	/** Takes an inode's pieces out of their wait; each whose upload had not started yet goes to {@code then}. */
	private void stopWaiting(long inodeId, Consumer<StagedPiece> then) {
		Map<StagedPiece, ScheduledFuture<?>> pieces = this.waiting.remove(inodeId);
		if (pieces != null) {
			pieces.forEach((piece, upload) -> {
				if (upload.cancel(false)) {
					then.accept(piece);
				}
			});
		}
	}

	/**
	 * Uploads every piece staged by an earlier run of this client (its objects found in the
	 * write area at start), waiting up to {@link #RECOVERY_WAIT} for the first attempts;
	 * what is not uploaded by then keeps being tried in the background.
	 * @return the pieces found
	 */
	public int recover() {
		Map<PieceId, List<String>> byPiece = new HashMap<>();
		for (String key : this.disk.stagedKeys()) {
			long inodeId = BlockNames.inodeOf(this.fsPrefix, key);
			if (inodeId < 0) {
				log.warn("the write-back cache holds {}, which is not of this file system: left as it is", key);
				continue;
			}
			byPiece.computeIfAbsent(new PieceId(inodeId, BlockNames.chunkIdOf(key)), (p) -> new ArrayList<>()).add(key);
		}
		List<CompletableFuture<Void>> first = new ArrayList<>();
		byPiece.forEach((piece, keys) -> {
			StagedPiece staged = new StagedPiece(piece, List.copyOf(keys));
			this.inFlight.add(staged);
			first.add(CompletableFuture.runAsync(() -> attempt(staged), this.pool));
		});
		try {
			CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
				.get(RECOVERY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			log.warn("{} of {} pending pieces not uploaded yet; they keep being tried in the background",
					this.inFlight.size(), byPiece.size());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return byPiece.size();
	}

	/** Tells which inodes this mount has open: their pieces go up even when their last name is gone. */
	void openHere(LongPredicate isOpen) {
		this.openHere = isOpen;
	}

	/** Pieces submitted and not yet done. */
	public int inFlight() {
		return this.inFlight.size();
	}

	/** Bytes uploaded since start. */
	public long uploadedBytes() {
		return this.uploadedBytes.get();
	}

	/**
	 * Waits up to {@code timeout} for the uploads under way (unmount), then stops; what is
	 * still staged then is uploaded by the next start on this cache directory.
	 * @return whether every upload finished
	 */
	public boolean close(Duration timeout) {
		for (Long inodeId : this.waiting.keySet()) {
			stopWaiting(inodeId, (piece) -> this.pool.execute(() -> attempt(piece)));
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!this.inFlight.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.pool.shutdownNow();
		return this.inFlight.isEmpty();
	}

	private void attempt(StagedPiece piece) {
		try {
			upload(piece);
			this.inFlight.remove(piece);
		}
		catch (RuntimeException ex) {
			log.warn("upload of piece {} of inode {} failed, tried again in {}: {}", piece.id().chunkId(),
					piece.id().inodeId(), RETRY_AFTER, ex.toString());
			this.timers.schedule(() -> this.pool.execute(() -> attempt(piece)), RETRY_AFTER.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	private void upload(StagedPiece piece) {
		if (!this.delay.isZero() && !stillNeeded(piece)) {
			piece.keys().forEach(this.disk::discard);
			return;
		}
		for (String key : piece.keys()) {
			byte[] bytes = this.disk.staged(key);
			if (bytes != null) {
				this.store.put(key, bytes);
				this.uploadedBytes.addAndGet(bytes.length);
			}
		}
		Set<String> named = namedKeys(
				inodeOrNull(() -> this.namespace.markUploaded(piece.id().inodeId(), List.of(piece.id().chunkId()))));
		List<String> unneeded = piece.keys().stream().filter(key -> !named.contains(key)).toList();
		if (!unneeded.isEmpty()) {
			this.store.delete(unneeded);
		}
		for (String key : piece.keys()) {
			if (named.contains(key)) {
				this.disk.uploaded(key);
			}
			else {
				this.disk.discard(key);
			}
		}
	}

	/**
	 * Whether a piece that waited is still needed: its inode names any of its objects, and
	 * has a name left or is open here (an unlinked inode stays readable through open handles).
	 */
	private boolean stillNeeded(StagedPiece piece) {
		long inodeId = piece.id().inodeId();
		Inode inode = inodeOrNull(() -> this.namespace.getInode(inodeId));
		if (inode == null || (inode.getNlink() == 0 && !this.openHere.test(inodeId))) {
			return false;
		}
		Set<String> named = namedKeys(inode);
		return piece.keys().stream().anyMatch(named::contains);
	}

	/** The inode {@code read} returns, or null when it is gone. */
	private static Inode inodeOrNull(Supplier<Inode> read) {
		try {
			return read.get();
		}
		catch (CurveException ex) {
			if (ex.code() != ErrorCode.INODE_NOT_FOUND) {
				throw ex;
			}
			return null;
		}
	}

	/** The objects the inode names, current or retired; none when it is null (gone). */
	private Set<String> namedKeys(Inode inode) {
		if (inode == null) {
			return Set.of();
		}
		Set<String> named = new HashSet<>(this.names.pieceKeys(inode));
		named.addAll(this.names.retiredKeys(inode, Long.MAX_VALUE));
		return named;
	}

}
