package io.curve4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.local.FsMounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The mount bookkeeping of {@code curve fs mount|umount} ({@link FsMounts}) with a real FUSE
 * client in the kernel: s3fs on an S3Proxy, wrapped in a shell that carries
 * {@code --mountpoint=} as our client does and passes SIGTERM on. Start waits for the
 * kernel's mount, umount stops the client, and a client killed outright leaves a dead
 * mount that umount removes with fusermount. Needs root, /dev/fuse and s3fs (.ci/run).
 */
@Tag("fs")
class FsMountsIT {

	@TempDir
	static Path dir;

	private static Process s3;

	private static String endpoint;

	@BeforeAll
	static void startS3() throws Exception {
		assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse");
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/s3fs")), "no s3fs");
		Path jarDir = Path.of("..").toAbsolutePath().normalize().resolve("local-cluster/target/s3proxy");
		Path jar;
		try (Stream<Path> files = Files.list(jarDir)) {
			jar = files.filter(f -> f.toString().endsWith("-jar-with-dependencies.jar")).findFirst().orElseThrow();
		}
		int port = LoopbackPorts.free();
		endpoint = "http://127.0.0.1:" + port;
		Files.createDirectories(dir.resolve("s3/bucket"));
		Path config = Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n", "s3proxy.endpoint=" + endpoint,
				"s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=key", "s3proxy.credential=secret",
				"jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + dir.resolve("s3"), ""));
		s3 = new ProcessBuilder("java", "-jar", jar.toString(), "--properties", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("s3proxy.log").toFile())
			.start();
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			try {
				new java.net.Socket("127.0.0.1", port).close();
				return true;
			}
			catch (java.io.IOException ex) {
				return false;
			}
		});
		Path passwd = dir.resolve("passwd");
		Files.createFile(passwd, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		Files.writeString(passwd, "key:secret\n");
	}

	@AfterAll
	static void stopS3() throws Exception {
		if (s3 != null) {
			s3.destroy();
			s3.waitFor(20, TimeUnit.SECONDS);
		}
	}

	/** s3fs in the foreground under a shell that forwards SIGTERM, as our client reacts to it. */
	private static List<String> client(Path mp) {
		String s3fs = "s3fs bucket " + mp + " -f -o passwd_file=" + dir.resolve("passwd") + " -o url=" + endpoint
				+ " -o use_path_request_style";
		return List.of("sh", "-c", s3fs + " & c=$!; trap 'kill -TERM $c; wait $c; exit 0' TERM; wait $c",
				"fake-client", "--mountpoint=" + mp);
	}

	@Test
	void startWaitsForTheMountAndStopUnmounts() throws Exception {
		FsMounts mounts = new FsMounts(dir.resolve("mounts"));
		Path mp = Files.createDirectories(dir.resolve("mnt1"));
		ProcessHandle client = mounts.start(client(mp), mp, Duration.ofSeconds(30));
		assertThat(client.isAlive()).isTrue();
		Files.writeString(mp.resolve("hello.txt"), "hello");
		assertThat(Files.readString(mp.resolve("hello.txt"))).isEqualTo("hello");
		assertThatThrownBy(() -> mounts.start(client(mp), mp, Duration.ofSeconds(5)))
			.isInstanceOf(CurveException.class)
			.hasMessageContaining("already a FUSE mount");
		assertThat(mounts.stop(mp, Duration.ofSeconds(30))).isEqualTo("client pid " + client.pid() + " stopped");
		assertThat(client.isAlive()).isFalse();
		assertThat(Files.exists(mp.resolve("hello.txt"))).isFalse();
		assertThat(mounts.list()).isEmpty();
	}

	@Test
	void aDeadClientsMountIsRemovedWithFusermount() throws Exception {
		FsMounts mounts = new FsMounts(dir.resolve("mounts"));
		Path mp = Files.createDirectories(dir.resolve("mnt2"));
		ProcessHandle client = mounts.start(client(mp), mp, Duration.ofSeconds(30));
		// SIGKILL the whole client, as an OOM kill would: the kernel keeps a dead mount
		client.descendants().forEach(ProcessHandle::destroyForcibly);
		client.destroyForcibly();
		client.onExit().get(10, TimeUnit.SECONDS);
		assertThat(mounts.stop(mp, Duration.ofSeconds(10))).isEqualTo("no client running; unmounted with fusermount");
		assertThatThrownBy(() -> mounts.stop(mp, Duration.ofSeconds(1))).hasMessageContaining("is not a FUSE mount");
	}

}
