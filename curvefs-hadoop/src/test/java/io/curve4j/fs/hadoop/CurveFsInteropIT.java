package io.curve4j.fs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.curve4j.fs.hadoop.example.WriteAndRead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SDK and a FUSE mount of the same file system read each other's files byte for byte;
 * bad settings fail with typed errors; the example program runs.
 */
@Tag("fs")
class CurveFsInteropIT {

	static TestCluster cluster;

	static java.nio.file.Path mount;

	static FileSystem fs;

	@BeforeAll
	static void mountBoth() throws IOException {
		cluster = TestCluster.get();
		mount = Files.createDirectories(cluster.home.resolve("mnt"));
		assertThat(cluster.cli("fs", "mount", TestCluster.FS, mount.toString())).isZero();
		fs = FileSystem.newInstance(URI.create("curvefs://" + TestCluster.FS + "/"), cluster.configure(new Configuration()));
	}

	@AfterAll
	static void umount() throws IOException {
		if (fs != null) {
			fs.close();
		}
		if (mount != null) {
			cluster.cli("fs", "umount", mount.toString());
		}
	}

	@Test
	void aFileWrittenThroughTheSdkIsReadThroughFuse() throws IOException {
		byte[] data = random(5 * 1024 * 1024 + 123, 1);
		Path path = new Path("/interop/sdk-written.bin");
		try (FSDataOutputStream out = fs.create(path)) {
			out.write(data, 0, 1000);
			out.hsync();
			out.write(data, 1000, data.length - 1000);
		}
		assertThat(Files.readAllBytes(mount.resolve("interop/sdk-written.bin"))).isEqualTo(data);
	}

	@Test
	void aFileWrittenThroughFuseIsReadThroughTheSdkAlsoByPosition() throws IOException {
		byte[] data = random(3 * 1024 * 1024 + 7, 2);
		Files.createDirectories(mount.resolve("interop"));
		Files.write(mount.resolve("interop/fuse-written.bin"), data);
		Path path = new Path("/interop/fuse-written.bin");
		assertThat(fs.getFileStatus(path).getLen()).isEqualTo(data.length);
		try (FSDataInputStream in = fs.open(path)) {
			byte[] all = new byte[data.length];
			in.readFully(all);
			assertThat(all).isEqualTo(data);
			byte[] middle = new byte[4096];
			in.readFully(2_000_001, middle);
			assertThat(middle).isEqualTo(Arrays.copyOfRange(data, 2_000_001, 2_000_001 + 4096));
			assertThat(in.getPos()).isEqualTo(data.length);
		}
	}

	@Test
	void badSettingsFailWithTypedErrors() {
		Configuration good = cluster.configure(new Configuration());
		assertThatThrownBy(() -> FileSystem.newInstance(URI.create("curvefs:///x"), good))
			.isInstanceOf(IOException.class).hasMessageContaining("curvefs://FILE_SYSTEM/path");
		assertThatThrownBy(() -> FileSystem.newInstance(URI.create("curvefs://no-such-fs/"), good))
			.isInstanceOf(FileNotFoundException.class).hasMessageContaining("no-such-fs");
		Configuration wrong = cluster.configure(new Configuration());
		wrong.set(CurveFileSystem.PASSWORD, "not-the-password");
		assertThatThrownBy(() -> FileSystem.newInstance(URI.create("curvefs://" + TestCluster.FS + "/"), wrong))
			.isInstanceOf(AccessControlException.class);
		Configuration noMds = new Configuration();
		assertThatThrownBy(() -> FileSystem.newInstance(URI.create("curvefs://" + TestCluster.FS + "/"), noMds))
			.isInstanceOf(IOException.class).hasMessageContaining(CurveFileSystem.MDS);
	}

	@Test
	void theExampleWritesAndReadsAFile() throws IOException {
		Configuration conf = cluster.configure(new Configuration());
		for (String key : new String[] { CurveFileSystem.MDS, CurveFileSystem.USER, CurveFileSystem.PASSWORD }) {
			System.setProperty(key, conf.get(key));
		}
		WriteAndRead.main(new String[] { "curvefs://" + TestCluster.FS + "/example/hello.txt" });
		assertThat(Files.readString(mount.resolve("example/hello.txt"))).startsWith("hello from Hadoop");
	}

	private static byte[] random(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
