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
import io.curve4j.proto.metaserver.v1.DeleteDentryRequest;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.DentryResponse;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeResponse;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.ReserveInodesRequest;
import io.curve4j.proto.metaserver.v1.ReserveInodesResponse;

/**
 * Metadata write-back (a mount with {@code --metadata-write-back}): the creates of regular
 * files, the piece records their closes leave and the unlinks of files are answered by this
 * mount at once and committed to the metaservers by one thread in the background, up to {@link #BATCH_OPS}
 * of a partition in one Raft entry ({@code ApplyBatch}), sent once the oldest has waited
 * {@link #LINGER} or at once when someone waits for the commit. A create takes an inode id the
 * partition reserved for this mount, so the id the kernel sees never changes.
 *
 * <p>The rules (docs/architecture.md, "Metadata write-back"): {@code fsync} returns once
 * the file's records are committed; a close without it is not durable against a crash of
 * this client; every other change of the namespace (rename, chmod, mkdir...) and every
 * listing waits until everything before it is committed, so they see a tree in which the
 * pending creates and unlinks are done; another mount sees a change once its records are
 * committed. A name another mount took meanwhile is kept for the other mount, and this
 * mount's file is committed as {@code NAME.conflict-INODE} beside it (logged). An unlink
 * removes the name only while it names the file this mount saw.
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
	private sealed interface Op permits Create, Append, Remove {

		long seq();

		/** {@link System#nanoTime()} when it was queued. */
		long queuedNs();

		int partitionId();

		long inodeId();

		BatchOp op();

		/** The name it makes or removes, or null. */
		default Name name() {
			return null;
		}

	}

	private record Create(long seq, long queuedNs, int partitionId, long inodeId, CreateInodeRequest request)
			implements Op {

		@Override
		public BatchOp op() {
			return BatchOp.newBuilder().setCreateInode(this.request).build();
		}

		@Override
		public Name name() {
			return new Name(this.request.getParent(), this.request.getName());
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

	/** A file's name removed, as long as it names the inode; the inode loses the link in the same entry (it is in the directory's partition). */
	private record Remove(long seq, long queuedNs, int partitionId, long inodeId, DeleteDentryRequest request)
			implements Op {

		@Override
		public BatchOp op() {
			return BatchOp.newBuilder().setDeleteDentry(this.request).build();
		}

		@Override
		public Name name() {
			return new Name(this.request.getParent(), this.request.getName());
		}

	}

	private record Name(long parent, String name) {
	}

	/** A name the op numbered {@code seq} makes ({@code dentry}) or removes ({@code dentry} null). */
	private record PendingName(long seq, Dentry dentry) {
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

	private final Map<Name, PendingName> names = new HashMap<>();

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

		/** A name committed (made or removed) in {@code parent} (also the one asked, when the file went beside it). */
		void name(long parent, String name);

		/** An unlink committed left the inode with no link. */
		void unlinked(long inodeId);

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
			this.names.put(op.name(), new PendingName(op.seq(), Dentry.newBuilder().setParent(create.getParent())
				.setName(create.getName()).setInodeId(inodeId).setType(create.getType()).build()));
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

	/**
	 * Removes a file's name (not a directory's), as long as it names {@code inodeId}: answered
	 * now, committed later. The inode must be in {@code partitionId}, the directory's, so that
	 * it loses the link in the same Raft entry.
	 */
	public void unlink(int partitionId, long parent, String name, long inodeId) {
		DeleteDentryRequest request = DeleteDentryRequest.newBuilder().setParent(parent).setName(name)
			.setExpectedInode(inodeId).setUnlink(true).build();
		synchronized (this) {
			awaitRoom();
			Remove op = new Remove(++this.made, System.nanoTime(), partitionId, inodeId, request);
			this.names.put(op.name(), new PendingName(op.seq(), null));
			Inode view = this.views.get(inodeId);
			if (view != null) {
				this.views.put(inodeId, view.toBuilder().setNlink(Math.max(0, view.getNlink() - 1)).build());
			}
			enqueue(op);
		}
	}

	/** The name when this mount created it and its create is not committed yet, else null. */
	public synchronized Dentry pendingName(long parent, String name) {
		PendingName pending = this.names.get(new Name(parent, name));
		return pending == null ? null : pending.dentry();
	}

	/** Whether this mount removed the name and the removal is not committed yet. */
	public synchronized boolean removing(long parent, String name) {
		PendingName pending = this.names.get(new Name(parent, name));
		return pending != null && pending.dentry() == null;
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
			if (op instanceof Remove remove && ErrorCode.TX_PENDING.name().equals(result.getErrorCode())) {
				// a rename holds the name: removed on its own, once the rename is resolved
				done(op, unlinkNow(remove));
				return;
			}
			Inode inode = settle(op, result);
			if (op instanceof Append append) {
				append.committed().run();
			}
			done(op, inode);
		}
	}

	/** The inode an op left, or null when it was refused (a create's or append's recorded as the inode's failure). */
	private Inode settle(Op op, BatchResult result) {
		if (result.getErrorCode().isEmpty()) {
			return result.hasInode() ? result.getInode() : null;
		}
		CurveException why = new CurveException(errorCode(result.getErrorCode()), result.getErrorMessage());
		if (op instanceof Remove remove) {
			notRemoved(remove, why);
		}
		else {
			refused(op.inodeId(), why);
		}
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
			unlinkBeside(create, name);
			this.onCommit.name(create.request().getParent(), name);
			return inode;
		}
		catch (CurveException ex) {
			refused(create.inodeId(), ex);
			return null;
		}
	}

	/** The queued unlinks of a file committed beside the name it was created with remove the name it got. */
	private synchronized void unlinkBeside(Create create, String beside) {
		List<Op> ops = new ArrayList<>(this.queue);
		this.queue.clear();
		for (Op op : ops) {
			if (op instanceof Remove remove && remove.inodeId() == create.inodeId() && remove.name().equals(create.name())) {
				Remove moved = new Remove(remove.seq(), remove.queuedNs(), remove.partitionId(), remove.inodeId(),
						remove.request().toBuilder().setName(beside).build());
				this.names.computeIfPresent(remove.name(), (n, pending) -> pending.seq() == remove.seq() ? null : pending);
				this.names.put(moved.name(), new PendingName(moved.seq(), null));
				this.queue.addLast(moved);
			}
			else {
				this.queue.addLast(op);
			}
		}
	}

	/** An unlink made while a rename held the name: sent on its own, the call resolves the rename first. */
	private Inode unlinkNow(Remove remove) {
		try {
			DentryResponse removed = this.meta.<DentryResponse>call(remove.partitionId(), "remove entry "
					+ remove.request().getName(), false, (stub, ref, o) -> stub.deleteDentry(remove.request().toBuilder()
						.setPartition(ref).build(), o));
			return removed.hasInode() ? removed.getInode() : null;
		}
		catch (CurveException ex) {
			notRemoved(remove, ex);
			return null;
		}
	}

	/**
	 * The name did not name the file any more (another mount removed or renamed it, or this
	 * batch was sent again after it was applied): nothing to remove. Anything else is logged.
	 */
	private void notRemoved(Remove remove, CurveException why) {
		String name = remove.request().getName();
		if (why.code() == ErrorCode.DENTRY_NOT_FOUND) {
			log.debug("'{}' in directory {} no longer named inode {} when its unlink was committed", name,
					remove.request().getParent(), remove.inodeId());
		}
		else {
			log.warn("the metaservers refused the unlink of '{}' in directory {} (inode {}), so the name stays: {}", name,
					remove.request().getParent(), remove.inodeId(), why.getMessage());
		}
	}

	private synchronized void refused(long inodeId, CurveException why) {
		log.error("the metaservers refused a metadata record of inode {}: {}", inodeId, why.getMessage());
		this.failed.put(inodeId, why);
	}

	private void done(Op op, Inode inode) {
		Name name = op.name();
		if (name != null) {
			// before the name leaves the pending ones: no lookup between the two finds it in neither
			this.onCommit.name(name.parent(), name.name());
		}
		boolean last;
		synchronized (this) {
			this.queue.removeFirst();
			this.committed = op.seq();
			if (name != null) {
				// unless a later op made or removed it again
				this.names.computeIfPresent(name, (n, pending) -> pending.seq() == op.seq() ? null : pending);
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
		if (op instanceof Remove && inode != null && inode.getNlink() == 0) {
			this.onCommit.unlinked(inode.getInodeId());
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
