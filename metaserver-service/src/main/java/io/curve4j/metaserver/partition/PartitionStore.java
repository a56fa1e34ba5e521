package io.curve4j.metaserver.partition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import io.curve4j.common.raft.CheckpointSnapshots;
import io.curve4j.common.store.ColumnFamily;
import io.curve4j.common.store.KeyPrefix;
import io.curve4j.common.store.RocksStore;
import io.curve4j.metaserver.partition.PartitionSchema.DentryKey;
import io.curve4j.metaserver.partition.PartitionSchema.DentryKeyCodec;
import io.curve4j.metaserver.partition.PartitionSchema.InodeKey;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.PartitionStats;

/**
 * The RocksDB of one metaserver copyset ({@link PartitionSchema}). Only its state machine
 * writes; readers go through the read methods here. A read-write lock keeps readers off
 * the database while a Raft snapshot replaces it.
 */
public final class PartitionStore implements CheckpointSnapshots.Checkpointable, AutoCloseable {

	/** Entries read and changed per batch when an older database is brought up to date. */
	private static final int MIGRATION_PAGE = 10_000;

	private final RocksStore rocks;

	private final ReadWriteLock lock = new ReentrantReadWriteLock();

	private volatile long appliedIndex;

	public PartitionStore(Path dir) {
		this.rocks = new RocksStore(dir, PartitionSchema.DEFINITION);
		buildRecordsOnce();
		this.appliedIndex = this.rocks.get(PartitionSchema.COUNTERS, PartitionSchema.APPLIED_INDEX).orElse(0L);
	}

	/**
	 * A database written before the trash and retired records and the inodes' create
	 * request keys existed gets them, once: the records the inodes call for, and each inode
	 * the key of the create request that made it; requests whose inode is gone are dropped.
	 * All of it follows from the state, so replicas that do it at different indexes still agree.
	 */
	private void buildRecordsOnce() {
		if (this.rocks.get(PartitionSchema.COUNTERS, PartitionSchema.RECORDS_VERSION).orElse(0L) >= PartitionSchema.RECORDS) {
			return;
		}
		// in pages, each its own batch: every step may be done twice, so a crash part-way is harmless
		inPages(PartitionSchema.CREATE_REQUESTS, (batch, request, inodeId) -> {
			InodeKey key = new InodeKey(request.partition(), inodeId);
			Optional<Inode> inode = this.rocks.get(PartitionSchema.INODES, key);
			if (inode.isEmpty()) {
				batch.delete(PartitionSchema.CREATE_REQUESTS, request);
			}
			else if (inode.get().getCreateRequest() == 0) {
				batch.put(PartitionSchema.INODES, key, inode.get().toBuilder().setCreateRequest(request.inode()).build());
			}
		});
		inPages(PartitionSchema.INODES,
				(batch, key, inode) -> PartitionSchema.recordsOf(inode, (cf, value) -> batch.put(cf, key, value)));
		try (RocksStore.Batch batch = this.rocks.batch()) {
			batch.put(PartitionSchema.COUNTERS, PartitionSchema.RECORDS_VERSION, PartitionSchema.RECORDS);
			batch.commit();
		}
	}

	private interface PageStep<K, V> {

		void apply(RocksStore.Batch batch, K key, V value);

	}

	/** Visits every entry of cf, a page at a time, committing each page's changes in one batch. */
	private <K, V> void inPages(ColumnFamily<K, V> cf, PageStep<K, V> step) {
		K after = null;
		while (true) {
			List<Map.Entry<K, V>> page = new ArrayList<>();
			this.rocks.scanAfter(cf, KeyPrefix.ALL, after, (key, value) -> {
				page.add(Map.entry(key, value));
				return page.size() < MIGRATION_PAGE;
			});
			try (RocksStore.Batch batch = this.rocks.batch()) {
				page.forEach(entry -> step.apply(batch, entry.getKey(), entry.getValue()));
				batch.commit();
			}
			if (page.size() < MIGRATION_PAGE) {
				return;
			}
			after = page.get(page.size() - 1).getKey();
		}
	}

	@Override
	public long appliedIndex() {
		return this.appliedIndex;
	}

	public Optional<PartitionRecord> partition(int partitionId) {
		return read(() -> this.rocks.get(PartitionSchema.PARTITIONS, partitionId));
	}

	public List<PartitionRecord> partitions() {
		return read(() -> {
			List<PartitionRecord> all = new ArrayList<>();
			this.rocks.scan(PartitionSchema.PARTITIONS, KeyPrefix.ALL, (id, p) -> all.add(p));
			return all;
		});
	}

	public Optional<Inode> inode(int partitionId, long inodeId) {
		return read(() -> this.rocks.get(PartitionSchema.INODES, new InodeKey(partitionId, inodeId)));
	}

	/** The entry as it stands, with {@code pending_tx} set while a rename transaction holds its name. */
	public Optional<Dentry> dentry(int partitionId, long parent, String name) {
		return read(() -> this.rocks.get(PartitionSchema.DENTRIES, new DentryKey(partitionId, parent, name))
			.map(dentry -> withHolder(partitionId, dentry)));
	}

	/** Called under the read lock. */
	private Dentry withHolder(int partitionId, Dentry dentry) {
		return this.rocks.get(PartitionSchema.HELD_NAMES, new DentryKey(partitionId, dentry.getParent(), dentry.getName()))
			.map(tx -> dentry.toBuilder().setPendingTx(tx).build())
			.orElse(dentry);
	}

	/** The rename transaction holding a name, 0 when none does. */
	public long heldBy(int partitionId, long parent, String name) {
		return read(() -> this.rocks.get(PartitionSchema.HELD_NAMES, new DentryKey(partitionId, parent, name)).orElse(0L));
	}

	/**
	 * Up to limit entries of a directory after the name startAfter (from the first when
	 * empty), each with {@code pending_tx} set while a rename transaction holds its name.
	 */
	public List<Dentry> list(int partitionId, long parent, String startAfter, int limit) {
		return read(() -> {
			List<Dentry> page = new ArrayList<>();
			DentryKey after = startAfter.isEmpty() ? null : new DentryKey(partitionId, parent, startAfter);
			this.rocks.scanAfter(PartitionSchema.DENTRIES, new KeyPrefix(DentryKeyCodec.directory(partitionId, parent)),
					after, (key, dentry) -> {
						page.add(withHolder(partitionId, dentry));
						return page.size() < limit;
					});
			return page;
		});
	}

	public PartitionStats stats(int partitionId) {
		return read(() -> {
			PartitionStats.Builder stats = PartitionStats.newBuilder();
			KeyPrefix prefix = PartitionSchema.INODES.prefix(io.curve4j.common.store.Codec.u32(), partitionId);
			this.rocks.scan(PartitionSchema.INODES, prefix, (key, inode) -> {
				stats.setInodeCount(stats.getInodeCount() + 1);
				stats.setBytes(stats.getBytes() + inode.getLength());
			});
			this.rocks.scan(PartitionSchema.DENTRIES, prefix,
					(key, dentry) -> stats.setDentryCount(stats.getDentryCount() + 1));
			this.rocks.get(PartitionSchema.PARTITIONS, partitionId).ifPresent(p -> stats.setNextInode(p.getNextInode()));
			return stats.build();
		});
	}

	/** Up to limit inodes of the partition in id order, after the id startAfter (from the first when 0). */
	public List<Inode> inodes(int partitionId, long startAfter, int limit) {
		return read(() -> {
			List<Inode> page = new ArrayList<>();
			this.rocks.scanAfter(PartitionSchema.INODES,
					PartitionSchema.INODES.prefix(io.curve4j.common.store.Codec.u32(), partitionId),
					startAfter == 0 ? null : new InodeKey(partitionId, startAfter), (key, inode) -> {
						page.add(inode);
						return page.size() < limit;
					});
			return page;
		});
	}

	/** Inodes of the partition with no link left since before cutoffMs: the trash to empty, read from its records. */
	public List<Inode> unlinkedBefore(int partitionId, long cutoffMs, int limit) {
		return recorded(PartitionSchema.TRASH, partitionId, unlinkedMs -> unlinkedMs < cutoffMs, limit)
			.stream()
			.filter(inode -> inode.getNlink() == 0)
			.toList();
	}

	/** Inodes of the partition with pieces retired at or before retiredByMs: the objects to delete, read from their records. */
	public List<Inode> retiredBy(int partitionId, long retiredByMs, int limit) {
		return recorded(PartitionSchema.RETIRED, partitionId, earliestMs -> earliestMs <= retiredByMs, limit);
	}

	/** Up to limit inodes of the partition whose record in cf (a time) is due. */
	private List<Inode> recorded(ColumnFamily<InodeKey, Long> cf, int partitionId, LongPredicate due, int limit) {
		return read(() -> {
			List<Inode> found = new ArrayList<>();
			this.rocks.scanAfter(cf, cf.prefix(io.curve4j.common.store.Codec.u32(), partitionId), null, (key, ms) -> {
				if (due.test(ms)) {
					this.rocks.get(PartitionSchema.INODES, key).ifPresent(found::add);
				}
				return found.size() < limit;
			});
			return found;
		});
	}

	/** The copyset's membership epoch as last saved; empty before the first change. */
	public Optional<Long> membershipEpoch() {
		return read(() -> this.rocks.get(PartitionSchema.COUNTERS, PartitionSchema.MEMBERSHIP_EPOCH));
	}

	/** Saved apart from the log's entries: configurations commit outside them. */
	void saveMembershipEpoch(long epoch) {
		this.lock.readLock().lock();
		try (RocksStore.Batch batch = this.rocks.batch()) {
			batch.put(PartitionSchema.COUNTERS, PartitionSchema.MEMBERSHIP_EPOCH, epoch);
			batch.commit();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** A batch for one entry's changes; {@link #write} commits it with the entry's index. */
	RocksStore.Batch batch() {
		return this.rocks.batch();
	}

	void write(RocksStore.Batch batch, long index) {
		this.lock.readLock().lock();
		try {
			batch.put(PartitionSchema.COUNTERS, PartitionSchema.APPLIED_INDEX, index);
			batch.commit();
		}
		finally {
			this.lock.readLock().unlock();
		}
		this.appliedIndex = index;
	}

	@Override
	public void checkpoint(Path target) {
		read(() -> {
			this.rocks.checkpoint(target);
			return null;
		});
	}

	@Override
	public void restore(Path checkpoint) {
		this.lock.writeLock().lock();
		try {
			this.rocks.restore(checkpoint);
			buildRecordsOnce();
			this.appliedIndex = this.rocks.get(PartitionSchema.COUNTERS, PartitionSchema.APPLIED_INDEX).orElse(0L);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	private <T> T read(Supplier<T> read) {
		this.lock.readLock().lock();
		try {
			return read.get();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public void close() {
		this.lock.writeLock().lock();
		try {
			this.rocks.close();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

}
