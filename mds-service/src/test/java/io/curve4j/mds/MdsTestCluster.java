package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;


import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsRaft;

import static org.awaitility.Awaitility.await;

/**
 * MDS members in this JVM, each an {@link MdsNode} (its own Spring context) on loopback,
 * with HTTP, gRPC and Raft ports picked once: they are the members' identities. The one
 * multi-member MDS fixture, for the MDS's tests and the gateway's.
 */
public final class MdsTestCluster implements AutoCloseable {

	private final MdsNode[] nodes;

	/** Per member: raft, gRPC and HTTP port. */
	private final int[][] ports;

	private MdsTestCluster(int members) {
		this.nodes = new MdsNode[members];
		this.ports = new int[members][3];
		for (int[] member : this.ports) {
			for (int j = 0; j < 3; j++) {
				member[j] = LoopbackPorts.free();
			}
		}
	}

	/** Starts {@code members} members, data under {@code dir/mds-i}, each with {@code extraArgs}. */
	public static MdsTestCluster start(Path dir, int members, String... extraArgs) {
		MdsTestCluster cluster = new MdsTestCluster(members);
		List<String> args = new ArrayList<>(Arrays.asList(extraArgs));
		// with a data key the members sign their Raft traffic, as a real cluster's do
		args.add("--curve.mds.auth.data-key.value=mds-test-cluster-data-key");
		for (int i = 0; i < members; i++) {
			args.add("--curve.mds.members[" + i + "].raft=127.0.0.1:" + cluster.ports[i][0]);
			args.add("--curve.mds.members[" + i + "].grpc=127.0.0.1:" + cluster.ports[i][1]);
			args.add("--curve.mds.members[" + i + "].http=127.0.0.1:" + cluster.ports[i][2]);
		}
		try {
			for (int i = 0; i < members; i++) {
				cluster.nodes[i] = MdsNode.start(dir.resolve("mds-" + i), cluster.ports[i][0], cluster.ports[i][1],
						cluster.ports[i][2], args.toArray(String[]::new));
			}
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	public int size() {
		return this.nodes.length;
	}

	/** Member i; null once stopped. */
	public MdsNode node(int i) {
		return this.nodes[i];
	}

	/** {@code host:port} of every member's HTTP API. */
	public List<String> httpAddresses() {
		return IntStream.range(0, this.nodes.length).mapToObj(i -> "127.0.0.1:" + this.ports[i][2]).toList();
	}

	public String grpcAddress(int i) {
		return "127.0.0.1:" + this.ports[i][1];
	}

	public int httpPort(int i) {
		return this.ports[i][2];
	}

	/** Index of the running member that leads now, -1 when none does. */
	public int leader() {
		for (int i = 0; i < this.nodes.length; i++) {
			if (this.nodes[i] != null && this.nodes[i].isLeader()) {
				return i;
			}
		}
		return -1;
	}

	/** Index of the leader, once one is elected. */
	public int awaitLeader() {
		return await().atMost(Duration.ofSeconds(20)).until(this::leader, i -> i >= 0);
	}

	/**
	 * Index of the leader once it knows which volumes are open: a leader elected after the
	 * first term treats every volume as open (refusing renames and deletes) for one session
	 * lease, until the clients' refreshes reach it.
	 */
	public int awaitSettledLeader() {
		return await().atMost(Duration.ofSeconds(60)).until(() -> {
			int i = leader();
			if (i < 0) {
				return -1;
			}
			MdsRaft raft = this.nodes[i].bean(MdsRaft.class);
			long lease = this.nodes[i].bean(MdsProperties.class).getSessionLease().toNanos();
			return raft.term() <= 1 || System.nanoTime() - raft.leaderSinceNanos() >= lease ? i : -1;
		}, i -> i >= 0);
	}

	/** Stops member i, as a crash would leave its data. */
	public void stop(int i) {
		if (this.nodes[i] != null) {
			this.nodes[i].close();
			this.nodes[i] = null;
		}
	}

	@Override
	public void close() {
		for (int i = 0; i < this.nodes.length; i++) {
			stop(i);
		}
	}

}
