package io.curve4j.mds.raft;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import io.curve4j.common.store.ColumnFamily;
import io.curve4j.mds.raft.MdsSchema.CopysetKey;
import io.curve4j.mds.raft.MdsSchema.DentryKey;
import io.curve4j.mds.raft.MdsSchema.SegmentKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MDS database's byte layout, written out literally: an existing database must open
 * on new code, so a change here is a change of the on-disk format (docs/formats.md).
 */
class MdsSchemaLayoutTest {

	@Test
	void keysAreTheBytesEarlierVersionsWrote() {
		assertThat(key(MdsSchema.ZONES, 258)).isEqualTo("00000102");
		assertThat(key(MdsSchema.FILES, 5L)).isEqualTo("0000000000000005");
		assertThat(key(MdsSchema.COPYSETS, new CopysetKey(1, 7))).isEqualTo("0000000100000007");
		assertThat(key(MdsSchema.DENTRIES, new DentryKey(1, "vol"))).isEqualTo("0000000000000001" + "766f6c");
		assertThat(key(MdsSchema.SEGMENTS, new SegmentKey(2, 3))).isEqualTo("0000000000000002" + "0000000000000003");
		assertThat(key(MdsSchema.USERS, "alice")).isEqualTo("616c696365");
		assertThat(key(MdsSchema.SNAPSHOTS, "ab-1")).isEqualTo("61622d31");
		assertThat(key(MdsSchema.COUNTERS, MdsSchema.APPLIED_INDEX)).isEqualTo(hex("applied_index"));
		assertThat(key(MdsSchema.COUNTERS, MdsSchema.counterKey("chunk"))).isEqualTo(hex("next_id/chunk"));
	}

	@Test
	void valuesAndColumnFamilyNamesAreUnchanged() {
		assertThat(HexFormat.of().formatHex(MdsSchema.DENTRIES.valueCodec().toBytes(9L))).isEqualTo("0000000000000009");
		assertThat(HexFormat.of().formatHex(MdsSchema.FLAGS.valueCodec().toBytes(true))).isEqualTo("01");
		assertThat(MdsSchema.DEFINITION.columnFamilies().stream().map(ColumnFamily::name).distinct()).containsExactly(
				"meta", "physical_pools", "zones", "servers", "chunk_servers", "logical_pools", "copysets", "files",
				"dentries", "segments", "users", "snapshots", "file_systems", "fs_partitions", "fs_mounts", "fs_txs");
	}

	@Test
	void aPrefixIsTheParentsIdSoAScanListsOneDirectory() {
		assertThat(HexFormat.of().formatHex(MdsSchema.childrenOf(1).bytes())).isEqualTo("0000000000000001");
		assertThat(HexFormat.of().formatHex(MdsSchema.segmentsOf(2).bytes())).isEqualTo("0000000000000002");
	}

	private static <K> String key(ColumnFamily<K, ?> cf, K key) {
		return HexFormat.of().formatHex(cf.keyCodec().toBytes(key));
	}

	private static String hex(String ascii) {
		return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.US_ASCII));
	}

}
