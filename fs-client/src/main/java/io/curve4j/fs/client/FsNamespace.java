package io.curve4j.fs.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.google.protobuf.ByteString;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.fs.v1.PartitionStatus;
import io.curve4j.proto.fs.v1.TxState;
import io.curve4j.proto.metaserver.v1.AppendPiecesRequest;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.CreateDentryRequest;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.DeleteDentryRequest;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.DentryResponse;
import io.curve4j.proto.metaserver.v1.GetDentryRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeResponse;
import io.curve4j.proto.metaserver.v1.MarkUploadedRequest;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.LinkInodeRequest;
import io.curve4j.proto.metaserver.v1.ListDentryRequest;
import io.curve4j.proto.metaserver.v1.ListDentryResponse;
import io.curve4j.proto.metaserver.v1.PrepareRenameRequest;
import io.curve4j.proto.metaserver.v1.RemoveXattrRequest;
import io.curve4j.proto.metaserver.v1.RenameMode;
import io.curve4j.proto.metaserver.v1.RenameRequest;
import io.curve4j.proto.metaserver.v1.RenameResponse;
import io.curve4j.proto.metaserver.v1.ResolveTxRequest;
import io.curve4j.proto.metaserver.v1.ResolveTxResponse;
import io.curve4j.proto.metaserver.v1.SetAttrRequest;
import io.curve4j.proto.metaserver.v1.SetXattrRequest;

/**
 * The file system's metadata operations by inode id, as POSIX needs them, over the
 * metaservers: a name and its inode may live in different partitions, so creates, links,
 * unlinks and renames are sequences of calls whose order keeps the tree consistent if the
 * client dies between two of them (an inode is linked before a name points at it, and a
 * name is removed before its inode loses the link): a crash leaves at worst an inode with
 * one link too many, never a name pointing nowhere.
 */
public final class FsNamespace {

	/** Longest name, in UTF-8 bytes (NAME_MAX). */
	public static final int NAME_MAX = 255;

	/** How long an inode read or changed here answers getattr without asking again. */
	public static final Duration ATTRIBUTE_TTL = Duration.ofSeconds(1);

	private static final int LIST_PAGE = 1000;

	/** How long a name this mount changed is asked by name unless a listing read after the change answers it. */
	private static final Duration CHANGED_HERE_KEPT = Duration.ofSeconds(10);

	/** A listing older than a change of the name looked up is read again, unless it is younger than this. */
	private static final Duration RELIST_AFTER = Duration.ofMillis(100);

	/** A directory with more entries is not listed to answer lookups of absent names. */
	private static final int LISTED_NAMES = 4_000;

	/** A rename whose target changed between lookup and prepare is looked up and tried again this often. */
	private static final int RENAME_TRIES = 5;

	/** Directories after the one entered whose listings are read ahead, when a parent's are entered in name order. */
	private static final int LISTINGS_AHEAD = 8;

	/** Entries of a parent's listing passed over looking for the directories before and after one. */
	private static final int SIBLINGS_SCANNED = 64;

	private final FsMount mount;

	private final MetaClient meta;

	private final long clientId = ThreadLocalRandom.current().nextLong();

	private final AtomicLong requests = new AtomicLong();

	/** Creates and piece records committed in the background, or null: each is committed before it returns. */
	private final MetadataWriteBack metadata;

	/**
	 * With metadata write-back, the entries of directories listed within {@link #ATTRIBUTE_TTL}
	 * (not complete: too many to keep): a lookup is answered from them without asking (a name
	 * not among them is absent), as stale as a name the kernel keeps.
	 */
	private final Cache<Long, Listing> listings = FsSession.cache()
		.expireAfterWrite(ATTRIBUTE_TTL)
		.maximumSize(1_000)
		.build();

	/** Names this mount made, removed or committed lately, with when ({@link System#nanoTime}): a listing read before may not show it. */
	private final Cache<Name, Long> changedHere = FsSession.cache()
		.expireAfterWrite(CHANGED_HERE_KEPT)
		.build();

	private record Name(long parent, String name) {
	}

	/** Where each directory lately found by name is: its parent and name, to tell which directories follow it. */
	private final Cache<Long, Name> directoryNames = FsSession.cache()
		.expireAfterWrite(CHANGED_HERE_KEPT)
		.maximumSize(10_000)
		.build();

	/** Told of the inodes unlinks here left with no link. */
	private volatile LongConsumer unlinked = (inodeId) -> {
	};

	/** Runs the listings read ahead, or null: none are (without metadata write-back, listings answer nothing). */
	private final Executor listingsAhead;

	/** Directories whose listings are being read ahead. */
	private final Set<Long> readingAhead = ConcurrentHashMap.newKeySet();

	private final AtomicLong listingsAsked = new AtomicLong();

	private final AtomicLong listingsReadAhead = new AtomicLong();

	/** Inodes as last seen, for getattr: trusted as long as the kernel trusts attributes (attr_timeout). */
	private final Cache<Long, Inode> attributes = FsSession.cache()
		.expireAfterWrite(ATTRIBUTE_TTL)
		.maximumSize(100_000)
		.build();

	public FsNamespace(FsMount mount, MetaClient meta) {
		this.mount = mount;
		this.meta = meta;
		this.metadata = null;
		this.listingsAhead = null;
	}

	/**
	 * With metadata write-back: creates and piece records are committed in the background
	 * (staged in {@code disk}); listings are read ahead on {@code listingsAhead}.
	 */
	public FsNamespace(FsMount mount, MetaClient meta, DiskCache disk, Executor listingsAhead) {
		this.mount = mount;
		this.meta = meta;
		this.listingsAhead = listingsAhead;
		this.metadata = new MetadataWriteBack(mount, meta, disk, new MetadataWriteBack.Committed() {
			@Override
			public void inode(Inode inode) {
				seen(inode);
			}

			@Override
			public void name(long parent, String name) {
				changedHere(parent, name);
			}

			@Override
			public void unlinked(long inodeId) {
				FsNamespace.this.unlinked.accept(inodeId);
			}
		});
	}

	/** The background commits, or null when every change is committed before it returns. */
	public MetadataWriteBack metadataWriteBack() {
		return this.metadata;
	}

	public long rootInode() {
		return this.mount.fs().getRootInode();
	}

	/** The inode as the metaservers have it now (open reads it so: close-to-open), once this mount's records of it are. */
	public Inode getInode(long inodeId) {
		if (this.metadata != null) {
			this.metadata.await(inodeId);
		}
		InodeResponse response = this.meta.<InodeResponse>onInode(inodeId, "get inode " + inodeId, true, (stub, ref, o) -> stub
			.getInode(GetInodeRequest.newBuilder().setPartition(ref).setInodeId(inodeId).build(), o));
		return seen(response.getInode());
	}

	/** The inode for getattr: as seen here within {@link #ATTRIBUTE_TTL}, else read. */
	public Inode attributes(long inodeId) {
		if (this.metadata != null) {
			Inode pending = this.metadata.view(inodeId);
			if (pending != null) {
				return pending;
			}
			if (this.metadata.pending(inodeId)) {
				// a write to a file this mount did not create: its length once recorded
				return getInode(inodeId);
			}
		}
		Inode cached = this.attributes.getIfPresent(inodeId);
		return cached != null ? cached : getInode(inodeId);
	}

	/**
	 * The inode an entry names, for getattr. With metadata write-back a directory not seen
	 * within {@link #ATTRIBUTE_TTL} is listed instead of read: one call gives its attributes
	 * and the names its lookups are answered from next.
	 */
	public Inode attributes(Dentry entry) {
		if (this.metadata != null && entry.getType() == InodeType.DIRECTORY
				&& this.attributes.getIfPresent(entry.getInodeId()) == null) {
			listed(entry.getInodeId());
		}
		return attributes(entry.getInodeId());
	}

	/** The entry {@code name} of directory {@code parent}, or null; a name held by a rename is settled first. */
	public Dentry lookup(long parent, String name) {
		checkName(name);
		if (this.metadata != null) {
			Dentry pending = this.metadata.pendingName(parent, name);
			if (pending != null) {
				return pending;
			}
			if (this.metadata.removing(parent, name)) {
				return null;
			}
			Listing listing = listed(parent);
			if (listing.firstUse().compareAndSet(false, true)) {
				readAheadAfter(parent);
			}
			Long changed = this.changedHere.getIfPresent(new Name(parent, name));
			if (listing.complete() && !listing.readAfterChangeOf(changed)
					&& System.nanoTime() - listing.startedNanos() > RELIST_AFTER.toNanos()) {
				// this mount changed the name since (removed a name a new file takes next, say): one fresh listing
				// answers it and the names changed with it, where each would be asked by name
				this.listings.asMap().remove(parent, listing);
				listing = listed(parent);
			}
			if (listing.complete() && listing.readAfterChangeOf(changed)) {
				Dentry listed = listing.entries().get(name);
				if (listed == null) {
					return null;
				}
				if (listed.getPendingTx() == 0) {
					return foundHere(listed);
				}
			}
		}
		return foundHere(ask(parent, name));
	}

	/** A directory found by name: where it is, for reading ahead the listings of the directories after it. */
	private Dentry foundHere(Dentry dentry) {
		if (this.metadata != null && dentry != null && dentry.getType() == InodeType.DIRECTORY) {
			this.directoryNames.put(dentry.getInodeId(), new Name(dentry.getParent(), dentry.getName()));
		}
		return dentry;
	}

	/** Directory listings a lookup read, and waited for, since the mount (metadata write-back). */
	public long listingsAsked() {
		return this.listingsAsked.get();
	}

	/** Directory listings read ahead of the lookups that use them since the mount (metadata write-back). */
	public long listingsReadAhead() {
		return this.listingsReadAhead.get();
	}

	/**
	 * A directory's listing was used for the first time: when the directory before it in
	 * its parent (in name order) was listed lately too, the directories of that parent are
	 * being entered one after the other (a tree walked, or filled, in the order a listing
	 * gives), so the next {@link #LISTINGS_AHEAD} are listed in the background, and their
	 * lookups find them read. They are as fresh as any listing: read within
	 * {@link #ATTRIBUTE_TTL}, names this mount changed since asked by name.
	 */
	private void readAheadAfter(long directory) {
		Name where = this.directoryNames.getIfPresent(directory);
		Listing parent = where == null ? null : this.listings.getIfPresent(where.parent());
		if (parent == null || !parent.complete()) {
			return;
		}
		List<Dentry> before = directories(parent.entries().headMap(where.name(), false).descendingMap(), 1);
		if (before.isEmpty() || this.listings.getIfPresent(before.get(0).getInodeId()) == null) {
			return;
		}
		for (Dentry next : directories(parent.entries().tailMap(where.name(), false), LISTINGS_AHEAD)) {
			long id = next.getInodeId();
			if (this.listings.getIfPresent(id) != null || !this.readingAhead.add(id)) {
				continue;
			}
			try {
				this.listingsAhead.execute(() -> {
					try {
						listed(id, this.listingsReadAhead);
					}
					catch (RuntimeException ex) {
						// only ahead: the lookup that needs it reads it again and reports what fails
					}
					finally {
						this.readingAhead.remove(id);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				this.readingAhead.remove(id);
				return;
			}
		}
	}

	/** Up to {@code max} directories among the first {@link #SIBLINGS_SCANNED} entries, in the map's order. */
	private static List<Dentry> directories(NavigableMap<String, Dentry> entries, int max) {
		List<Dentry> found = new ArrayList<>();
		int scanned = 0;
		for (Dentry entry : entries.values()) {
			if (found.size() == max || ++scanned > SIBLINGS_SCANNED) {
				break;
			}
			if (entry.getType() == InodeType.DIRECTORY) {
				found.add(entry);
			}
		}
		return found;
	}

	/** The entry as the metaservers have it now, or null: what a change of the namespace goes by. */
	private Dentry ask(long parent, String name) {
		while (true) {
			Dentry dentry;
			try {
				DentryResponse response = this.meta.<DentryResponse>onInode(parent, "look up " + name, true, (stub, ref, o) -> stub
					.getDentry(GetDentryRequest.newBuilder().setPartition(ref).setParent(parent).setName(name)
						.setWithInode(true).build(), o));
				dentry = response.getDentry();
				if (response.hasInode() && dentry.getPendingTx() == 0) {
					seen(response.getInode());
				}
			}
			catch (CurveException ex) {
				if (ex.code() == ErrorCode.DENTRY_NOT_FOUND) {
					return null;
				}
				throw ex;
			}
			if (dentry.getPendingTx() == 0) {
				return dentry;
			}
			this.meta.resolve(this.mount.partitionOf(parent).getPartitionId(), dentry.getPendingTx());
		}
	}

	/** Every entry of a directory, read in pages. */
	public List<Dentry> list(long directory) {
		settle();
		return listPages(directory, Integer.MAX_VALUE);
	}

	/** Up to about {@code max} entries of a directory (whole pages), read in pages; the first also gives its attributes. */
	private List<Dentry> listPages(long directory, int max) {
		List<Dentry> all = new ArrayList<>();
		String after = "";
		while (true) {
			String from = after;
			ListDentryResponse page = this.meta.<ListDentryResponse>onInode(directory, "list directory " + directory, true,
					(stub, ref, o) -> stub.listDentry(ListDentryRequest.newBuilder().setPartition(ref).setParent(directory)
						.setStartAfter(from).setLimit(LIST_PAGE).setWithDirectory(from.isEmpty()).build(), o));
			if (page.hasDirectory()) {
				seen(page.getDirectory());
			}
			all.addAll(page.getDentriesList());
			if (!page.getMore() || page.getDentriesCount() == 0 || all.size() >= max) {
				return all;
			}
			after = page.getDentries(page.getDentriesCount() - 1).getName();
		}
	}

	/**
	 * A new inode named {@code name} in {@code parent}: DENTRY_EXISTS when the name is taken.
	 * A file goes to its directory's partition, where inode and name are one Raft entry; a
	 * directory goes to the partitions in turn, which spreads the tree over them.
	 */
	public Inode create(long parent, String name, InodeType type, int mode, int uid, int gid, long rdev, String symlink) {
		checkName(name);
		if (this.metadata == null) {
			return createNow(parent, name, type, mode, uid, gid, rdev, symlink);
		}
		PartitionInfo local = this.mount.partitionOf(parent);
		Inode inode = null;
		if (type != InodeType.DIRECTORY && local.getStatus() == PartitionStatus.PARTITION_READY) {
			if (lookup(parent, name) != null) {
				throw new CurveException(ErrorCode.DENTRY_EXISTS, "'" + name + "' exists");
			}
			try {
				inode = this.metadata.create(local, createRequest(parent, type, mode, uid, gid, rdev, symlink).setName(name));
			}
			catch (CurveException ex) {
				if (ex.code() != ErrorCode.PARTITION_FULL) {
					throw ex;
				}
				// no id left to reserve there: made now, in another partition
			}
		}
		if (inode == null) {
			settle();
			inode = createNow(parent, name, type, mode, uid, gid, rdev, symlink);
		}
		changedHere(parent, name);
		return inode;
	}

	private Inode createNow(long parent, String name, InodeType type, int mode, int uid, int gid, long rdev,
			String symlink) {
		CreateInodeRequest.Builder request = createRequest(parent, type, mode, uid, gid, rdev, symlink);
		PartitionInfo local = this.mount.partitionOf(parent);
		if (type != InodeType.DIRECTORY && local.getStatus() == PartitionStatus.PARTITION_READY) {
			try {
				return seen(createInode(local, request.setName(name)));
			}
			catch (CurveException ex) {
				if (ex.code() != ErrorCode.PARTITION_FULL) {
					throw ex;
				}
				request = createRequest(parent, type, mode, uid, gid, rdev, symlink);
			}
		}
		Inode inode = createInode(request);
		try {
			link(parent, name, inode.getInodeId(), type);
		}
		catch (CurveException ex) {
			// the inode was never named: give it to the trash
			dropLinks(inode.getInodeId(), type == InodeType.DIRECTORY ? 2 : 1);
			throw ex;
		}
		return seen(inode);
	}

	/** A hard link {@code newParent/newName} to {@code inodeId}. */
	public Inode hardLink(long inodeId, long newParent, String newName) {
		checkName(newName);
		settle();
		Inode inode = getInode(inodeId);
		if (inode.getType() == InodeType.DIRECTORY) {
			throw new CurveException(ErrorCode.IS_A_DIRECTORY, "a directory cannot have a hard link");
		}
		Inode linked = changeLinks(inodeId, 1);
		try {
			link(newParent, newName, inodeId, inode.getType());
		}
		catch (CurveException ex) {
			dropLinks(inodeId, 1);
			throw ex;
		}
		changedHere(newParent, newName);
		return linked;
	}

	/**
	 * Removes a non-directory name; its inode loses one link (at none it goes to the trash),
	 * in the same Raft entry when the inode lives in the directory's partition. With metadata
	 * write-back such an unlink is answered at once and committed in the background; it
	 * removes the name only while it names the file looked up here.
	 */
	public void unlink(long parent, String name) {
		checkName(name);
		if (this.metadata != null) {
			Dentry dentry = require(lookup(parent, name), name);
			int partitionId = this.mount.partitionOf(parent).getPartitionId();
			if (dentry.getType() != InodeType.DIRECTORY
					&& this.mount.partitionOf(dentry.getInodeId()).getPartitionId() == partitionId) {
				this.metadata.unlink(partitionId, parent, name, dentry.getInodeId());
				changedHere(parent, name);
				return;
			}
		}
		settle();
		DentryResponse removed = deleteDentry(parent, name, 0, false);
		changedHere(parent, name);
		Inode left = removed.hasInode() ? seen(removed.getInode()) : dropLinks(removed.getDentry().getInodeId(), 1);
		if (left.getNlink() == 0) {
			this.unlinked.accept(left.getInodeId());
		}
	}

	/** {@code listener} is told of each inode an unlink here left with no link, once that is committed. */
	public void whenUnlinked(LongConsumer listener) {
		this.unlinked = listener;
	}

	/** Removes an empty directory. */
	public void rmdir(long parent, String name) {
		settle();
		Dentry dentry = require(parent, name);
		if (dentry.getType() != InodeType.DIRECTORY) {
			throw new CurveException(ErrorCode.NOT_A_DIRECTORY, "'" + name + "' is not a directory");
		}
		requireEmpty(dentry.getInodeId(), name);
		if (!deleteDentry(parent, name, dentry.getInodeId(), true).hasInode()) {
			dropLinks(dentry.getInodeId(), 2);
		}
		this.attributes.invalidate(dentry.getInodeId());
		changedHere(parent, name);
	}

	/**
	 * Renames {@code srcParent/srcName} to {@code dstParent/dstName}: one Raft entry when both
	 * directories are in one partition, else a transaction across the two (docs/architecture.md).
	 */
	public void rename(long srcParent, String srcName, long dstParent, String dstName, RenameMode mode) {
		checkName(srcName);
		checkName(dstName);
		settle();
		renameNow(srcParent, srcName, dstParent, dstName, mode);
		changedHere(srcParent, srcName);
		changedHere(dstParent, dstName);
	}

	private void renameNow(long srcParent, String srcName, long dstParent, String dstName, RenameMode mode) {
		int srcPartition = this.mount.partitionOf(srcParent).getPartitionId();
		int dstPartition = this.mount.partitionOf(dstParent).getPartitionId();
		if (srcPartition == dstPartition) {
			Dentry target = mode == RenameMode.RENAME_REPLACE ? ask(dstParent, dstName) : null;
			if (target != null && target.getType() == InodeType.DIRECTORY) {
				requireEmpty(target.getInodeId(), dstName);
			}
			RenameResponse done = this.meta.<RenameResponse>call(srcPartition, "rename " + srcName, false, (stub, ref, o) -> stub
				.rename(RenameRequest.newBuilder().setPartition(ref).setSrcParent(srcParent).setSrcName(srcName)
					.setDstParent(dstParent).setDstName(dstName).setMode(mode).build(), o));
			dropReplaced(done.getReplacedInode(), target);
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				renameAcross(srcParent, srcName, srcPartition, dstParent, dstName, dstPartition, mode);
				return;
			}
			catch (CurveException ex) {
				if (ex.code() != ErrorCode.TX_ABORTED || attempt == RENAME_TRIES) {
					throw ex;
				}
			}
		}
	}

	public Inode setAttr(long inodeId, SetAttrRequest.Builder change) {
		settle();
		return seenWith(this.meta.<InodeResponse>onInode(inodeId, "set attributes of " + inodeId, true, (stub, ref, o) -> stub
			.setAttr(change.clone().setPartition(ref).setInodeId(inodeId).build(), o)));
	}

	/** Sets the length (truncate up or down) and the modification time. */
	public Inode truncate(long inodeId, long length) {
		return setAttr(inodeId, SetAttrRequest.newBuilder().setSetLength(true).setLength(length).setSetMtime(true)
			.setMtimeNs(nowNs()));
	}

	/** Pieces already in the object store join the inode's chunk lists: the write is durable once this returns. */
	public Inode appendPieces(long inodeId, Map<Long, ChunkPieces> pieces, long newLength, long mtimeNs) {
		return seenWith(this.meta.<InodeResponse>onInode(inodeId, "record a write of " + inodeId, true, (stub, ref, o) -> stub
			.appendPieces(AppendPiecesRequest.newBuilder().setPartition(ref).setInodeId(inodeId).putAllPieces(pieces)
				.setNewLength(newLength).setMtimeNs(mtimeNs).build(), o)));
	}

	/** The objects of these pieces (by chunk id) are in the store now: they are no longer pending upload. */
	public Inode markUploaded(long inodeId, List<Long> chunkIds) {
		return seenWith(this.meta.<InodeResponse>onInode(inodeId, "mark pieces of " + inodeId + " uploaded", true,
				(stub, ref, o) -> stub.markUploaded(MarkUploadedRequest.newBuilder().setPartition(ref).setInodeId(inodeId)
					.addAllChunkIds(chunkIds).build(), o)));
	}

	public Inode setXattr(long inodeId, String name, byte[] value, boolean createOnly, boolean replaceOnly) {
		settle();
		return seenWith(this.meta.<InodeResponse>onInode(inodeId, "set an attribute of " + inodeId, true, (stub, ref, o) -> stub
			.setXattr(SetXattrRequest.newBuilder().setPartition(ref).setInodeId(inodeId).setName(name)
				.setValue(ByteString.copyFrom(value)).setCreateOnly(createOnly).setReplaceOnly(replaceOnly).build(), o)));
	}

	public Inode removeXattr(long inodeId, String name) {
		settle();
		return seenWith(this.meta.<InodeResponse>onInode(inodeId, "remove an attribute of " + inodeId, false, (stub, ref, o) -> stub
			.removeXattr(RemoveXattrRequest.newBuilder().setPartition(ref).setInodeId(inodeId).setName(name).build(), o)));
	}

	/**
	 * Pieces staged in the write-back cache join the inode's lists in the background
	 * (metadata write-back only); {@code committed} runs once they did or were refused.
	 */
	public void appendPiecesLater(long inodeId, Map<Long, ChunkPieces> pieces, long newLength, long mtimeNs,
			Runnable committed) {
		this.metadata.appendPieces(inodeId, pieces, newLength, mtimeNs, committed);
	}

	/** Whether piece records are committed in the background ({@link #appendPiecesLater}). */
	public boolean recordsLater() {
		return this.metadata != null;
	}

	/** Whether this mount has records of the inode not committed yet. */
	public boolean pending(long inodeId) {
		return this.metadata != null && this.metadata.pending(inodeId);
	}

	/** Waits until this mount's records of the inode are committed (fsync). */
	public void awaitRecorded(long inodeId) {
		if (this.metadata != null) {
			this.metadata.await(inodeId);
		}
	}

	/** Waits until every record this mount made so far is committed (fsync of a directory). */
	public void awaitAllRecorded() {
		settle();
	}

	/** A change other than a create goes after the creates and records made before it. */
	private void settle() {
		if (this.metadata != null) {
			this.metadata.awaitAll();
		}
	}

	/**
	 * The entries of a directory by name, as read from {@code startedNanos} on; not complete
	 * past {@link #LISTED_NAMES} or when it took long to read. {@code firstUse} is set by
	 * the first lookup it answers.
	 */
	private record Listing(NavigableMap<String, Dentry> entries, long startedNanos, boolean complete,
			AtomicBoolean firstUse) {

		/** Whether this listing shows a name this mount last changed at {@code changedNanos} (null: not lately). */
		boolean readAfterChangeOf(Long changedNanos) {
			return changedNanos == null || this.startedNanos - changedNanos > 0;
		}

	}

	/**
	 * The directory as listed within {@link #ATTRIBUTE_TTL}. It may miss a change this mount
	 * made while it was read: such a name is in {@link #changedHere}, which keeps it longer
	 * than a listing is read and kept.
	 */
	private Listing listed(long directory) {
		return listed(directory, this.listingsAsked);
	}

	/** @param counted counts the listing if this call reads it */
	private Listing listed(long directory, AtomicLong counted) {
		return this.listings.get(directory, (d) -> {
			long started = System.nanoTime();
			List<Dentry> entries = listPages(d, LISTED_NAMES + 1);
			boolean quick = System.nanoTime() - started < CHANGED_HERE_KEPT.minus(ATTRIBUTE_TTL.multipliedBy(2)).toNanos();
			NavigableMap<String, Dentry> byName = new TreeMap<>();
			entries.forEach((e) -> byName.put(e.getName(), e));
			counted.incrementAndGet();
			return new Listing(byName, started, quick && entries.size() <= LISTED_NAMES, new AtomicBoolean());
		});
	}

	/**
	 * A name this mount made, removed or committed, once the metaservers have the change:
	 * until a listing read after it, the name is asked by name.
	 */
	private void changedHere(long parent, String name) {
		if (this.metadata != null) {
			this.changedHere.put(new Name(parent, name), System.nanoTime());
		}
	}

	private void renameAcross(long srcParent, String srcName, int srcPartition, long dstParent, String dstName,
			int dstPartition, RenameMode mode) {
		Dentry source = require(srcParent, srcName);
		Dentry target = ask(dstParent, dstName);
		if (mode == RenameMode.RENAME_REPLACE && target != null && target.getType() == InodeType.DIRECTORY) {
			requireEmpty(target.getInodeId(), dstName);
		}
		PrepareRenameRequest.Builder prepare = PrepareRenameRequest.newBuilder()
			.setSrcParent(srcParent)
			.setSrcName(srcName)
			.setDstParent(dstParent)
			.setDstName(dstName)
			.setMode(mode)
			.setSrcInode(source.getInodeId())
			.setSrcType(source.getType())
			.setDstInode(target == null ? 0 : target.getInodeId())
			.setDstType(target == null ? InodeType.INODE_TYPE_UNSPECIFIED : target.getType());
		long tx = this.mount.beginTx(List.of(srcPartition, dstPartition)).getTxId();
		try {
			prepare(srcPartition, prepare.clone().setTxId(tx).setPrepareSource(true).setPrepareTarget(false));
			prepare(dstPartition, prepare.clone().setTxId(tx).setPrepareSource(false).setPrepareTarget(true));
			this.mount.commitTx(tx);
		}
		catch (CurveException ex) {
			// not known to be committed: abort (refused once committed), then settle both sides as it ended
			TxState ended = this.mount.abortTx(tx).getState();
			this.meta.resolve(srcPartition, tx);
			this.meta.resolve(dstPartition, tx);
			if (ended != TxState.TX_COMMITTED) {
				throw ex;
			}
		}
		resolveCommitted(srcPartition, tx);
		resolveCommitted(dstPartition, tx);
		dropReplaced(mode == RenameMode.RENAME_REPLACE && target != null ? target.getInodeId() : 0, target);
	}

	private void prepare(int partition, PrepareRenameRequest.Builder request) {
		this.meta.<RenameResponse>call(partition, "prepare a rename", true,
				(stub, ref, o) -> stub.prepareRename(request.setPartition(ref).build(), o));
	}

	private void resolveCommitted(int partition, long tx) {
		this.meta.<ResolveTxResponse>call(partition, "resolve transaction " + tx, true, (stub, ref, o) -> stub
			.resolveTx(ResolveTxRequest.newBuilder().setPartition(ref).setTxId(tx).setCommit(true).build(), o));
	}

	private void dropReplaced(long replacedInode, Dentry target) {
		if (replacedInode != 0) {
			boolean directory = target != null && target.getType() == InodeType.DIRECTORY;
			dropLinks(replacedInode, directory ? 2 : 1);
		}
	}

	private CreateInodeRequest.Builder createRequest(long parent, InodeType type, int mode, int uid, int gid, long rdev,
			String symlink) {
		return CreateInodeRequest.newBuilder()
			.setType(type)
			.setMode(mode)
			.setUid(uid)
			.setGid(gid)
			.setRdev(rdev)
			.setSymlinkTarget(symlink == null ? "" : symlink)
			.setParent(parent)
			.setTimeNs(nowNs())
			.setRequestId(WriteId.newBuilder().setClient(this.clientId).setRequest(this.requests.incrementAndGet()).setAttempt(1));
	}

	/** An inode on the partitions in turn; PARTITION_FULL moves on, and all full adds one. */
	private Inode createInode(CreateInodeRequest.Builder request) {
		for (int round = 0; round < 2; round++) {
			List<PartitionInfo> order = round == 0 ? this.mount.placementOrder() : newest(this.mount.addPartition());
			for (PartitionInfo partition : order) {
				try {
					return createInode(partition, request);
				}
				catch (CurveException ex) {
					if (ex.code() != ErrorCode.PARTITION_FULL) {
						throw ex;
					}
				}
			}
		}
		throw new CurveException(ErrorCode.PARTITION_FULL, "every partition is full and none could be added");
	}

	private Inode createInode(PartitionInfo partition, CreateInodeRequest.Builder request) {
		// idempotent: the request id makes a retried create return the first attempt's inode
		return this.meta.<InodeResponse>call(partition.getPartitionId(), "create an inode", true,
				(stub, ref, o) -> stub.createInode(request.clone().setPartition(ref).build(), o)).getInode();
	}

	private static List<PartitionInfo> newest(List<PartitionInfo> partitions) {
		return partitions.isEmpty() ? List.of() : List.of(partitions.get(partitions.size() - 1));
	}

	private void link(long parent, String name, long inodeId, InodeType type) {
		Dentry dentry = Dentry.newBuilder().setParent(parent).setName(name).setInodeId(inodeId).setType(type).build();
		try {
			this.meta.<DentryResponse>onInode(parent, "create entry " + name, false, (stub, ref, o) -> stub
				.createDentry(CreateDentryRequest.newBuilder().setPartition(ref).setDentry(dentry).build(), o));
		}
		catch (CurveException ex) {
			// a retry after a lost answer finds the entry its first try made
			Dentry existing = ex.code() == ErrorCode.DENTRY_EXISTS ? ask(parent, name) : null;
			if (existing == null || existing.getInodeId() != inodeId) {
				throw ex;
			}
		}
	}

	private DentryResponse deleteDentry(long parent, String name, long inodeId, boolean directory) {
		return this.meta.<DentryResponse>onInode(parent, "remove entry " + name, false, (stub, ref, o) -> stub
			.deleteDentry(DeleteDentryRequest.newBuilder().setPartition(ref).setParent(parent).setName(name)
				.setExpectedInode(inodeId).setDirectory(directory).setUnlink(true).build(), o));
	}

	private Inode changeLinks(long inodeId, int delta) {
		return seenWith(this.meta.<InodeResponse>onInode(inodeId, "change the links of " + inodeId, false, (stub, ref, o) -> stub
			.linkInode(LinkInodeRequest.newBuilder().setPartition(ref).setInodeId(inodeId).setDelta(delta)
				.setCtimeNs(nowNs()).build(), o)));
	}

	/** @return the inode as the last change left it */
	private Inode dropLinks(long inodeId, int count) {
		Inode inode = null;
		for (int i = 0; i < count; i++) {
			inode = changeLinks(inodeId, -1);
		}
		return inode;
	}

	private Dentry require(long parent, String name) {
		return require(ask(parent, name), name);
	}

	private static Dentry require(Dentry found, String name) {
		if (found == null) {
			throw new CurveException(ErrorCode.DENTRY_NOT_FOUND, "no '" + name + "'");
		}
		return found;
	}

	private void requireEmpty(long directory, String name) {
		ListDentryResponse first = this.meta.<ListDentryResponse>onInode(directory, "list directory " + directory, true, (stub, ref, o) -> stub
			.listDentry(ListDentryRequest.newBuilder().setPartition(ref).setParent(directory).setLimit(1).build(), o));
		if (first.getDentriesCount() > 0) {
			throw new CurveException(ErrorCode.DIRECTORY_NOT_EMPTY, "'" + name + "' is not empty");
		}
	}

	private Inode seen(Inode inode) {
		this.attributes.put(inode.getInodeId(), inode);
		return inode;
	}

	private Inode seenWith(InodeResponse response) {
		return seen(response.getInode());
	}

	static void checkName(String name) {
		if (name.isEmpty() || name.indexOf('/') >= 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "bad name '" + name + "'");
		}
		if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
			throw new CurveException(ErrorCode.NAME_TOO_LONG, "a name has at most " + NAME_MAX + " bytes");
		}
	}

	/** Now, in the inode times' unit (nanoseconds since the epoch). */
	public static long nowNs() {
		java.time.Instant now = java.time.Instant.now();
		return now.getEpochSecond() * 1_000_000_000L + now.getNano();
	}

}
