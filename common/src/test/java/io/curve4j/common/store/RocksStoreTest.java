package io.curve4j.common.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocksStoreTest {

	record Child(long parent, String name) {
	}

	static final ColumnFamily<Child, Long> CHILDREN = new ColumnFamily<>("children",
			Codec.pair(Codec.u64(), Long.BYTES, Child::parent, Codec.utf8(), Child::name, Child::new), Codec.u64());

	static final ColumnFamily<String, Long> COUNTERS = new ColumnFamily<>("meta", Codec.utf8(), Codec.u64());

	static final ColumnFamily<String, Boolean> FLAGS = new ColumnFamily<>("meta", Codec.utf8(), Codec.flag());

	static final StoreDefinition DEFINITION = new StoreDefinition("test", List.of(CHILDREN, COUNTERS, FLAGS));

	@TempDir
	Path dir;

	@Test
	void aPrefixScanVisitsOneParentsChildrenInKeyOrderAndStopsAtTheNext() {
		try (RocksStore store = new RocksStore(this.dir.resolve("db"), DEFINITION); RocksStore.Batch batch = store.batch()) {
			batch.put(CHILDREN, new Child(1, "b"), 11L)
				.put(CHILDREN, new Child(1, "a"), 10L)
				.put(CHILDREN, new Child(2, "a"), 20L)
				.put(CHILDREN, new Child(256, "a"), 2560L)
				.commit();
			assertThat(children(store, 1)).containsExactly(new Child(1, "a"), new Child(1, "b"));
			assertThat(children(store, 2)).containsExactly(new Child(2, "a"));
			assertThat(children(store, 3)).isEmpty();
			assertThat(store.get(CHILDREN, new Child(256, "a"))).contains(2560L);
		}
	}

	@Test
	void aBatchReadsItsOwnWritesAndNothingIsVisibleBeforeCommit() {
		try (RocksStore store = new RocksStore(this.dir.resolve("db"), DEFINITION)) {
			try (RocksStore.Batch first = store.batch()) {
				first.put(CHILDREN, new Child(1, "kept"), 1L).put(CHILDREN, new Child(1, "deleted"), 2L).commit();
			}
			try (RocksStore.Batch batch = store.batch()) {
				batch.put(CHILDREN, new Child(1, "new"), 3L).delete(CHILDREN, new Child(1, "deleted"));
				assertThat(batch.get(CHILDREN, new Child(1, "new"))).contains(3L);
				assertThat(batch.get(CHILDREN, new Child(1, "deleted"))).isEmpty();
				List<Child> seen = new ArrayList<>();
				batch.scan(CHILDREN, CHILDREN.prefix(Codec.u64(), 1L), (k, v) -> seen.add(k));
				assertThat(seen).containsExactly(new Child(1, "kept"), new Child(1, "new"));
				assertThat(store.get(CHILDREN, new Child(1, "new"))).isEmpty();
				assertThat(store.get(CHILDREN, new Child(1, "deleted"))).contains(2L);
			}
			assertThat(store.get(CHILDREN, new Child(1, "new"))).as("an uncommitted batch leaves nothing").isEmpty();
		}
	}

	@Test
	void aBatchReadsTheLatestOfARecordItReadAndChangedAgain() {
		try (RocksStore store = new RocksStore(this.dir.resolve("db"), DEFINITION)) {
			try (RocksStore.Batch first = store.batch()) {
				first.put(CHILDREN, new Child(1, "a"), 1L).put(COUNTERS, "shared", 5L).commit();
			}
			try (RocksStore.Batch batch = store.batch()) {
				assertThat(batch.get(CHILDREN, new Child(1, "a"))).contains(1L);
				batch.put(CHILDREN, new Child(1, "a"), 2L);
				assertThat(batch.get(CHILDREN, new Child(1, "a"))).contains(2L);
				batch.delete(CHILDREN, new Child(1, "a"));
				assertThat(batch.get(CHILDREN, new Child(1, "a"))).isEmpty();
				batch.put(CHILDREN, new Child(1, "a"), 3L).commit();
				// a record read through one typed view and written through another is decoded by the reader
				assertThat(batch.get(COUNTERS, "shared")).contains(5L);
				batch.put(FLAGS, "shared", true);
				assertThatThrownBy(() -> batch.get(COUNTERS, "shared")).isInstanceOf(CurveException.class)
					.hasMessageContaining("corrupt u64");
			}
			assertThat(store.get(CHILDREN, new Child(1, "a"))).contains(3L);
		}
	}

	@Test
	void keysInTablesAreFoundAndAbsentOnesAreNotOnceRestoredFromACheckpoint() {
		Path db = this.dir.resolve("db");
		try (RocksStore store = new RocksStore(db, DEFINITION)) {
			try (RocksStore.Batch batch = store.batch()) {
				for (long parent = 0; parent < 1000; parent += 2) {
					batch.put(CHILDREN, new Child(parent, "f"), parent);
				}
				batch.commit();
			}
			// a checkpoint flushes the memtable: after the restore every key is read from a table (and its filter)
			store.checkpoint(this.dir.resolve("checkpoint"));
			store.restore(this.dir.resolve("checkpoint"));
			try (RocksStore.Batch batch = store.batch()) {
				for (long parent = 0; parent < 1000; parent++) {
					Optional<Long> expected = parent % 2 == 0 ? Optional.of(parent) : Optional.empty();
					assertThat(store.get(CHILDREN, new Child(parent, "f"))).isEqualTo(expected);
					assertThat(batch.get(CHILDREN, new Child(parent, "f"))).isEqualTo(expected);
					assertThat(store.get(CHILDREN, new Child(parent, "g"))).isEmpty();
				}
			}
		}
	}

	@Test
	void twoTypedViewsShareOneColumnFamilyAndSurviveAReopen() {
		Path db = this.dir.resolve("db");
		try (RocksStore store = new RocksStore(db, DEFINITION); RocksStore.Batch batch = store.batch()) {
			batch.put(COUNTERS, "next_id/file", 7L).put(FLAGS, "paused/x", true).commit();
		}
		try (RocksStore store = new RocksStore(db, DEFINITION)) {
			assertThat(store.get(COUNTERS, "next_id/file")).contains(7L);
			assertThat(store.get(FLAGS, "paused/x")).contains(true);
		}
	}

	@Test
	void bytesThatAreNotTheTypeFailClearly() {
		try (RocksStore store = new RocksStore(this.dir.resolve("db"), DEFINITION); RocksStore.Batch batch = store.batch()) {
			batch.put(FLAGS, "counter", true).commit();
			assertThatThrownBy(() -> store.get(COUNTERS, "counter")).isInstanceOf(CurveException.class)
				.hasMessageContaining("corrupt u64: 1 bytes where 8 belong");
		}
	}

	@Test
	void aColumnFamilyOutsideTheDefinitionIsRefused() {
		ColumnFamily<String, Long> other = new ColumnFamily<>("other", Codec.utf8(), Codec.u64());
		try (RocksStore store = new RocksStore(this.dir.resolve("db"), DEFINITION)) {
			assertThatThrownBy(() -> store.get(other, "x")).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("other is not in the test definition");
		}
	}

	private static List<Child> children(RocksStore store, long parent) {
		List<Child> keys = new ArrayList<>();
		store.scan(CHILDREN, CHILDREN.prefix(Codec.u64(), parent), (k, v) -> keys.add(k));
		return keys;
	}

}
