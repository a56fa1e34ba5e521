package io.curve4j.common.raft;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.alipay.sofa.jraft.CliService;
import com.alipay.sofa.jraft.RaftServiceFactory;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.CliOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.net.HostPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RaftGroupTest {

	@TempDir
	Path dir;

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

	@Test
	void threeMembersReplicateAndSurviveLeaderLoss() throws Exception {
		try (RaftTestCluster<ListStateMachine> cluster = new RaftTestCluster<>("test", 3, this.dir,
				i -> new ListStateMachine())) {
			RaftGroup leader = cluster.awaitLeader();
			assertThat(leader.propose("a".getBytes()).get(10, TimeUnit.SECONDS)).isEqualTo(1);
			assertThatThrownBy(() -> leader.propose("bad".getBytes()).join()).isInstanceOf(CompletionException.class)
				.hasCauseInstanceOf(CurveException.class);
			assertThat(leader.propose("b".getBytes()).get(10, TimeUnit.SECONDS)).isEqualTo(2);
			int follower = (cluster.indexOf(leader) + 1) % 3;
			assertThatThrownBy(() -> cluster.group(follower).propose("c".getBytes()).join())
				.hasCauseInstanceOf(NotLeaderException.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> cluster.stateMachines().stream().allMatch(m -> m.applied.equals(List.of("a", "b"))));
			assertThat(leader.readLinearizable(() -> "read").get(10, TimeUnit.SECONDS)).isEqualTo("read");
			assertThat(leader.peers()).containsExactlyInAnyOrderElementsOf(cluster.peers());

			cluster.stop(cluster.indexOf(leader));
			RaftGroup next = cluster.awaitLeader();
			assertThat(next.propose("c".getBytes()).get(10, TimeUnit.SECONDS)).isEqualTo(3);
		}
	}

	/**
	 * The Raft port is a door too: it listens on the configured host only, and jraft's
	 * membership requests sent to it by anyone (here jraft's own admin client) are refused
	 * and change nothing.
	 */
	@Test
	void theRaftPortListensOnItsHostAndRefusesMembershipRequests() throws Exception {
		try (RaftTestCluster<ListStateMachine> cluster = new RaftTestCluster<>("test", 3, this.dir,
				i -> new ListStateMachine())) {
			RaftGroup leader = cluster.awaitLeader();
			HostPort address = HostPort.of(leader.self());
			try (Socket other = new Socket()) {
				// another loopback address of this machine: a server on every interface would accept
				assertThatThrownBy(() -> other.connect(new InetSocketAddress("127.0.0.2", address.port()), 2000))
					.isInstanceOf(IOException.class);
			}
			CliService admin = RaftServiceFactory.createAndInitCliService(new CliOptions());
			try {
				Configuration members = new Configuration();
				members.parse(String.join(",", cluster.peers()));
				PeerId stranger = PeerId.parsePeer("127.0.0.1:1");
				assertThat(admin.resetPeer("test", PeerId.parsePeer(leader.self()), new Configuration(List.of(stranger)))
					.isOk()).isFalse();
				assertThat(admin.addPeer("test", members, stranger).isOk()).isFalse();
				assertThat(admin.removePeer("test", members, PeerId.parsePeer(leader.self())).isOk()).isFalse();
			}
			finally {
				admin.shutdown();
			}
			assertThat(leader.peers()).containsExactlyInAnyOrderElementsOf(cluster.peers());
			assertThat(leader.propose("after".getBytes()).get(10, TimeUnit.SECONDS)).isEqualTo(1);
		}
	}

	@Test
	void aRestartedMemberReplaysItsLogAndCatchesUp() throws Exception {
		try (RaftTestCluster<ListStateMachine> cluster = new RaftTestCluster<>("test", 3, this.dir,
				i -> new ListStateMachine())) {
			RaftGroup leader = cluster.awaitLeader();
			leader.propose("a".getBytes()).get(10, TimeUnit.SECONDS);
			int restarted = (cluster.indexOf(leader) + 1) % 3;
			cluster.stop(restarted);
			leader.propose("b".getBytes()).get(10, TimeUnit.SECONDS);
			cluster.start(restarted);
			// a state kept in memory only: the whole log is applied again, then what it missed
			await().atMost(Duration.ofSeconds(20))
				.until(() -> cluster.stateMachine(restarted).applied.equals(List.of("a", "b")));
		}
	}

}
