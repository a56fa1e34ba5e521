package io.curve4j.metaserver.partition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

import io.curve4j.common.store.Codec;
import io.curve4j.common.store.ColumnFamily;
import io.curve4j.common.store.StoreDefinition;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.PendingRename;
import io.curve4j.proto.metaserver.v1.RetiredPiece;

/**
 * The database of one metaserver copyset, holding all its partitions. Integer keys are
 * big-endian, so a prefix scan lists one directory's entries in name order. Partition
 * ids are unique in the cluster (the MDS draws them from one counter), so every key
 * starts with the partition id. docs/formats.md lists the layout.
 */
public final class PartitionSchema {

	private static final String META = "meta";

	/** 4 bytes partition, 8 bytes inode (or transaction, or create request). */
	private static final Codec<InodeKey> INODE_KEY = Codec.pair(Codec.u32(), Integer.BYTES, InodeKey::partition,
			Codec.u64(), InodeKey::inode, InodeKey::new);

	/** In meta: "applied_index" -> u64, written with every entry's changes; "membership_epoch" -> u64. */
	static final ColumnFamily<String, Long> COUNTERS = new ColumnFamily<>(META, Codec.utf8(), Codec.u64());

	static final String APPLIED_INDEX = "applied_index";

	/** In meta: the copyset's membership changes so far (see MembershipEpoch). */
	static final String MEMBERSHIP_EPOCH = "membership_epoch";

	/**
	 * In meta: {@link #RECORDS} once the records that follow from the inodes ({@link #TRASH},
	 * {@link #RETIRED}, {@code Inode.create_request}) were built in a database written
	 * before them (PartitionStore does it once, on open).
	 */
	static final String RECORDS_VERSION = "records_version";

	static final long RECORDS = 1;

	/** partition id (u32) -> its range and next free inode id. */
	static final ColumnFamily<Integer, PartitionRecord> PARTITIONS = new ColumnFamily<>("partitions", Codec.u32(),
			Codec.proto(PartitionRecord.parser()));

	/** (partition u32, inode id u64) -> inode. */
	static final ColumnFamily<InodeKey, Inode> INODES = new ColumnFamily<>("inodes", INODE_KEY,
			Codec.proto(Inode.parser()));

	/** (partition u32, parent inode u64, name UTF-8) -> dentry. */
	static final ColumnFamily<DentryKey, Dentry> DENTRIES = new ColumnFamily<>("dentries", new DentryKeyCodec(),
			Codec.proto(Dentry.parser()));

	/** (partition u32, parent u64, name) -> id of the rename transaction holding that name. */
	static final ColumnFamily<DentryKey, Long> HELD_NAMES = new ColumnFamily<>("held_names", new DentryKeyCodec(),
			Codec.u64());

	/** (partition u32, transaction id u64) -> the prepared rename. */
	static final ColumnFamily<InodeKey, PendingRename> PENDING = new ColumnFamily<>("pending_renames", INODE_KEY,
			Codec.proto(PendingRename.parser()));

	/**
	 * (partition u32, client id mixed with request number u64) -> inode id a create made:
	 * retries get the same inode. It goes when that inode is purged ({@code Inode.create_request}).
	 */
	static final ColumnFamily<InodeKey, Long> CREATE_REQUESTS = new ColumnFamily<>("create_requests", INODE_KEY, Codec.u64());

	/**
	 * (partition u32, inode id u64) -> when it lost its last link (ms): the trash, so the
	 * cleaner reads what it may purge instead of every inode.
	 */
	static final ColumnFamily<InodeKey, Long> TRASH = new ColumnFamily<>("trash", INODE_KEY, Codec.u64());

	/**
	 * (partition u32, inode id u64) -> the earliest retired_ms of its retired pieces: the
	 * collector reads what it may delete instead of every inode.
	 */
	static final ColumnFamily<InodeKey, Long> RETIRED = new ColumnFamily<>("retired", INODE_KEY, Codec.u64());

	public static final StoreDefinition DEFINITION = new StoreDefinition("metaserver",
			List.of(COUNTERS, PARTITIONS, INODES, DENTRIES, HELD_NAMES, PENDING, CREATE_REQUESTS, TRASH, RETIRED));

	/**
	 * The records an inode's state calls for beside it: its {@link #TRASH} record while it
	 * has no link, its {@link #RETIRED} record while it has retired pieces. Removing them
	 * when that ends is the changes' job (a new link, forget_retired, the purge).
	 */
	static void recordsOf(Inode inode, BiConsumer<ColumnFamily<InodeKey, Long>, Long> put) {
		if (inode.getNlink() == 0 && inode.getUnlinkedMs() > 0) {
			put.accept(TRASH, inode.getUnlinkedMs());
		}
		if (inode.getRetiredCount() > 0) {
			put.accept(RETIRED, inode.getRetiredList().stream().mapToLong(RetiredPiece::getRetiredMs).min().getAsLong());
		}
	}

	private PartitionSchema() {
	}

	/** An inode of a partition (also: a transaction or create request of a partition). */
	record InodeKey(int partition, long inode) {
	}

	record DentryKey(int partition, long parent, String name) {
	}

	/** 4 bytes partition, 8 bytes parent, then the name's UTF-8 bytes. */
	static final class DentryKeyCodec implements Codec<DentryKey> {

		@Override
		public byte[] toBytes(DentryKey key) {
			byte[] name = key.name().getBytes(StandardCharsets.UTF_8);
			return ByteBuffer.allocate(12 + name.length).putInt(key.partition()).putLong(key.parent()).put(name).array();
		}

		@Override
		public DentryKey fromBytes(byte[] bytes) {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			return new DentryKey(buffer.getInt(), buffer.getLong(),
					new String(bytes, 12, bytes.length - 12, StandardCharsets.UTF_8));
		}

		/** The leading bytes of one directory's entries. */
		static byte[] directory(int partition, long parent) {
			return ByteBuffer.allocate(12).putInt(partition).putLong(parent).array();
		}

	}

}
