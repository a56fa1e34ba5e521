package io.curve4j.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Mount bookkeeping of {@code curve fs mount}: names, mountinfo parsing, refusals. */
class FsMountsTest {

	@TempDir
	Path dir;

	@Test
	void namesAreTheAbsolutePathWithUnusualCharactersReplaced() {
		assertThat(FsMounts.name(Path.of("/mnt/curve fs/a"))).isEqualTo("mnt_curve_fs_a");
		assertThat(FsMounts.name(Path.of("/mnt/x/../y/"))).isEqualTo("mnt_y");
		assertThat(FsMounts.name(Path.of("/"))).isEqualTo("_root");
		FsMounts mounts = new FsMounts(this.dir);
		assertThat(mounts.log(Path.of("/mnt/a"))).isEqualTo(this.dir.resolve("mnt_a.log"));
		assertThat(mounts.pidFile(Path.of("/mnt/a"))).isEqualTo(this.dir.resolve("mnt_a.pid"));
	}

	@Test
	void findsFuseMountsInMountinfoAndIgnoresOtherTypes() throws Exception {
		Path mountinfo = this.dir.resolve("mountinfo");
		Files.write(mountinfo, List.of(
				"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
				"60 22 0:50 / /mnt/curve\\040fs rw,nosuid,nodev,relatime shared:30 - fuse curve rw,user_id=0,group_id=0",
				"61 22 0:51 / /mnt/s3 rw,nosuid,nodev,relatime shared:31 - fuse.s3fs s3fs rw,user_id=0,group_id=0",
				"62 22 0:52 / /mnt/tmp rw,relatime shared:32 - tmpfs tmpfs rw"));
		assertThat(FsMounts.isFuseMount(mountinfo, Path.of("/mnt/curve fs"))).isTrue();
		assertThat(FsMounts.isFuseMount(mountinfo, Path.of("/mnt/s3"))).isTrue();
		assertThat(FsMounts.isFuseMount(mountinfo, Path.of("/mnt/tmp"))).isFalse();
		assertThat(FsMounts.isFuseMount(mountinfo, Path.of("/"))).isFalse();
		assertThat(FsMounts.isFuseMount(mountinfo, Path.of("/mnt/curve"))).isFalse();
	}

	@Test
	void refusesAMissingMountPointWithoutStartingAnything() {
		FsMounts mounts = new FsMounts(this.dir.resolve("mounts"));
		Path missing = this.dir.resolve("nope");
		assertThatThrownBy(() -> mounts.start(List.of("true"), missing, Duration.ofSeconds(1)))
			.isInstanceOfSatisfying(CurveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
			.hasMessageContaining("is not a directory; create it first");
		assertThat(this.dir.resolve("mounts")).doesNotExist();
	}

	@Test
	void aClientThatExitsBeforeMountingFailsWithItsLog() throws Exception {
		// needs /dev/fuse only to get past the check: the client here is a shell that fails at once
		assumeTrue(Files.exists(Path.of("/dev/fuse")));
		FsMounts mounts = new FsMounts(this.dir.resolve("mounts"));
		Path mp = Files.createDirectories(this.dir.resolve("mnt"));
		assertThatThrownBy(() -> mounts.start(List.of("sh", "-c", "echo cannot reach the MDS; exit 3"), mp,
				Duration.ofSeconds(10)))
			.isInstanceOf(CurveException.class)
			.hasMessageContaining("exited (code 3) before mounting")
			.hasMessageContaining("cannot reach the MDS");
		assertThat(mounts.list()).extracting(FsMounts.Mount::name).containsExactly(FsMounts.name(mp));
		assertThat(mounts.list().get(0).process()).isEmpty();
	}

	@Test
	void umountOfSomethingNotMountedIsRefused() {
		FsMounts mounts = new FsMounts(this.dir.resolve("mounts"));
		assertThatThrownBy(() -> mounts.stop(this.dir, Duration.ofSeconds(1))).isInstanceOf(CurveException.class)
			.hasMessageContaining("is not a FUSE mount");
	}

	@Test
	void umountStopsTheClientAndForgetsItsFiles() throws Exception {
		FsMounts mounts = new FsMounts(this.dir.resolve("mounts"));
		Path mp = Files.createDirectories(this.dir.resolve("mnt"));
		// a stand-in client: what identifies one is --mountpoint= on its command line
		Process client = new ProcessBuilder("sh", "-c", "sleep 60", "client", "--mountpoint=" + mp).start();
		try {
			Files.createDirectories(this.dir.resolve("mounts"));
			Files.writeString(mounts.pidFile(mp), Long.toString(client.pid()));
			Files.writeString(mounts.secretFile(mp), "secret\n");
			assertThat(mounts.list().get(0).process()).isPresent();
			assertThat(mounts.stop(mp, Duration.ofSeconds(10))).isEqualTo("client pid " + client.pid() + " stopped");
			assertThat(client.isAlive()).isFalse();
			assertThat(mounts.list()).isEmpty();
			assertThat(mounts.secretFile(mp)).doesNotExist();
		}
		finally {
			client.destroyForcibly();
		}
	}

	@Test
	void aPidFileOfAnotherProgramIsNotTakenForAClient() throws Exception {
		FsMounts mounts = new FsMounts(this.dir.resolve("mounts"));
		Files.createDirectories(this.dir.resolve("mounts"));
		Path mp = this.dir.resolve("mnt");
		Files.writeString(mounts.pidFile(mp), Long.toString(ProcessHandle.current().pid()));
		assertThat(mounts.list().get(0).process()).isEmpty();
	}

}
