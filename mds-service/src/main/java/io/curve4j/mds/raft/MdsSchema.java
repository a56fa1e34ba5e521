package io.curve4j.mds.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.PhysicalPoolRecord;
import io.curve4j.proto.mds.v1.SegmentRecord;
import io.curve4j.proto.mds.v1.ServerRecord;
import io.curve4j.proto.mds.v1.UserRecord;
import io.curve4j.proto.mds.v1.ZoneRecord;

/**
 * The whole MDS database: every column family, its key layout and its value type.
 * Integer keys are big-endian so that RocksDB's byte order is numeric order and a
 * prefix scan lists one parent's children.
 */
public final class MdsSchema {

	/** Applied Raft index and id counters; values are 8-byte big-endian longs. */
	public static final String META = "meta";

	/** Key in {@link #META}: index of the last applied entry, written with its changes. */
	public static final byte[] APPLIED_INDEX = "applied_index".getBytes(StandardCharsets.US_ASCII);

	/** id (u32) -> physical pool. */
	public static final Table<PhysicalPoolRecord> PHYSICAL_POOLS = new Table<>("physical_pools",
			PhysicalPoolRecord.parser());

	/** id (u32) -> zone. */
	public static final Table<ZoneRecord> ZONES = new Table<>("zones", ZoneRecord.parser());

	/** id (u32) -> server. */
	public static final Table<ServerRecord> SERVERS = new Table<>("servers", ServerRecord.parser());

	/** id (u32) -> chunkserver (with its token). */
	public static final Table<ChunkServerRecord> CHUNK_SERVERS = new Table<>("chunk_servers",
			ChunkServerRecord.parser());

	/** id (u32) -> logical pool (with its round-robin cursor). */
	public static final Table<LogicalPoolRecord> LOGICAL_POOLS = new Table<>("logical_pools",
			LogicalPoolRecord.parser());

	/** logical pool id (u32) + copyset id (u32) -> copyset members. */
	public static final Table<CopysetRecord> COPYSETS = new Table<>("copysets", CopysetRecord.parser());

	/** file id (u64) -> file or directory. */
	public static final Table<FileRecord> FILES = new Table<>("files", FileRecord.parser());

	/** parent id (u64) + name (UTF-8) -> file id (u64): the directory tree. */
	public static final String DENTRIES = "dentries";

	/** file id (u64) + segment index (u64) -> chunk mapping of an allocated segment. */
	public static final Table<SegmentRecord> SEGMENTS = new Table<>("segments", SegmentRecord.parser());

	/** user name (UTF-8) -> user with its password (root is configured, never stored). */
	public static final Table<UserRecord> USERS = new Table<>("users", UserRecord.parser());

	public static final List<String> COLUMN_FAMILIES = List.of(META, PHYSICAL_POOLS.name(), ZONES.name(),
			SERVERS.name(), CHUNK_SERVERS.name(), LOGICAL_POOLS.name(), COPYSETS.name(), FILES.name(), DENTRIES,
			SEGMENTS.name(), USERS.name());

	private MdsSchema() {
	}

	/** A column family holding protobuf values of one type. */
	public record Table<V extends Message>(String name, Parser<V> parser) {
	}

	public static byte[] u32(int id) {
		return ByteBuffer.allocate(4).putInt(id).array();
	}

	public static byte[] u64(long id) {
		return ByteBuffer.allocate(8).putLong(id).array();
	}

	public static long readU64(byte[] bytes) {
		return ByteBuffer.wrap(bytes).getLong();
	}

	public static byte[] copysetKey(int logicalPoolId, int copysetId) {
		return ByteBuffer.allocate(8).putInt(logicalPoolId).putInt(copysetId).array();
	}

	public static byte[] dentryKey(long parentId, String name) {
		byte[] n = name.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(8 + n.length).putLong(parentId).put(n).array();
	}

	public static byte[] segmentKey(long fileId, long segmentIndex) {
		return ByteBuffer.allocate(16).putLong(fileId).putLong(segmentIndex).array();
	}

	/** Key in {@link #META} of an id counter. */
	public static byte[] counterKey(String name) {
		return ("next_id/" + name).getBytes(StandardCharsets.US_ASCII);
	}

}
