package io.curve4j.common.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;


import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.net.LoopbackPorts;

import static org.awaitility.Awaitility.await;

/**
 * Raft groups of N members in one JVM on loopback, each member a {@link RaftHost} of its
 * own on a free port with its data under one directory; members can be stopped (as a kill
 * would) and started again on the same data. The fixture of every Raft-level test.
 *
 * @param <M> the state machine of the members
 */
public final class RaftTestCluster<M extends CommandStateMachine<?>> implements AutoCloseable {

	private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

	/** The members' cluster credential: their Raft traffic is signed, as a real cluster's is. */
	public static final ClusterCredential CREDENTIAL = ClusterCredential.fromSecret("raft-test-cluster-key");

	private final String groupId;

	private final Path dir;

	private final IntFunction<M> stateMachines;

	private final RaftLogStore logStore;

	private final List<Integer> ports = new ArrayList<>();

	private final List<String> peers;

	private final List<RaftHost> hosts = new ArrayList<>();

	private final List<RaftGroup> groups = new ArrayList<>();

	private final List<M> machines = new ArrayList<>();

	/**
	 * Starts members of group groupId, member i with the state machine stateMachines
	 * makes for i (called again when the member restarts).
	 */
	public RaftTestCluster(String groupId, int members, Path dir, IntFunction<M> stateMachines) {
		this(groupId, members, dir, stateMachines, RaftLogStore.ROCKSDB);
	}

	/** As the other constructor, each member's host keeping its Raft logs in logStore. */
	public RaftTestCluster(String groupId, int members, Path dir, IntFunction<M> stateMachines,
			RaftLogStore logStore) {
		this.groupId = groupId;
		this.dir = dir;
		this.stateMachines = stateMachines;
		this.logStore = logStore;
		for (int i = 0; i < members; i++) {
			this.ports.add(LoopbackPorts.free());
		}
		this.peers = this.ports.stream().map(port -> "127.0.0.1:" + port).toList();
		for (int i = 0; i < members; i++) {
			this.hosts.add(null);
			this.groups.add(null);
			this.machines.add(null);
			start(i);
		}
	}

	/** Starts member i again on its data, with a new state machine. */
	public void start(int i) {
		start(i, this.logStore);
	}

	/** Starts member i again on its data, with a new state machine, its host keeping its Raft logs in logStore. */
	public void start(int i, RaftLogStore logStore) {
		RaftHost host = new RaftHost("127.0.0.1", this.ports.get(i), CREDENTIAL, logStore,
				memberDir(i).resolve("journal"));
		M machine = this.stateMachines.apply(i);
		RaftGroupOptions options = new RaftGroupOptions(this.groupId, memberDir(i), this.peers, ELECTION_TIMEOUT,
				Duration.ZERO, false);
		RaftGroup group;
		try {
			group = host.startGroup(options, machine);
		}
		catch (RuntimeException ex) {
			host.close();
			throw ex;
		}
		this.hosts.set(i, host);
		this.machines.set(i, machine);
		this.groups.set(i, group);
	}

	/** Stops member i: its Raft host and everything on it. */
	public void stop(int i) {
		RaftHost host = this.hosts.get(i);
		if (host != null) {
			host.close();
			this.hosts.set(i, null);
			this.groups.set(i, null);
		}
	}

	/** Member i's Raft host, or null while it is stopped. */
	public RaftHost host(int i) {
		return this.hosts.get(i);
	}

	/** The leader among the running members, once there is one (20 s at most). */
	public RaftGroup awaitLeader() {
		await().atMost(Duration.ofSeconds(20)).until(() -> running().stream().anyMatch(RaftGroup::isLeader));
		return running().stream().filter(RaftGroup::isLeader).findFirst().orElseThrow();
	}

	/** Index of a running member. */
	public int indexOf(RaftGroup group) {
		return this.groups.indexOf(group);
	}

	public RaftGroup group(int i) {
		return this.groups.get(i);
	}

	public M stateMachine(int i) {
		return this.machines.get(i);
	}

	public List<M> stateMachines() {
		return List.copyOf(this.machines);
	}

	public List<String> peers() {
		return this.peers;
	}

	/** Where member i keeps its Raft data. */
	public Path memberDir(int i) {
		return this.dir.resolve("member-" + i);
	}

	private List<RaftGroup> running() {
		return this.groups.stream().filter(g -> g != null).toList();
	}

	@Override
	public void close() {
		for (int i = 0; i < this.hosts.size(); i++) {
			stop(i);
		}
	}

}
