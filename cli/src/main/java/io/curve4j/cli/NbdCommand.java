package io.curve4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.nbd.NbdPskKeys;
import io.curve4j.sdk.nbd.NbdServer;

/** {@code curve nbd serve}: exports the cluster's volumes over NBD until stopped. */
@Command(name = "nbd", mixinStandardHelpOptions = true, description = "Export volumes to NBD clients (QEMU, nbd-client).",
		subcommands = NbdCommand.Serve.class)
final class NbdCommand {

	@Command(name = "serve", mixinStandardHelpOptions = true,
			description = "Run an NBD server exporting every volume by path (nbd://HOST:PORT/dir/volume) until "
					+ "SIGINT or SIGTERM.")
	static final class Serve implements Callable<Integer> {

		@Option(names = "--port", defaultValue = "" + NbdServer.DEFAULT_PORT, paramLabel = "PORT",
				description = "TCP port. Default: ${DEFAULT-VALUE}.")
		int port;

		@Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
				description = "Address to listen on: a loopback address unless --tls-psk-file is given (without TLS "
						+ "the server serves only its own host). Default: ${DEFAULT-VALUE}.")
		String bind;

		@Option(names = "--tls-psk-file", paramLabel = "PATH",
				description = "Require TLS with pre-shared keys of every client (NBD STARTTLS), keys read from PATH in "
						+ "QEMU's keys.psk format (one NAME:HEXKEY a line, the name a Curve user); a client sees and "
						+ "opens only the volumes its user owns (root: all).")
		Path tlsPskFile;

		@Option(names = "--metrics-port", paramLabel = "PORT",
				description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics (ADDRESS from --bind): I/O per "
						+ "volume (curve4j_client_io_seconds, curve4j_client_io_bytes_total) and the JVM's. Default: none.")
		Integer metricsPort;

		@Mixin
		ClusterOptions cluster;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() throws InterruptedException {
			// read before connecting: a bad key file fails without touching the cluster
			NbdPskKeys keys = (this.tlsPskFile != null) ? NbdPskKeys.read(this.tlsPskFile) : null;
			MetricsEndpoint metrics = (this.metricsPort != null) ? MetricsEndpoint.start(this.bind, this.metricsPort)
					: null;
			CurveClient.Builder builder = this.cluster.clientBuilder();
			if (metrics != null) {
				builder.meterRegistry(metrics.registry());
			}
			CurveClient client = builder.build();
			NbdServer server;
			try {
				server = (keys != null) ? NbdServer.start(client, this.bind, this.port, keys)
						: NbdServer.start(client, this.bind, this.port);
			}
			catch (RuntimeException ex) {
				client.close();
				if (metrics != null) {
					metrics.close();
				}
				throw ex;
			}
			// stopped by a signal: close the volumes (ending their MDS sessions) before the client
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				server.close();
				client.close();
				if (metrics != null) {
					metrics.close();
				}
			}, "nbd-shutdown"));
			PrintWriter out = this.spec.commandLine().getOut();
			out.printf("NBD server listening on %s:%d; attach a volume as nbd://%s:%d/<volume path>%n",
					server.address().getHostString(), server.address().getPort(), this.bind,
					server.address().getPort());
			if (metrics != null) {
				out.printf("metrics on http://%s:%d/metrics%n", this.bind, metrics.port());
			}
			if (keys != null) {
				out.printf("TLS required (keys of %s); QEMU attaches with --object tls-creds-psk,id=tls0,"
						+ "endpoint=client,dir=DIR,username=USER (DIR holding %s) and tls-creds=tls0%n",
						String.join(", ", new TreeSet<>(keys.identities())), NbdPskKeys.FILE_NAME);
			}
			out.flush();
			server.awaitClose();
			return 0;
		}

	}

}
