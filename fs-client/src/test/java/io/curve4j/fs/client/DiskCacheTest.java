package io.curve4j.fs.client;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskCacheTest {

	@TempDir
	Path dir;

	@Test
	void aCachedObjectAnswersRangesAndAnUnknownOneIsAMiss() {
		DiskCache cache = new DiskCache(this.dir, 1000);
		cache.put("fs/1_2_3_0_0", new byte[] { 1, 2, 3, 4, 5 });
		byte[] dst = new byte[4];
		assertThat(cache.read("fs/1_2_3_0_0", 1, dst, 1, 3)).isTrue();
		assertThat(dst).containsExactly(0, 2, 3, 4);
		assertThat(cache.read("fs/1_2_3_0_0", 3, dst, 0, 3)).as("past its end").isFalse();
		assertThat(cache.read("fs/9_9_9_0_0", 0, dst, 0, 1)).isFalse();
		assertThat(cache.hitRatio()).isEqualTo(1 / 3.0);
		assertThat(cache.get("fs/1_2_3_0_0")).containsExactly(1, 2, 3, 4, 5);
		assertThat(cache.get("fs/9_9_9_0_0")).isNull();
		assertThat(cache.used()).isEqualTo(5);
	}

	@Test
	void pastNinetyPercentTheLeastRecentlyReadGoUntilSeventyIsLeft() {
		DiskCache cache = new DiskCache(this.dir, 1000);
		for (int i = 0; i < 8; i++) {
			cache.put("k" + i, new byte[100]);
		}
		// k0 read again: the least recently read are now k1, k2, ...
		assertThat(cache.read("k0", 0, new byte[1], 0, 1)).isTrue();
		cache.put("k8", new byte[100]);
		cache.put("k9", new byte[100]);
		assertThat(cache.used()).isEqualTo(700);
		byte[] one = new byte[1];
		assertThat(cache.read("k0", 0, one, 0, 1)).isTrue();
		assertThat(cache.read("k1", 0, one, 0, 1)).isFalse();
		assertThat(cache.read("k3", 0, one, 0, 1)).isFalse();
		assertThat(cache.read("k4", 0, one, 0, 1)).isTrue();
		assertThat(cache.read("k9", 0, one, 0, 1)).isTrue();
	}

	@Test
	void aNewCacheOnTheSameDirectoryKeepsWhatWasCachedAndDropsHalfWrittenFiles() throws Exception {
		DiskCache first = new DiskCache(this.dir, 1000);
		first.put("curvefs/3_7_11_0_0", new byte[] { 9, 8, 7 });
		Files.write(this.dir.resolve("read").resolve("x.1.tmp"), new byte[50]);
		DiskCache second = new DiskCache(this.dir, 1000);
		byte[] dst = new byte[3];
		assertThat(second.read("curvefs/3_7_11_0_0", 0, dst, 0, 3)).isTrue();
		assertThat(dst).containsExactly(9, 8, 7);
		assertThat(second.used()).isEqualTo(3);
		assertThat(this.dir.resolve("read").resolve("x.1.tmp")).doesNotExist();
	}

	@Test
	void stagedObjectsAreReadLocallySurviveARestartAndMoveToTheReadAreaOnceUploaded() {
		DiskCache first = new DiskCache(this.dir, 1000);
		first.stage("fs/1_2_3_0_0", new byte[] { 4, 5, 6 });
		first.stage("fs/1_2_4_0_0", new byte[] { 7 });
		first.sync();
		assertThat(first.pendingBytes()).isEqualTo(4);
		byte[] dst = new byte[2];
		assertThat(first.read("fs/1_2_3_0_0", 1, dst, 0, 2)).isTrue();
		assertThat(dst).containsExactly(5, 6);
		// a cache fill of a staged object changes nothing
		first.put("fs/1_2_3_0_0", new byte[] { 0, 0, 0 });
		assertThat(first.get("fs/1_2_3_0_0")).containsExactly(4, 5, 6);

		// the client stops before uploading: the next one finds both
		DiskCache second = new DiskCache(this.dir, 1000);
		assertThat(second.stagedKeys()).containsExactlyInAnyOrder("fs/1_2_3_0_0", "fs/1_2_4_0_0");
		assertThat(second.staged("fs/1_2_3_0_0")).containsExactly(4, 5, 6);
		second.uploaded("fs/1_2_3_0_0");
		second.discard("fs/1_2_4_0_0");
		assertThat(second.stagedKeys()).isEmpty();
		assertThat(second.pendingBytes()).isZero();
		assertThat(second.used()).isEqualTo(3);
		assertThat(second.get("fs/1_2_3_0_0")).containsExactly(4, 5, 6);
		assertThat(second.get("fs/1_2_4_0_0")).isNull();
		assertThat(new DiskCache(this.dir, 1000).stagedKeys()).isEmpty();
	}

	@Test
	void writesStopAtNinetyPercentAndATrimNeverRemovesWhatIsNotUploaded() {
		DiskCache cache = new DiskCache(this.dir, 1000);
		for (int i = 0; i < 6; i++) {
			cache.put("r" + i, new byte[100]);
		}
		// the write area counts its records whole: header and key too
		cache.stage("w0", new byte[250 - WriteArea.RECORD_HEADER - 2]);
		assertThat(cache.acceptsWrites(50)).isTrue();
		assertThat(cache.acceptsWrites(51)).as("past 90 %").isFalse();
		// reads past 90 % trim the read area down to 70 % of both areas; the staged object stays
		cache.put("r6", new byte[100]);
		assertThat(cache.used() + cache.pendingBytes()).isLessThanOrEqualTo(700);
		assertThat(cache.stagedKeys()).containsExactly("w0");
		assertThat(cache.get("w0")).hasSize(250 - WriteArea.RECORD_HEADER - 2);
	}

	@Test
	void aSmallerCapacityTrimsAtStartAndNoSizeIsRefused() {
		DiskCache big = new DiskCache(this.dir, 10_000);
		for (int i = 0; i < 10; i++) {
			big.put("k" + i, new byte[100]);
		}
		assertThat(new DiskCache(this.dir, 500).used()).isLessThanOrEqualTo(350);
		assertThatThrownBy(() -> new DiskCache(this.dir, 0)).isInstanceOf(IllegalArgumentException.class);
	}

}
