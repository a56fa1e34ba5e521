package io.curve4j.fs.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.fs.NewInodes;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.metaserver.v1.AppendPiecesRequest;
import io.curve4j.proto.metaserver.v1.BatchOp;
import io.curve4j.proto.metaserver.v1.BatchRequest;
import io.curve4j.proto.metaserver.v1.BatchResponse;
import io.curve4j.proto.metaserver.v1.BatchResult;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeResponse;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.ReserveInodesRequest;
import io.curve4j.proto.metaserver.v1.ReserveInodesResponse;

/**
 * Metadata write-back (a mount with {@code --metadata-write-back}): the creates of regular
 * files and the piece records their closes leave are answered by this mount at once and
 * committed to the metaservers by one thread in the background, up to {@link #BATCH_OPS}
 * of a partition in one Raft entry ({@code ApplyBatch}), sent once the oldest has waited
 * {@link #LINGER} or at once when someone waits for the commit. A create takes an inode id the
 * partition reserved for this mount, so the id the kernel sees never changes.
 *
 * <p>The rules (docs/architecture.md, "Metadata write-back"): {@code fsync} returns once
 * the file's records are committed; a close without it is not durable against a crash of
 * this client; every other change of the namespace (unlink, rename, chmod, mkdir...) and
 * every listing waits until everything before it is committed, so they see a tree in
 * which the pending creates are done; another mount sees a file once its records are
 * committed. A name another mount took meanwhile is kept for the other mount, and this
 * mount's file is committed as {@code NAME.conflict-INODE} beside it (logged).
 */
public final class MetadataWriteBack implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MetadataWriteBack.class);

	/** Ops in one Raft entry (the metaserver takes up to 1000). */
	static final int BATCH_OPS = 500;

	/**
	 * How long the oldest op waits for others to join its batch when nobody waits for its
	 * commit. A Raft entry's fixed cost (replication, journal sync, the staged objects'
	 * sync here) dominates small batches: sending each batch as soon as the last one was
	 * committed cost the metaservers 710-970 µs of CPU per new 4 KiB file, a linger of
	 * 10 ms 370-520, of 50 ms 170-260 (bench/README.md, "Fuller metadata batches").
	 */
	static final Duration LINGER = Duration.ofMillis(50);

	/** Inode ids reserved at a time. */
	static final int RESERVE = 1000;

	/** Ops waiting before a new one waits for room: bounds what a crash of this client can lose. */
	static final int MAX_PENDING = 10_000;

	/** A batch the metaservers did not take is sent again after this. */
	static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	/** An op waiting for its commit, numbered in the order it was made. */
	private sealed interface Op permits Create, Append {

		long seq();

		/** {@link System#nanoTime()} when it was queued. */
		long queuedNs();

		int partitionId();

		long inodeId();

		BatchOp op();

	}

	private record Create(long seq, long queuedNs, int partitionId, long inodeId, CreateInodeRequest request)
			implements Op {

		@Override
		public BatchOp op() {
			return BatchOp.newBuilder().setCreateInode(this.request).build();
		}

	}

	/** Its pieces' objects are staged in the disk cache, synced before it is sent; {@code committed} runs after (ok or not). */
	private record Append(long seq, long queuedNs, int partitionId, long inodeId, AppendPiecesRequest request,
			Runnable committed) implements Op {

		@Override
		public BatchOp op() {
			return BatchOp.newBuilder().setAppendPieces(this.request).build();
		}

	}

	private record Name(long parent, String name) {
	}

	/** Inode ids [next, end) reserved in a partition and not used yet. */
	private static final class Reservation {

		long next;

		long end;

	}

	private final FsMount mount;

	private final MetaClient meta;

	private final DiskCache disk;

	private final Committed onCommit;

	private final Thread committer;

	private final AtomicLong conflicts = new AtomicLong();

	private final AtomicLong batches = new AtomicLong();

	// guarded by this

	private final ArrayDeque<Op> queue = new ArrayDeque<>();

	private long made;

	private long committed;

	private final Map<Long, Long> lastOpOf = new HashMap<>();

	/** Pending inodes as this mount sees them. */
	private final Map<Long, Inode> views = new HashMap<>();

	private final Map<Name, Dentry> names = new HashMap<>();

	/**
	 * Inodes whose records the metaservers refused, and why: the latest 10 000 (each was
	 * logged; a file forgotten here is still absent from the metaservers, so its reads fail).
	 */
	private final Cache<Long, CurveException> failed = FsSession.cache().maximumSize(10_000).build();

	private final Map<Integer, Reservation> reservations = new HashMap<>();

	private boolean stopped;

	/** Threads waiting for a commit: the batch goes without lingering. */
	private int awaiting;

	/** What the namespace learns from the commits. */
	public interface Committed {

		/** The inode as committed, once nothing is pending on it. */
		void inode(Inode inode);

		/** A name committed in {@code parent} (also the one asked, when the file went beside it). */
		void name(long parent, String name);

	}

	/** @param disk the write-back cache the appended pieces are staged in */
	public MetadataWriteBack(FsMount mount, MetaClient meta, DiskCache disk, Committed onCommit) {
		this.mount = mount;
		this.meta = meta;
		this.disk = disk;
		this.onCommit = onCommit;
		this.committer = FsSession.daemon("curve-fs-metadata-write-back").newThread(this::commitLoop);
		this.committer.start();
	}

	/**
	 * A regular file (or another non-directory) named {@code request.name} in its parent, in
	 * {@code partition} (the parent's): answered now, committed later.
	 * @param request the create, with its request id and without inode id
	 * @return the inode as it will be
	 */
	public Inode create(PartitionInfo partition, CreateInodeRequest.Builder request) {
		if (request.getType() == InodeType.DIRECTORY || request.getName().isEmpty()) {
			throw new IllegalArgumentException("only named non-directories are created later");
		}
		int partitionId = partition.getPartitionId();
		long inodeId = reserve(partitionId);
		CreateInodeRequest create = request.clone().setInodeId(inodeId).build();
		Inode inode = NewInodes.of(this.mount.fsId(), inodeId, create, create.getTimeNs());
		synchronized (this) {
			awaitRoom();
			Create op = new Create(++this.made, System.nanoTime(), partitionId, inodeId, create);
			this.views.put(inodeId, inode);
			this.names.put(new Name(create.getParent(), create.getName()), Dentry.newBuilder().setParent(create.getParent())
				.setName(create.getName()).setInodeId(inodeId).setType(create.getType()).build());
			enqueue(op);
		}
		return inode;
	}

	/**
	 * Pieces staged in the write-back cache join the inode's lists later; the length and
	 * modification time this mount shows change now.
	 * @param committed runs once the record is committed or refused (the uploads start then)
	 */
	public void appendPieces(long inodeId, Map<Long, ChunkPieces> pieces, long newLength, long mtimeNs,
			Runnable committed) {
		int partitionId = this.mount.partitionOf(inodeId).getPartitionId();
		AppendPiecesRequest request = AppendPiecesRequest.newBuilder().setInodeId(inodeId).putAllPieces(pieces)
			.setNewLength(newLength).setMtimeNs(mtimeNs).build();
		synchronized (this) {
			awaitRoom();
			Inode view = this.views.get(inodeId);
			if (view != null) {
				this.views.put(inodeId, view.toBuilder().setLength(Math.max(view.getLength(), newLength))
					.setMtimeNs(mtimeNs).setCtimeNs(mtimeNs).build());
			}
			enqueue(new Append(++this.made, System.nanoTime(), partitionId, inodeId, request, committed));
		}
	}

	/** The name when this mount created it and its create is not committed yet, else null. */
	public synchronized Dentry pendingName(long parent, String name) {
		return this.names.get(new Name(parent, name));
	}

	/** The inode as this mount will have it, while its create is not committed; else null. */
	public synchronized Inode view(long inodeId) {
		return this.views.get(inodeId);
	}

	/** Whether records of the inode wait for their commit. */
	public synchronized boolean pending(long inodeId) {
		return this.lastOpOf.containsKey(inodeId);
	}

	/** Ops not committed yet. */
	public synchronized int backlog() {
		return this.queue.size();
	}

	/** Batches committed (one Raft entry each), since start. */
	public long batches() {
		return this.batches.get();
	}

	/** Records committed, since start. */
	public synchronized long committed() {
		return this.committed;
	}

	/** Files committed beside a name another mount took first, since start. */
	public long conflicts() {
		return this.conflicts.get();
	}

	/**
	 * Waits until every record of the inode made so far is committed.
	 * @throws CurveException when the metaservers refused one (the file's data is lost)
	 */
	public synchronized void await(long inodeId) {
		Long last = this.lastOpOf.get(inodeId);
		if (last != null) {
			awaitCommitted(last);
		}
		CurveException refused = this.failed.getIfPresent(inodeId);
		if (refused != null) {
			throw new CurveException(ErrorCode.INTERNAL, "the metaservers refused the records of inode " + inodeId
					+ ", so what was written to it is lost: " + refused.getMessage(), refused);
		}
	}

	/** Waits until every record made so far is committed: a change that is not a create goes after them. */
	public synchronized void awaitAll() {
		awaitCommitted(this.made);
	}

	/**
	 * Commits what is pending, waiting up to {@code timeout}, then stops.
	 * @return whether everything was committed
	 */
	public boolean close(Duration timeout) {
		synchronized (this) {
			boolean all = awaitCommitted(this.made, System.nanoTime() + timeout.toNanos());
			this.stopped = true;
			notifyAll();
			if (!all) {
				log.error("{} metadata records were not committed before the mount stopped: the files they create or"
						+ " write are lost", this.made - this.committed);
			}
			return all;
		}
	}

	@Override
	public void close() {
		close(Duration.ZERO);
	}

	private long reserve(int partitionId) {
		synchronized (this.reservations) {
			Reservation ids = this.reservations.computeIfAbsent(partitionId, (p) -> new Reservation());
			if (ids.next == ids.end) {
				ReserveInodesResponse reserved = this.meta.<ReserveInodesResponse>call(partitionId, "reserve inode ids",
						false, (stub, ref, o) -> stub.reserveInodes(ReserveInodesRequest.newBuilder().setPartition(ref)
							.setCount(RESERVE).build(), o));
				ids.next = reserved.getFirstInode();
				ids.end = reserved.getFirstInode() + reserved.getCount();
			}
			return ids.next++;
		}
	}

	private void enqueue(Op op) {
		this.queue.addLast(op);
		this.lastOpOf.put(op.inodeId(), op.seq());
		if (this.queue.size() == 1 || this.queue.size() == BATCH_OPS) {
			// the committer waits for a first op or for a full batch, nothing between
			notifyAll();
		}
	}

	private void awaitRoom() {
		while (this.queue.size() >= MAX_PENDING && !this.stopped) {
			waitNanos(TimeUnit.SECONDS.toNanos(1));
		}
		if (this.stopped) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "the mount is stopping");
		}
	}

	private void awaitCommitted(long seq) {
		// a deadline Long.MAX_VALUE ns away: never reached (the comparison subtracts)
		if (!awaitCommitted(seq, System.nanoTime() + Long.MAX_VALUE)) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "the mount stopped before its metadata was committed");
		}
	}

	/**
	 * Waits until the records up to {@code seq} are committed, the mount stopped or the
	 * deadline ({@link System#nanoTime()}) passed; the committer does not linger meanwhile.
	 * @return whether they are committed
	 */
	private boolean awaitCommitted(long seq, long deadlineNs) {
		if (this.committed >= seq) {
			return true;
		}
		this.awaiting++;
		notifyAll();
		try {
			while (this.committed < seq && !this.stopped && deadlineNs - System.nanoTime() > 0) {
				waitNanos(Math.min(deadlineNs - System.nanoTime(), TimeUnit.SECONDS.toNanos(1)));
			}
			return this.committed >= seq;
		}
		finally {
			this.awaiting--;
		}
	}

	private void waitNanos(long nanos) {
		try {
			TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, nanos));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while waiting for metadata to be committed");
		}
	}

	private void commitLoop() {
		while (true) {
			List<Op> batch = nextBatch();
			if (batch == null) {
				return;
			}
			try {
				commit(batch);
			}
			catch (RuntimeException ex) {
				log.warn("{} metadata records not committed, sent again in {}: {}", batch.size(), RETRY_AFTER, ex.toString());
				sleep(RETRY_AFTER);
			}
		}
	}

	/**
	 * The oldest ops, as many as follow each other in one partition, once the oldest has
	 * lingered or a batch is full or awaited; null once stopped.
	 */
	private synchronized List<Op> nextBatch() {
		while (this.queue.isEmpty() && !this.stopped) {
			waitNanos(TimeUnit.SECONDS.toNanos(1));
		}
		long sendAt = this.queue.isEmpty() ? 0 : this.queue.peekFirst().queuedNs() + LINGER.toNanos();
		while (!this.stopped && this.queue.size() < BATCH_OPS && this.awaiting == 0 && System.nanoTime() < sendAt) {
			waitNanos(sendAt - System.nanoTime());
		}
		if (this.queue.isEmpty() || this.stopped) {
			return null;
		}
		List<Op> batch = new ArrayList<>();
		int partitionId = this.queue.peekFirst().partitionId();
		for (Op op : this.queue) {
			if (op.partitionId() != partitionId || batch.size() == BATCH_OPS) {
				break;
			}
			batch.add(op);
		}
		return batch;
	}

	/**
	 * Sends a batch, once its staged objects are on disk. A batch sent again after a lost
	 * answer changes nothing twice: the creates carry request ids, and an append's pieces
	 * are recorded once. So when a create meets a name taken meanwhile, the ops after it stay
	 * queued and go again, once its file is named beside: in this batch its appends found no
	 * inode.
	 */
	private void commit(List<Op> batch) {
		if (batch.stream().anyMatch(Append.class::isInstance)) {
			this.disk.sync();
		}
		int partitionId = batch.get(0).partitionId();
		BatchResponse response = this.meta.<BatchResponse>call(partitionId, "commit " + batch.size() + " metadata records",
				true, (stub, ref, o) -> {
					BatchRequest.Builder request = BatchRequest.newBuilder().setPartition(ref);
					batch.forEach((op) -> request.addOps(op.op()));
					stub.applyBatch(request.build(), o);
				});
		this.batches.incrementAndGet();
		for (int i = 0; i < batch.size(); i++) {
			Op op = batch.get(i);
			BatchResult result = response.getResults(i);
			if (op instanceof Create create && ErrorCode.DENTRY_EXISTS.name().equals(result.getErrorCode())) {
				done(op, createBeside(create));
				return;
			}
			Inode inode = settle(op, result);
			if (op instanceof Append append) {
				append.committed().run();
			}
			done(op, inode);
		}
	}

	/** The inode an op left, or null when it was refused (recorded as the inode's failure). */
	private Inode settle(Op op, BatchResult result) {
		if (result.getErrorCode().isEmpty()) {
			return result.getInode();
		}
		refused(op.inodeId(), new CurveException(errorCode(result.getErrorCode()), result.getErrorMessage()));
		return null;
	}

	/** Another mount took the name meanwhile: it keeps it, and this file is named beside it. */
	private Inode createBeside(Create create) {
		String name = create.request().getName() + ".conflict-" + create.inodeId();
		this.conflicts.incrementAndGet();
		log.warn("'{}' in directory {} was created by another mount before this mount's create was committed:"
				+ " this mount's file is '{}'", create.request().getName(), create.request().getParent(), name);
		try {
			Inode inode = this.meta.<InodeResponse>call(create.partitionId(), "create " + name, true, (stub, ref, o) -> stub
				.createInode(create.request().toBuilder().setPartition(ref).setName(name).build(), o)).getInode();
			this.onCommit.name(create.request().getParent(), name);
			return inode;
		}
		catch (CurveException ex) {
			refused(create.inodeId(), ex);
			return null;
		}
	}

	private synchronized void refused(long inodeId, CurveException why) {
		log.error("the metaservers refused a metadata record of inode {}: {}", inodeId, why.getMessage());
		this.failed.put(inodeId, why);
	}

	private void done(Op op, Inode inode) {
		if (op instanceof Create create) {
			// before the name leaves the pending ones: no lookup between the two finds it in neither
			this.onCommit.name(create.request().getParent(), create.request().getName());
		}
		boolean last;
		synchronized (this) {
			this.queue.removeFirst();
			this.committed = op.seq();
			if (op instanceof Create create) {
				this.names.remove(new Name(create.request().getParent(), create.request().getName()));
			}
			last = this.lastOpOf.get(op.inodeId()) == op.seq();
			if (last) {
				this.lastOpOf.remove(op.inodeId());
				this.views.remove(op.inodeId());
			}
			notifyAll();
		}
		if (last && inode != null) {
			this.onCommit.inode(inode);
		}
	}

	private static ErrorCode errorCode(String name) {
		try {
			return ErrorCode.valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			return ErrorCode.INTERNAL;
		}
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
