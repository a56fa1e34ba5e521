package io.curve4j.cli;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.curve4j.bench.GrpcFloor;
import io.curve4j.bench.LoadRun;
import io.curve4j.bench.RaftFloor;
import io.curve4j.common.raft.RaftLogStore;
import io.curve4j.local.LocalCluster;

/**
 * {@code curve floor raft|grpc}: loads one layer the data path is built on with what
 * {@code curve bench} does, and nothing of Curve4J above it (no chunk files, client RPC or
 * NBD), so its figures bound what the data path can reach on this machine: every write is
 * at least one Raft proposal, every read crosses a gRPC call (the SDK packs several requests
 * into one proposal or call, which is how it can beat the per-operation figure, never the
 * per-byte one).
 */
@Command(name = "floor", mixinStandardHelpOptions = true,
		description = "Load one layer under the data path (a 3-replica Raft group, a gRPC call) with nothing "
				+ "above it: the ceiling of `curve bench` on this machine.",
		subcommands = { FloorCommand.Raft.class, FloorCommand.RaftMember.class, FloorCommand.Grpc.class })
final class FloorCommand {

	@Command(name = "raft", mixinStandardHelpOptions = true,
			description = "Propose entries of --bs bytes to 3-replica sofa-jraft groups with the copysets' Raft "
					+ "settings (log synced to disk on a majority before an entry commits) and a state machine "
					+ "that applies nothing. Three processes, as in a cluster: this one leads every group and "
					+ "proposes, two more follow; the CPU figure is theirs together. By default once with each "
					+ "Raft log store, then their ratios.")
	static final class Raft implements Callable<Integer> {

		/** The Raft log stores to measure, one after the other. */
		enum LogChoice {

			rocksdb(RaftLogStore.ROCKSDB), journal(RaftLogStore.JOURNAL), both(RaftLogStore.ROCKSDB,
					RaftLogStore.JOURNAL);

			final List<RaftLogStore> stores;

			LogChoice(RaftLogStore... stores) {
				this.stores = List.of(stores);
			}

		}

		@Mixin
		LoadOptions load;

		@Option(names = "--groups", defaultValue = "1", paramLabel = "N",
				description = "Raft groups, all led by this process; each request goes to one at random. "
						+ "Default: ${DEFAULT-VALUE}.")
		int groups;

		@Option(names = "--dir", paramLabel = "DIR",
				description = "Where the Raft logs go (a new directory inside it, removed after a clean run), so that "
						+ "the disk under test is the one the cluster would use. Default: the system's temporary "
						+ "directory.")
		Path dir;

		@Option(names = "--log", defaultValue = "both", paramLabel = "STORE",
				description = "The Raft log store: rocksdb (jraft's, a RocksDB per group), journal (one per process, "
						+ "shared by its groups, one sync for the appends of all of them) or both, one run each "
						+ "and their ratios. Default: ${DEFAULT-VALUE}.")
		LogChoice log;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() throws Exception {
			Path parent = this.dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : this.dir;
			PrintWriter out = this.spec.commandLine().getOut();
			List<LoadRun> runs = new ArrayList<>();
			for (RaftLogStore store : this.log.stores) {
				runs.add(RaftFloor.run(this.load.spec(), this.groups, store, parent, followerCommand(), out,
						this.spec.commandLine().getErr()));
			}
			if (runs.size() == 2) {
				LoadRun rocksDb = runs.get(0);
				LoadRun journal = runs.get(1);
				out.printf(Locale.ROOT, "journal / rocksdb: IOPS x%.2f  mean latency x%.2f  cpu ms/op x%.2f%n",
						journal.iops() / rocksDb.iops(), journal.meanLatencyMillis() / rocksDb.meanLatencyMillis(),
						journal.cpuMillisPerOp() / rocksDb.cpuMillisPerOp());
				out.flush();
			}
			return runs.stream().allMatch(LoadRun::succeeded) ? 0 : CurveCli.EXIT_ERROR;
		}

		/** This command line's program, running {@code floor raft-member}. */
		private static List<String> followerCommand() {
			List<String> command = LocalCluster.javaCommand();
			String classPath = System.getProperty("java.class.path");
			if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
				command.addAll(List.of("-jar", classPath));
			}
			else {
				command.addAll(List.of("-cp", classPath, CurveCli.class.getName()));
			}
			command.addAll(List.of("floor", "raft-member"));
			return command;
		}

	}

	/** One follower of {@code floor raft}: runs its members until its input closes. */
	@Command(name = "raft-member", hidden = true)
	static final class RaftMember implements Callable<Integer> {

		@Option(names = "--index", required = true)
		int index;

		@Option(names = "--ports", required = true, split = ",")
		List<Integer> ports;

		@Option(names = "--groups", required = true)
		int groups;

		@Option(names = "--dir", required = true)
		Path dir;

		@Option(names = "--log", required = true)
		RaftLogStore log;

		@Override
		public Integer call() throws Exception {
			RaftFloor.follow(this.index, this.ports, this.groups, this.log, this.dir);
			return 0;
		}

	}

	@Command(name = "grpc", mixinStandardHelpOptions = true,
			description = "Unary gRPC calls over loopback to a server in this process that does nothing else: "
					+ "--rw read answers --bs bytes to a small request, --rw write sends --bs bytes and gets a "
					+ "small answer. The client channel is the SDK's; the server runs calls on its transport "
					+ "threads.")
	static final class Grpc implements Callable<Integer> {

		enum Direction {

			read, write

		}

		@Mixin
		LoadOptions load;

		@Option(names = "--rw", defaultValue = "read", paramLabel = "MODE",
				description = "read or write. Default: ${DEFAULT-VALUE}.")
		Direction direction;

		@Option(names = "--credentials",
				description = "Also carry and check what the cluster's credentials cost a call: a chunk capability in "
						+ "the request and a cluster credential on the call.")
		boolean credentials;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() throws Exception {
			boolean clean = GrpcFloor.run(this.load.spec(), this.direction == Direction.read, this.credentials,
					this.spec.commandLine().getOut());
			return clean ? 0 : CurveCli.EXIT_ERROR;
		}

	}

}
