package io.curve4j.common.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three-member groups whose hosts keep their Raft logs in a journal: replication, a
 * restart replaying the log, snapshots truncating it, a follower that was away while the
 * leader dropped the entries it lacks catching up from a snapshot (the reset of its log)
 * and then from the log, and a member moving its log from RocksDB into the journal.
 */
class JournalRaftGroupTest {

	@TempDir
	Path dir;

	/** Applied entries, in memory and in snapshots. */
	static final class ListSnapshots implements SnapshotStore {

		final List<String> applied = new CopyOnWriteArrayList<>();

		@Override
		public List<String> save(Path dir) throws IOException {
			Files.write(dir.resolve("list"), this.applied, StandardCharsets.UTF_8);
			return List.of("list");
		}

		@Override
		public long load(Path dir, List<String> files, long lastIncludedIndex) throws IOException {
			this.applied.clear();
			this.applied.addAll(Files.readAllLines(dir.resolve("list"), StandardCharsets.UTF_8));
			return lastIncludedIndex;
		}

	}

	/** Appends every entry to its list; notes whether a snapshot replaced it. */
	static final class ListStateMachine extends CommandStateMachine<String> {

		final ListSnapshots state;

		volatile boolean snapshotLoaded;

		ListStateMachine() {
			this(new ListSnapshots());
		}

		private ListStateMachine(ListSnapshots state) {
			super("list", state, 0);
			this.state = state;
		}

		@Override
		protected String decode(long index, ByteBuffer data) {
			return StandardCharsets.UTF_8.decode(data).toString();
		}

		@Override
		protected Object apply(long index, String value) {
			this.state.applied.add(value);
			return this.state.applied.size();
		}

		@Override
		protected void snapshotLoaded(long lastIncludedIndex) {
			this.snapshotLoaded = true;
		}

	}

	@Test
	void membersReplicateRestartAndCatchUpFromASnapshotAfterTheLogWasTruncated() throws Exception {
		try (RaftTestCluster<ListStateMachine> cluster = new RaftTestCluster<>("journal", 3, this.dir,
				i -> new ListStateMachine(), RaftLogStore.JOURNAL)) {
			RaftGroup leader = cluster.awaitLeader();
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			cluster.host(cluster.indexOf(leader)).bindTo(meters);
			for (String value : List.of("a", "b", "c")) {
				leader.propose(value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
			}
			awaitApplied(cluster, 0, List.of("a", "b", "c"));
			awaitApplied(cluster, 1, List.of("a", "b", "c"));
			awaitApplied(cluster, 2, List.of("a", "b", "c"));
			assertThat(meters.get("curve4j.raft.proposals").tag("outcome", "applied").timer().count()).isEqualTo(3);
			assertThat(meters.get("curve4j.raft.proposals").tag("outcome", "failed").timer().count()).isZero();
			assertThat(meters.get("curve4j.raft.log.sync").timer().count()).as("journal batches synced").isPositive();
			assertThat(meters.get("curve4j.raft.groups.leading").gauge().value()).isEqualTo(1);
			assertThat(meters.get("curve4j.raft.leader.starts").functionCounter().count())
				.as("counted before the registry was bound").isEqualTo(1);
			assertThat(meters.get("curve4j.raft.apply.lag").gauge().value()).isZero();

			// a restart replays the log from the journal
			int away = (cluster.indexOf(leader) + 1) % 3;
			cluster.stop(away);
			cluster.start(away);
			awaitApplied(cluster, away, List.of("a", "b", "c"));
			assertThat(Files.exists(cluster.memberDir(away).resolve("log/JOURNAL"))).isTrue();

			// away misses entries the leader's log drops after two snapshots
			leader = cluster.awaitLeader();
			away = (cluster.indexOf(leader) + 1) % 3;
			cluster.stop(away);
			propose(leader, "d", "e");
			leader.snapshot().get(10, TimeUnit.SECONDS);
			propose(leader, "f", "g");
			leader.snapshot().get(10, TimeUnit.SECONDS);
			propose(leader, "h");
			cluster.start(away);
			List<String> all = List.of("a", "b", "c", "d", "e", "f", "g", "h");
			awaitApplied(cluster, away, all);
			assertThat(cluster.stateMachine(away).snapshotLoaded).as("caught up from the leader's snapshot").isTrue();
			SimpleMeterRegistry awayMeters = new SimpleMeterRegistry();
			cluster.host(away).bindTo(awayMeters);
			assertThat(awayMeters.get("curve4j.raft.snapshots").tag("op", "load").functionCounter().count())
				.as("the snapshot installed from the leader").isEqualTo(1);
			SimpleMeterRegistry leaderMeters = new SimpleMeterRegistry();
			cluster.host(cluster.indexOf(leader)).bindTo(leaderMeters);
			assertThat(leaderMeters.get("curve4j.raft.snapshots").tag("op", "save").functionCounter().count()).isEqualTo(2);
			propose(leader, "i");
			List<String> more = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
			awaitApplied(cluster, away, more);

			// and its log, reset by the snapshot, holds what came after it
			cluster.stop(away);
			cluster.start(away);
			awaitApplied(cluster, away, more);
			int leaderIndex = cluster.indexOf(leader);
			cluster.stop(leaderIndex);
			cluster.start(leaderIndex);
			awaitApplied(cluster, leaderIndex, more);
		}
	}

	@Test
	void aMemberMovesItsLogFromRocksDbIntoTheJournalAndCannotGoBack() throws Exception {
		try (RaftTestCluster<ListStateMachine> cluster = new RaftTestCluster<>("moving", 3, this.dir,
				i -> new ListStateMachine(), RaftLogStore.ROCKSDB)) {
			RaftGroup leader = cluster.awaitLeader();
			propose(leader, "a", "b");
			leader.snapshot().get(10, TimeUnit.SECONDS);
			propose(leader, "c");
			int moved = (cluster.indexOf(leader) + 1) % 3;
			awaitApplied(cluster, moved, List.of("a", "b", "c"));
			cluster.stop(moved);
			// the leader's log drops all before c: without a log of its own, the member would
			// need the leader's snapshot
			propose(leader, "d");
			leader.snapshot().get(10, TimeUnit.SECONDS);
			cluster.start(moved, RaftLogStore.JOURNAL);
			awaitApplied(cluster, moved, List.of("a", "b", "c", "d"));
			assertThat(cluster.stateMachine(moved).snapshotLoaded).as("caught up from its own log").isFalse();
			try (Stream<Path> files = Files.list(cluster.memberDir(moved).resolve("log"))) {
				assertThat(files.map(f -> f.getFileName().toString())).containsExactly("JOURNAL");
			}
			cluster.stop(moved);
			assertThatThrownBy(() -> cluster.start(moved, RaftLogStore.ROCKSDB)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("is in the journal");
			cluster.start(moved, RaftLogStore.JOURNAL);
			awaitApplied(cluster, moved, List.of("a", "b", "c", "d"));
		}
	}

	private static void propose(RaftGroup leader, String... values) throws Exception {
		for (String value : values) {
			leader.propose(value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
		}
	}

	private static void awaitApplied(RaftTestCluster<ListStateMachine> cluster, int member, List<String> values) {
		await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateMachine(member).state.applied.equals(values));
	}

}
