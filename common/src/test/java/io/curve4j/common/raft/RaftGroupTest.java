package io.curve4j.common.raft;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.NotLeaderException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RaftGroupTest {

	@TempDir
	Path dir;

	private final List<RaftHost> hosts = new ArrayList<>();

	/** Appends every entry; rejects "bad" deterministically; keeps its state in memory only. */
	static class ListStateMachine extends CommandStateMachine<String> {

		final List<String> applied = new CopyOnWriteArrayList<>();

		ListStateMachine() {
			super("list", SnapshotStore.none(), 0);
		}

		@Override
		protected String decode(long index, ByteBuffer data) {
			return StandardCharsets.UTF_8.decode(data).toString();
		}

		@Override
		protected Object apply(long index, String value) {
			if (value.equals("bad")) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "bad entry");
			}
			this.applied.add(value);
			return this.applied.size();
		}

	}

	@AfterEach
	void stop() {
		this.hosts.forEach(RaftHost::close);
	}

	@Test
	void threeMembersReplicateAndSurviveLeaderLoss() throws Exception {
		List<Integer> ports = List.of(freePort(), freePort(), freePort());
		List<String> peers = ports.stream().map(p -> "127.0.0.1:" + p).toList();
		List<RaftGroup> groups = new ArrayList<>();
		List<ListStateMachine> machines = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			RaftHost host = new RaftHost("127.0.0.1", ports.get(i));
			this.hosts.add(host);
			ListStateMachine sm = new ListStateMachine();
			machines.add(sm);
			groups.add(host.startGroup(new RaftGroupOptions("test", this.dir.resolve("n" + i), peers,
					Duration.ofMillis(500), Duration.ZERO, false), sm));
		}
		RaftGroup leader = awaitLeader(groups);
		assertThat(leader.propose("a".getBytes()).get(10, TimeUnit.SECONDS)).isEqualTo(1);
		assertThatThrownBy(() -> leader.propose("bad".getBytes()).join()).isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(CurveException.class);
		assertThat(leader.propose("b".getBytes()).get(10, TimeUnit.SECONDS)).isEqualTo(2);
		RaftGroup follower = groups.stream().filter(g -> !g.isLeader()).findFirst().orElseThrow();
		assertThatThrownBy(() -> follower.propose("c".getBytes()).join()).hasCauseInstanceOf(NotLeaderException.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> machines.stream().allMatch(m -> m.applied.equals(List.of("a", "b"))));
		assertThat(leader.readLinearizable(() -> "read").get(10, TimeUnit.SECONDS)).isEqualTo("read");
		assertThat(leader.peers()).containsExactlyInAnyOrderElementsOf(peers);

		int index = groups.indexOf(leader);
		this.hosts.get(index).close();
		List<RaftGroup> rest = new ArrayList<>(groups);
		rest.remove(index);
		RaftGroup next = awaitLeader(rest);
		assertThat(next.propose("c".getBytes()).get(10, TimeUnit.SECONDS)).isEqualTo(3);
	}

	private static RaftGroup awaitLeader(List<RaftGroup> groups) {
		await().atMost(Duration.ofSeconds(20)).until(() -> groups.stream().anyMatch(RaftGroup::isLeader));
		return groups.stream().filter(RaftGroup::isLeader).findFirst().orElseThrow();
	}

	static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
	}

}
