package io.curve4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.apache.commons.io.FileUtils;
import picocli.CommandLine;

import io.curve4j.common.size.Sizes;
import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.local.ServiceSpec;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the snapshot and clone end-to-end tests share: the processes
 * {@code bin/curve local up} starts (one MDS, three chunkservers, S3Proxy, the snapshot
 * service) under {@code target/<name>} (so the services' logs survive a failure), an
 * SDK client and the REST API as root.
 */
final class SnapshotCluster implements AutoCloseable {

	static final int CHUNK = Sizes.DEFAULT_CHUNK_SIZE;

	/** How long a snapshot's copy or a clone's flatten may take, kills included. */
	static final Duration COPY_TIMEOUT = Duration.ofMinutes(3);

	final Path home;

	final LocalCluster cluster;

	final LocalLayout layout;

	final CurveClient client;

	final MdsRestApi rest;

	private SnapshotCluster(Path home, LocalCluster cluster, LocalLayout layout) {
		this.home = home;
		this.cluster = cluster;
		this.layout = layout;
		Credentials root = new Credentials("root", cluster.rootSecret());
		this.client = CurveClient.builder()
			.mdsAddresses(layout.mds().stream().map(ServiceSpec::grpc).toList())
			.mdsHttpAddresses(layout.mds().stream().map(ServiceSpec::http).toList())
			.credentials(root.user(), root.password())
			.ioTimeout(Duration.ofSeconds(60))
			.build();
		this.rest = MdsRestApi.connect(layout.mds().stream().map(ServiceSpec::http).toList(), root);
	}

	/** A fresh cluster under {@code target/<name>}, without metaservers (three JVMs only the file system needs). */
	static SnapshotCluster up(String name) throws IOException {
		return up(name, false);
	}

	/** A fresh cluster under {@code target/<name>}; {@code metaServers} adds the file system's three metaservers. */
	static SnapshotCluster up(String name, boolean metaServers) throws IOException {
		Path home = Path.of("target", name).toAbsolutePath();
		FileUtils.deleteDirectory(home.toFile());
		// the CLI run in this JVM finds the cluster and root's secret here
		System.setProperty("curve.home", home.toString());
		// and the jars it starts (the CurveFS client for fs mount) from the source tree
		System.setProperty("curve.root", Path.of("..").toAbsolutePath().normalize().toString());
		LocalCluster cluster = new LocalCluster(home, Path.of("..").toAbsolutePath().normalize());
		LocalLayout planned = LocalLayout.randomPorts(1, 3);
		LocalLayout layout = cluster.up(metaServers ? planned : planned.withoutMetaServers(), System.out);
		return new SnapshotCluster(home, cluster, layout);
	}

	/** Waits until the snapshot is in the object store; it must stay PENDING until then. */
	void awaitDone(MdsRestApi.Snapshot snapshot) {
		await().atMost(COPY_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
			String status = this.rest.snapshot(snapshot.id()).status();
			assertThat(status).as("snapshot " + snapshot.name()).isIn("PENDING", "DONE");
			return status.equals("DONE");
		});
	}

	/** What a run of the command line in this JVM printed, and its exit code. */
	record Run(int code, String out, String err) {
	}

	/** {@code bin/curve ARGS} on this cluster (found through {@code curve.home}), as root. */
	static Run cli(String... args) {
		CommandLine cli = CurveCli.commandLine();
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		cli.setOut(new PrintWriter(out, true));
		cli.setErr(new PrintWriter(err, true));
		int code = cli.execute(args);
		System.out.println("curve " + String.join(" ", args) + " -> " + code + "\n" + out + err);
		return new Run(code, out.toString(), err.toString());
	}

	static byte[] random(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	@Override
	public void close() {
		this.client.close();
		this.cluster.down(System.out);
		// the logs stay for a failed run; the data would fill the disk of the runs after it
		this.cluster.deleteData(System.out);
	}

}
