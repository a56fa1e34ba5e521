package io.curve4j.fs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.XAttrSetFlag;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.curve4j.fs.hadoop.example.WriteAndRead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The SDK and a FUSE mount of the same file system read each other's files byte for byte
 * and see each other's attribute changes; bad settings and bad attribute changes fail
 * with typed errors and change nothing; the example program runs.
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
	void attributesSetThroughTheSdkAreSeenThroughFuseAndBack() throws IOException {
		Path path = new Path("/interop/attributes.txt");
		try (FSDataOutputStream out = fs.create(path)) {
			out.write('x');
		}
		java.nio.file.Path local = mount.resolve("interop/attributes.txt");
		fs.setPermission(path, new FsPermission((short) 0640));
		fs.setOwner(path, "1234", "2345");
		fs.setXAttr(path, "user.colour", "blue".getBytes(StandardCharsets.UTF_8));
		UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(local, UserDefinedFileAttributeView.class);
		// the mount holds attributes for a moment (close-to-open, as NFS)
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).isEqualTo("rw-r-----");
			assertThat(Files.getAttribute(local, "unix:uid")).isEqualTo(1234);
			assertThat(Files.getAttribute(local, "unix:gid")).isEqualTo(2345);
			assertThat(xattrs.list()).containsExactly("colour");
		});

		// and back: what FUSE sets, the SDK reads
		Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwx------"));
		xattrs.write("shape", StandardCharsets.UTF_8.encode("round"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			FileStatus status = fs.getFileStatus(path);
			assertThat(status.getPermission().toShort()).isEqualTo((short) 0700);
			assertThat(status.getOwner()).isEqualTo("1234");
			assertThat(status.getGroup()).isEqualTo("2345");
			assertThat(fs.listXAttrs(path)).containsExactlyInAnyOrder("user.colour", "user.shape");
			assertThat(new String(fs.getXAttr(path, "user.shape"), StandardCharsets.UTF_8)).isEqualTo("round");
		});

		fs.removeXAttr(path, "user.colour");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(xattrs.list()).containsExactly("shape"));
	}

	@Test
	void badAttributeChangesFailAndChangeNothing() throws IOException {
		Path path = new Path("/interop/refused.txt");
		try (FSDataOutputStream out = fs.create(path)) {
			out.write('x');
		}
		fs.setXAttr(path, "user.kept", new byte[] { 1 });
		FileStatus before = fs.getFileStatus(path);
		assertThatThrownBy(() -> fs.setOwner(path, "alice", null)).isInstanceOf(IOException.class)
			.hasMessageContaining("numeric");
		assertThatThrownBy(() -> fs.setXAttr(path, "user.kept", new byte[] { 2 }, EnumSet.of(XAttrSetFlag.CREATE)))
			.isInstanceOf(IOException.class);
		assertThatThrownBy(() -> fs.setXAttr(path, "user.absent", new byte[] { 2 }, EnumSet.of(XAttrSetFlag.REPLACE)))
			.isInstanceOf(IOException.class);
		assertThatThrownBy(() -> fs.getXAttr(path, "user.absent")).isInstanceOf(IOException.class);
		assertThatThrownBy(() -> fs.setPermission(new Path("/interop/no-such-file"), new FsPermission((short) 0600)))
			.isInstanceOf(FileNotFoundException.class);
		FileStatus after = fs.getFileStatus(path);
		assertThat(after.getOwner()).isEqualTo(before.getOwner());
		assertThat(after.getPermission()).isEqualTo(before.getPermission());
		assertThat(fs.getXAttrs(path)).containsOnlyKeys("user.kept");
		assertThat(fs.getXAttr(path, "user.kept")).isEqualTo(new byte[] { 1 });
		assertThat(fs.exists(new Path("/interop/no-such-file"))).isFalse();
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
