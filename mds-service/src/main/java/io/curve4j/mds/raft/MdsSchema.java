package io.curve4j.mds.raft;

import java.util.List;

import io.curve4j.common.store.Codec;
import io.curve4j.common.store.ColumnFamily;
import io.curve4j.common.store.KeyPrefix;
import io.curve4j.common.store.StoreDefinition;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FsRecord;
import io.curve4j.proto.mds.v1.FsTxRecord;
import io.curve4j.proto.mds.v1.MountRecord;
import io.curve4j.proto.mds.v1.PartitionRecord;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.PhysicalPoolRecord;
import io.curve4j.proto.mds.v1.SegmentRecord;
import io.curve4j.proto.mds.v1.ServerRecord;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.UserRecord;
import io.curve4j.proto.mds.v1.ZoneRecord;

/**
 * The whole MDS database: every column family with its key and value encoding
 * ({@link #DEFINITION}). Integer keys are big-endian (see {@link Codec}) so that a prefix
 * scan lists one parent's children in numeric order. The byte layout is the one every
 * earlier version wrote; docs/formats.md lists it.
 */
public final class MdsSchema {

	/** Column family of small named values: the applied index, id counters, scheduler flags. */
	private static final String META = "meta";

	/** In meta: "applied_index" and "next_id/NAME" -> u64. */
	public static final ColumnFamily<String, Long> COUNTERS = new ColumnFamily<>(META, Codec.utf8(), Codec.u64());

	/** In meta: "scheduler_paused/ID" -> one byte, 1 when paused. */
	public static final ColumnFamily<String, Boolean> FLAGS = new ColumnFamily<>(META, Codec.utf8(), Codec.flag());

	/** Key in {@link #COUNTERS}: index of the last applied entry, written with its changes. */
	public static final String APPLIED_INDEX = "applied_index";

	/** id (u32) -> physical pool. */
	public static final ColumnFamily<Integer, PhysicalPoolRecord> PHYSICAL_POOLS = new ColumnFamily<>("physical_pools",
			Codec.u32(), Codec.proto(PhysicalPoolRecord.parser()));

	/** id (u32) -> zone. */
	public static final ColumnFamily<Integer, ZoneRecord> ZONES = new ColumnFamily<>("zones", Codec.u32(),
			Codec.proto(ZoneRecord.parser()));

	/** id (u32) -> server. */
	public static final ColumnFamily<Integer, ServerRecord> SERVERS = new ColumnFamily<>("servers", Codec.u32(),
			Codec.proto(ServerRecord.parser()));

	/** id (u32) -> chunkserver (with its token). */
	public static final ColumnFamily<Integer, ChunkServerRecord> CHUNK_SERVERS = new ColumnFamily<>("chunk_servers",
			Codec.u32(), Codec.proto(ChunkServerRecord.parser()));

	/** id (u32) -> logical pool (with its round-robin cursor). */
	public static final ColumnFamily<Integer, LogicalPoolRecord> LOGICAL_POOLS = new ColumnFamily<>("logical_pools",
			Codec.u32(), Codec.proto(LogicalPoolRecord.parser()));

	/** (logical pool id u32, copyset id u32) -> copyset members. */
	public static final ColumnFamily<CopysetKey, CopysetRecord> COPYSETS = new ColumnFamily<>("copysets",
			Codec.pair(Codec.u32(), Integer.BYTES, CopysetKey::logicalPoolId, Codec.u32(), CopysetKey::copysetId,
					CopysetKey::new),
			Codec.proto(CopysetRecord.parser()));

	/** file id (u64) -> file or directory. */
	public static final ColumnFamily<Long, FileRecord> FILES = new ColumnFamily<>("files", Codec.u64(),
			Codec.proto(FileRecord.parser()));

	/** (parent id u64, name UTF-8) -> file id (u64): the directory tree. */
	public static final ColumnFamily<DentryKey, Long> DENTRIES = new ColumnFamily<>("dentries",
			Codec.pair(Codec.u64(), Long.BYTES, DentryKey::parentId, Codec.utf8(), DentryKey::name, DentryKey::new),
			Codec.u64());

	/** (file id u64, segment index u64) -> chunk mapping of an allocated segment. */
	public static final ColumnFamily<SegmentKey, SegmentRecord> SEGMENTS = new ColumnFamily<>("segments",
			Codec.pair(Codec.u64(), Long.BYTES, SegmentKey::fileId, Codec.u64(), SegmentKey::segmentIndex,
					SegmentKey::new),
			Codec.proto(SegmentRecord.parser()));

	/** user name (UTF-8) -> user with its password (root is configured, never stored). */
	public static final ColumnFamily<String, UserRecord> USERS = new ColumnFamily<>("users", Codec.utf8(),
			Codec.proto(UserRecord.parser()));

	/** snapshot id (UTF-8, a UUID) -> the snapshot's record, as the snapshot service sees it. */
	public static final ColumnFamily<String, SnapshotInfo> SNAPSHOTS = new ColumnFamily<>("snapshots", Codec.utf8(),
			Codec.proto(SnapshotInfo.parser()));

	/** CurveFS file system id (u32) -> file system. */
	public static final ColumnFamily<Integer, FsRecord> FILE_SYSTEMS = new ColumnFamily<>("file_systems", Codec.u32(),
			Codec.proto(FsRecord.parser()));

	/** (fs id u32, partition id u32) -> partition: a prefix scan lists one file system's. */
	public static final ColumnFamily<PartitionKey, PartitionRecord> FS_PARTITIONS = new ColumnFamily<>(
			"fs_partitions", Codec.pair(Codec.u32(), Integer.BYTES, PartitionKey::fsId, Codec.u32(),
					PartitionKey::partitionId, PartitionKey::new),
			Codec.proto(PartitionRecord.parser()));

	/** mount id (u64) -> mount with its lease. */
	public static final ColumnFamily<Long, MountRecord> FS_MOUNTS = new ColumnFamily<>("fs_mounts", Codec.u64(),
			Codec.proto(MountRecord.parser()));

	/** rename transaction id (u64) -> transaction. */
	public static final ColumnFamily<Long, FsTxRecord> FS_TXS = new ColumnFamily<>("fs_txs", Codec.u64(),
			Codec.proto(FsTxRecord.parser()));

	public static final StoreDefinition DEFINITION = new StoreDefinition("mds", List.of(COUNTERS, FLAGS,
			PHYSICAL_POOLS, ZONES, SERVERS, CHUNK_SERVERS, LOGICAL_POOLS, COPYSETS, FILES, DENTRIES, SEGMENTS, USERS,
			SNAPSHOTS, FILE_SYSTEMS, FS_PARTITIONS, FS_MOUNTS, FS_TXS));

	private MdsSchema() {
	}

	/** Key in {@link #COUNTERS} of an id counter. */
	public static String counterKey(String name) {
		return "next_id/" + name;
	}

	/** The entries of a directory in {@link #DENTRIES}. */
	public static KeyPrefix childrenOf(long directoryId) {
		return DENTRIES.prefix(Codec.u64(), directoryId);
	}

	/** The segments of a volume in {@link #SEGMENTS}. */
	public static KeyPrefix segmentsOf(long fileId) {
		return SEGMENTS.prefix(Codec.u64(), fileId);
	}

	/** The partitions of a file system in {@link #FS_PARTITIONS}. */
	public static KeyPrefix partitionsOf(int fsId) {
		return FS_PARTITIONS.prefix(Codec.u32(), fsId);
	}

	public record PartitionKey(int fsId, int partitionId) {
	}

	public record CopysetKey(int logicalPoolId, int copysetId) {
	}

	public record DentryKey(long parentId, String name) {
	}

	public record SegmentKey(long fileId, long segmentIndex) {
	}

}
