package io.curve4j.sdk.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.raft.CommandStateMachine;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.common.raft.RaftGroupOptions;
import io.curve4j.common.raft.RaftHost;
import io.curve4j.common.raft.SnapshotStore;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.local.LocalCluster;
import io.curve4j.sdk.local.LocalLayout;
import io.curve4j.sdk.metacache.ChannelPool;

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

	/** The copysets' election timeout. */
	private static final Duration LEADER_ELECTION_TIMEOUT = Duration.ofSeconds(1);

	/** So long that followers never campaign: the proposing process leads every group. */
	private static final Duration FOLLOWER_ELECTION_TIMEOUT = Duration.ofMinutes(10);

	private static final long LEADER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

	@Command(name = "raft", mixinStandardHelpOptions = true,
			description = "Propose entries of --bs bytes to 3-replica sofa-jraft groups with the copysets' Raft "
					+ "settings (log synced to disk on a majority before an entry commits) and a state machine "
					+ "that applies nothing. Three processes, as in a cluster: this one leads every group and "
					+ "proposes, two more follow; the CPU figure is theirs together.")
	static final class Raft implements Callable<Integer> {

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

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() throws Exception {
			this.load.validate();
			if (this.groups < 1 || this.groups > 64) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--groups must be 1..64, not " + this.groups);
			}
			Path work = this.dir == null ? Files.createTempDirectory("curve-floor-raft")
					: Files.createTempDirectory(this.dir, "curve-floor-raft");
			List<Process> followers = new ArrayList<>();
			RaftHost host = null;
			boolean clean = false;
			try {
				List<Integer> ports = List.of(LocalLayout.freePort(), LocalLayout.freePort(), LocalLayout.freePort());
				for (int i = 1; i < ports.size(); i++) {
					followers.add(startFollower(ports, i, this.groups, work));
				}
				host = new RaftHost("127.0.0.1", ports.get(0));
				List<RaftGroup> leaders = startGroups(host, ports, this.groups, work.resolve("member-0"),
						LEADER_ELECTION_TIMEOUT);
				awaitLeadership(leaders);
				PrintWriter out = this.spec.commandLine().getOut();
				out.printf(Locale.ROOT, "floor raft: %d group(s) of 3 members, bs=%s iodepth=%d for %d s (logs in %s)%n",
						this.groups, Sizes.format(this.load.blockSize), this.load.ioDepth, this.load.seconds, work);
				out.flush();
				byte[] entry = new byte[this.load.length()];
				ThreadLocalRandom.current().nextBytes(entry);
				LoadRun run = new LoadRun(this.load, () -> LoadRun.processCpuNanos() + cpuNanos(followers),
						"3 processes");
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
				return clean ? 0 : CurveCli.EXIT_ERROR;
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
					this.spec.commandLine().getErr().println("kept " + work + " with the followers' logs");
				}
			}
		}

		/** Another JVM running member {@code index} of every group, its output in the work directory. */
		private static Process startFollower(List<Integer> ports, int index, int groups, Path work) throws IOException {
			List<String> command = LocalCluster.javaCommand();
			String classPath = System.getProperty("java.class.path");
			if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
				command.addAll(List.of("-jar", classPath));
			}
			else {
				command.addAll(List.of("-cp", classPath, CurveCli.class.getName()));
			}
			command.addAll(List.of("floor", "raft-member", "--index", Integer.toString(index), "--ports",
					ports.stream().map(String::valueOf).collect(Collectors.joining(",")), "--groups",
					Integer.toString(groups), "--dir", work.toString()));
			return new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(work.resolve("member-" + index + ".log").toFile())
				.start();
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

		@Override
		public Integer call() throws IOException {
			try (RaftHost host = new RaftHost("127.0.0.1", this.ports.get(this.index))) {
				startGroups(host, this.ports, this.groups, this.dir.resolve("member-" + this.index),
						FOLLOWER_ELECTION_TIMEOUT);
				while (System.in.read() >= 0) {
					// wait for the leader's process to close our input
				}
			}
			return 0;
		}

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

	@Command(name = "grpc", mixinStandardHelpOptions = true,
			description = "Unary gRPC calls over loopback to a server in this process that does nothing else: "
					+ "--rw read answers --bs bytes to a small request, --rw write sends --bs bytes and gets a "
					+ "small answer. The client channel is the SDK's; the server runs calls on its transport "
					+ "threads.")
	static final class Grpc implements Callable<Integer> {

		enum Direction {

			read, write

		}

		private static final int SMALL = 16;

		@Mixin
		LoadOptions load;

		@Option(names = "--rw", defaultValue = "read", paramLabel = "MODE",
				description = "read or write. Default: ${DEFAULT-VALUE}.")
		Direction direction;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() throws Exception {
			this.load.validate();
			byte[] payload = new byte[this.load.length()];
			ThreadLocalRandom.current().nextBytes(payload);
			byte[] small = new byte[SMALL];
			boolean reads = this.direction == Direction.read;
			MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
				.setType(MethodDescriptor.MethodType.UNARY)
				.setFullMethodName("curve.floor.Floor/Call")
				.setRequestMarshaller(RawBytes.INSTANCE)
				.setResponseMarshaller(RawBytes.INSTANCE)
				.build();
			ServerServiceDefinition service = ServerServiceDefinition.builder("curve.floor.Floor")
				.addMethod(method, ServerCalls.asyncUnaryCall((request, response) -> {
					response.onNext(reads ? payload : small);
					response.onCompleted();
				}))
				.build();
			Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
				.maxInboundMessageSize(payload.length + SMALL)
				.directExecutor()
				.addService(service)
				.build()
				.start();
			ManagedChannel channel = ChannelPool.plaintext(payload.length + SMALL).apply("127.0.0.1:" + server.getPort());
			try {
				PrintWriter out = this.spec.commandLine().getOut();
				out.printf(Locale.ROOT, "floor grpc: %s bs=%s iodepth=%d for %d s%n", this.direction,
						Sizes.format(this.load.blockSize), this.load.ioDepth, this.load.seconds);
				out.flush();
				byte[] request = reads ? small : payload;
				LoadRun run = new LoadRun(this.load);
				boolean clean = run.execute(() -> {
					try {
						ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, request);
					}
					catch (StatusRuntimeException ex) {
						throw new CurveException(ErrorCode.INTERNAL, "call failed: " + ex.getStatus());
					}
				});
				run.report(out);
				return clean ? 0 : CurveCli.EXIT_ERROR;
			}
			finally {
				channel.shutdownNow();
				server.shutdownNow();
			}
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

	/** Messages as they are: the floor measures the call, not protobuf. */
	private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {

		INSTANCE;

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
