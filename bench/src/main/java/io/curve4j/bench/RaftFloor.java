package io.curve4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.io.FileUtils;

import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.raft.CommandStateMachine;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.common.raft.RaftGroupOptions;
import io.curve4j.common.raft.RaftHost;
import io.curve4j.common.raft.RaftLogStore;
import io.curve4j.common.raft.SnapshotStore;
import io.curve4j.common.size.Sizes;
import io.curve4j.local.LocalLayout;

/**
 * The Raft floor: entries of the load's size proposed to 3-replica sofa-jraft groups with
 * the copysets' Raft settings (log synced to disk on a majority before an entry commits)
 * and a state machine that applies nothing, the logs in the store asked for (jraft's
 * RocksDB per group, or one journal per process). Three processes, as in a cluster: the
 * calling one leads every group and proposes, two more follow ({@link #follow}); the CPU
 * figure is theirs together.
 */
public final class RaftFloor {

	/** The copysets' election timeout. */
	private static final Duration LEADER_ELECTION_TIMEOUT = Duration.ofSeconds(1);

	/** So long that followers never campaign: the proposing process leads every group. */
	private static final Duration FOLLOWER_ELECTION_TIMEOUT = Duration.ofMinutes(10);

	/** The cluster key the floor's members share, in its work directory. */
	private static final String CLUSTER_KEY = "cluster.key";

	private static final long LEADER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

	private RaftFloor() {
	}

	/**
	 * Runs the load and reports it.
	 * @param groups Raft groups, all led by this process; each request goes to one at random
	 * @param logStore where the three processes keep the groups' Raft logs
	 * @param dir where the Raft logs go (a new directory inside it, removed after a clean run)
	 * @param followerCommand the command line that runs {@link #follow} in another process;
	 * "--index I --ports A,B,C --groups N --dir DIR --log STORE" is appended to it
	 * @return the run, for its figures
	 */
	public static LoadRun run(LoadSpec load, int groups, RaftLogStore logStore, Path dir, List<String> followerCommand,
			PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
		if (groups < 1 || groups > 64) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--groups must be 1..64, not " + groups);
		}
		Path work = Files.createTempDirectory(dir, "curve-floor-raft");
		List<Process> followers = new ArrayList<>();
		RaftHost host = null;
		boolean clean = false;
		try {
			List<Integer> ports = List.of(LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free());
			// the members sign their calls as a cluster's do, so the floor includes that cost
			Files.writeString(work.resolve(CLUSTER_KEY), UUID.randomUUID().toString());
			for (int i = 1; i < ports.size(); i++) {
				followers.add(startFollower(followerCommand, ports, i, groups, logStore, work));
			}
			host = new RaftHost("127.0.0.1", ports.get(0), clusterCredential(work), logStore,
					work.resolve("member-0").resolve("journal"));
			List<RaftGroup> leaders = startGroups(host, ports, groups, work.resolve("member-0"), LEADER_ELECTION_TIMEOUT);
			awaitLeadership(leaders);
			out.printf(Locale.ROOT,
					"floor raft: %d group(s) of 3 members, bs=%s iodepth=%d for %d s, Raft log %s (logs in %s)%n", groups,
					Sizes.format(load.blockSize()), load.ioDepth(), load.seconds(),
					logStore.name().toLowerCase(Locale.ROOT), work);
			out.flush();
			byte[] entry = new byte[load.length()];
			ThreadLocalRandom.current().nextBytes(entry);
			LoadRun run = new LoadRun(load, () -> LoadRun.processCpuNanos() + cpuNanos(followers), "3 processes");
			clean = run.execute(() -> {
				RaftGroup leader = leaders.get(ThreadLocalRandom.current().nextInt(leaders.size()));
				try {
					leader.propose(entry).join();
				}
				catch (CompletionException ex) {
					throw new CurveException(ErrorCode.INTERNAL, "proposal failed: " + ex.getCause());
				}
			});
			run.report(out);
			return run;
		}
		finally {
			if (host != null) {
				host.close();
			}
			for (Process follower : followers) {
				// a follower exits when its input closes
				follower.getOutputStream().close();
				if (!follower.waitFor(10, TimeUnit.SECONDS)) {
					follower.destroyForcibly();
				}
			}
			if (clean) {
				FileUtils.deleteQuietly(work.toFile());
			}
			else {
				// the followers' logs say why (a full disk fails their log writes, for one)
				err.println("kept " + work + " with the followers' logs");
			}
		}
	}

	/** Runs member index of every group until this process's input closes. */
	public static void follow(int index, List<Integer> ports, int groups, RaftLogStore logStore, Path dir)
			throws IOException {
		Path memberDir = dir.resolve("member-" + index);
		try (RaftHost host = new RaftHost("127.0.0.1", ports.get(index), clusterCredential(dir), logStore,
				memberDir.resolve("journal"))) {
			startGroups(host, ports, groups, memberDir, FOLLOWER_ELECTION_TIMEOUT);
			while (System.in.read() >= 0) {
				// wait for the leader's process to close our input
			}
		}
	}

	private static ClusterCredential clusterCredential(Path work) throws IOException {
		return ClusterCredential.fromSecret(Files.readString(work.resolve(CLUSTER_KEY)));
	}

	/** Another JVM running member {@code index} of every group, its output in the work directory. */
	private static Process startFollower(List<String> followerCommand, List<Integer> ports, int index, int groups,
			RaftLogStore logStore, Path work) throws IOException {
		List<String> command = new ArrayList<>(followerCommand);
		command.addAll(List.of("--index", Integer.toString(index), "--ports",
				ports.stream().map(String::valueOf).collect(Collectors.joining(",")), "--groups",
				Integer.toString(groups), "--dir", work.toString(), "--log", logStore.name()));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(work.resolve("member-" + index + ".log").toFile())
			.start();
	}

	/** Members of groups {@code floor-0..} whose three members listen on {@code ports} of 127.0.0.1. */
	private static List<RaftGroup> startGroups(RaftHost host, List<Integer> ports, int groups, Path dir,
			Duration electionTimeout) {
		List<String> peers = ports.stream().map(port -> "127.0.0.1:" + port).toList();
		List<RaftGroup> started = new ArrayList<>();
		for (int g = 0; g < groups; g++) {
			RaftGroupOptions options = new RaftGroupOptions("floor-" + g, dir.resolve("group-" + g), peers,
					electionTimeout, Duration.ZERO, true);
			started.add(host.startGroup(options, new DiscardingStateMachine()));
		}
		return started;
	}

	private static long cpuNanos(List<Process> processes) {
		long total = 0;
		for (Process process : processes) {
			total += process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
		}
		return total;
	}

	private static void awaitLeadership(List<RaftGroup> groups) throws InterruptedException {
		long deadline = System.nanoTime() + LEADER_WAIT_NANOS;
		while (!groups.stream().allMatch(RaftGroup::isLeader)) {
			if (System.nanoTime() - deadline > 0) {
				throw new CurveException(ErrorCode.UNAVAILABLE,
						"this process did not become leader of every group in 30 s (did the followers start?)");
			}
			Thread.sleep(50);
		}
	}

	/** Applies nothing: the floor measures replication and the log, not a state machine. */
	private static final class DiscardingStateMachine extends CommandStateMachine<ByteBuffer> {

		DiscardingStateMachine() {
			super("floor", SnapshotStore.none(), 0);
		}

		@Override
		protected ByteBuffer decode(long index, ByteBuffer data) {
			return data;
		}

		@Override
		protected Object apply(long index, ByteBuffer data) {
			return null;
		}

	}

}
