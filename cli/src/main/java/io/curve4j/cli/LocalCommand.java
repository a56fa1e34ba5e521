package io.curve4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.local.ServiceSpec;
import io.curve4j.sdk.cluster.ClusterEndpoints;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.nbd.NbdPskKeys;

/** {@code curve local up|down|status|kill|start}: a whole cluster as processes on loopback. */
@Command(name = "local", description = "Run a whole cluster on 127.0.0.1 under $CURVE_HOME (default ./.curve).",
		mixinStandardHelpOptions = true,
		subcommands = { LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class,
				LocalCommand.Kill.class, LocalCommand.Start.class })
public final class LocalCommand {

	/** Source tree whose built jars are run: set by bin/curve, else the working directory. */
	static LocalCluster cluster() {
		String root = System.getProperty("curve.root", ".");
		return new LocalCluster(ClusterEndpoints.curveHome(), Path.of(root));
	}

	@Command(name = "up", description = "Start (or restart) the local cluster and wait until it is healthy.")
	static final class Up implements Callable<Integer> {

		@Option(names = "--mds", defaultValue = "1", description = "MDS members (odd). Default: ${DEFAULT-VALUE}.")
		int mds;

		@Option(names = "--chunkservers", defaultValue = "3",
				description = "Chunkservers, one per zone (3 zones). Default: ${DEFAULT-VALUE}.")
		int chunkServers;

		@Option(names = "--base-port", defaultValue = "" + LocalLayout.DEFAULT_BASE_PORT,
				description = "Shifts every fixed port. Default: ${DEFAULT-VALUE}.")
		int basePort;

		@Option(names = "--open-data-path",
				description = "A new cluster without a data key: chunkservers check no capability, so anyone who "
						+ "reaches one reads and writes every chunk. Only to measure what the check costs.")
		boolean openDataPath;

		@Option(names = "--no-metaservers",
				description = "A new cluster without the 3 metaservers: volumes only, no file systems (CurveFS).")
		boolean noMetaServers;

		@Override
		public Integer call() {
			PrintStream out = System.out;
			LocalCluster cluster = cluster();
			LocalLayout planned = LocalLayout.fixedPorts(this.mds, this.chunkServers, this.basePort);
			LocalLayout layout = cluster.up(this.noMetaServers ? planned.withoutMetaServers() : planned, out,
					this.openDataPath);
			out.println();
			out.println("Cluster is healthy. Home: " + cluster.home());
			String gateway = layout.gateway().http();
			out.printf("  REST API       http://%s/api/v1   (the gateway; every call signed, see README)%n", gateway);
			out.printf("  Swagger UI     http://%s/swagger-ui.html%n", gateway);
			out.printf("  NBD exports    nbd://%s/<volume path>   (e.g. qemu-img info nbd://%s/demo/vol1)%n",
					layout.nbd().nbd(), layout.nbd().nbd());
			for (ServiceSpec s : layout.mds()) {
				out.printf("  %-14s http://%s  gRPC %s  raft %s%n", s.name(), s.http(), s.grpc(), s.raft());
			}
			for (ServiceSpec s : layout.chunkServers()) {
				out.printf("  %-14s gRPC %s  raft %s  http://%s/actuator/prometheus  (%s, %s)%n", s.name(), s.grpc(),
						s.raft(), s.http(), s.server(), s.zone());
			}
			for (ServiceSpec s : layout.metaServers()) {
				out.printf("  %-14s gRPC %s  raft %s  http://%s/actuator/health  (%s, CurveFS metadata)%n", s.name(),
						s.grpc(), s.raft(), s.http(), s.server());
			}
			if (layout.s3() != null) {
				out.printf("  %-14s http://%s  (S3, bucket %s; keys in the connection file)%n", layout.s3().name(),
						layout.s3().http(), layout.objectStore().bucket());
				out.printf("  %-14s http://%s/actuator/health%n", layout.snapshotService().name(),
						layout.snapshotService().http());
			}
			out.println("Root secret:    " + cluster.home().resolve(Credentials.ROOT_SECRET_FILE));
			out.println("NBD TLS key:    " + cluster.home().resolve(NbdPskKeys.FILE_NAME) + "   (root's; serve with "
					+ "curve nbd serve --tls-psk-file FILE, attach with qemu's --object tls-creds-psk,id=tls0,"
					+ "endpoint=client,dir=" + cluster.home() + ",username=root, see README)");
			out.println("Connection file: " + cluster.home().resolve(ClusterEndpoints.CONNECTION_FILE));
			return 0;
		}

	}

	@Command(name = "down", description = "Stop every service of the local cluster (data is kept unless --purge).")
	static final class Down implements Callable<Integer> {

		@Option(names = "--purge",
				description = "Then delete every service's data (volumes, file systems, snapshots); logs and "
						+ "credentials stay, and the next 'local up' starts an empty cluster.")
		boolean purge;

		@Override
		public Integer call() {
			LocalCluster cluster = cluster();
			cluster.down(System.out);
			if (this.purge) {
				cluster.deleteData(System.out);
			}
			return 0;
		}

	}

	@Command(name = "status", description = "List the services of the local cluster with their pids.")
	static final class Status implements Callable<Integer> {

		@Mixin
		OutputOptions output;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() {
			List<LocalCluster.ServiceState> services = cluster().status();
			this.output.print(this.spec.commandLine().getOut(), services, (out) -> print(services, out));
			return services.stream().allMatch((s) -> s.pid() != null) ? 0 : 1;
		}

		private static void print(List<LocalCluster.ServiceState> services, PrintWriter out) {
			for (LocalCluster.ServiceState s : services) {
				String state = s.pid() == null ? "stopped" : "running pid " + s.pid();
				ServiceSpec spec = s.spec();
				out.printf("%-14s %-20s %s%n", spec.name(), state, spec.nbd() != null ? "nbd " + spec.nbd()
						: "http " + spec.http() + (spec.grpc() == null ? "" : "  grpc " + spec.grpc() + "  raft " + spec.raft()));
			}
		}

	}

	@Command(name = "kill", description = "SIGKILL one service (mds-1, chunkserver-2, ...), as a crash would.")
	static final class Kill implements Callable<Integer> {

		@Parameters(paramLabel = "SERVICE")
		String service;

		@Override
		public Integer call() {
			cluster().kill(this.service);
			System.out.println("killed " + this.service);
			return 0;
		}

	}

	@Command(name = "start", description = "Start one stopped service again and wait until it is healthy.")
	static final class Start implements Callable<Integer> {

		@Parameters(paramLabel = "SERVICE")
		String service;

		@Override
		public Integer call() {
			cluster().start(this.service, System.out);
			return 0;
		}

	}

}
