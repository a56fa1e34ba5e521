package io.curve4j.fs.hadoop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;

import io.curve4j.local.LocalCluster;
import io.curve4j.local.LocalLayout;
import io.curve4j.local.ServiceSpec;

/**
 * One cluster for every SDK test in this JVM ({@code bin/curve local up} with the three
 * metaservers, random ports, under {@code target/hadoop-it}) and file system {@value #FS}
 * on it; started by the first test that asks, stopped when the JVM exits.
 */
final class TestCluster {

	static final String FS = "fs1";

	private static TestCluster running;

	final Path home;

	final LocalCluster cluster;

	final LocalLayout layout;

	private TestCluster(Path home, LocalCluster cluster, LocalLayout layout) {
		this.home = home;
		this.cluster = cluster;
		this.layout = layout;
	}

	static synchronized TestCluster get() {
		if (running == null) {
			running = start();
		}
		return running;
	}

	private static TestCluster start() {
		Path home = Path.of("target", "hadoop-it").toAbsolutePath();
		Path repo = Path.of("..").toAbsolutePath().normalize();
		try {
			FileUtils.deleteDirectory(home.toFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		LocalCluster cluster = new LocalCluster(home, repo);
		LocalLayout layout = cluster.up(LocalLayout.randomPorts(1, 3), System.out);
		TestCluster started = new TestCluster(home, cluster, layout);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			cluster.down(System.out);
			cluster.deleteData(System.out);
		}, "hadoop-it-cluster-down"));
		if (started.cli("fs", "create", FS) != 0) {
			throw new IllegalStateException("bin/curve fs create " + FS + " failed");
		}
		return started;
	}

	/** The settings a client of this cluster needs, as root. */
	Configuration configure(Configuration conf) {
		conf.set(CurveFileSystem.MDS, String.join(",", this.layout.mds().stream().map(ServiceSpec::grpc).toList()));
		conf.set(CurveFileSystem.USER, "root");
		conf.set(CurveFileSystem.PASSWORD, this.cluster.rootSecret());
		return conf;
	}

	/**
	 * {@code bin/curve ARGS} as a process, from the command line's jar (built before: the
	 * command line is built after this module, so it cannot be a dependency): its exit code.
	 */
	int cli(String... args) {
		try {
			Process process = new ProcessBuilder(this.cluster.cliCommand(args)).redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			int code = process.waitFor();
			System.out.println("curve " + String.join(" ", args) + " -> " + code + "\n" + out);
			return code;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
