package io.curve4j.fs.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class WriteAreaTest {

	@TempDir
	Path dir;

	@Test
	void objectsAreReadAtOnceSurviveARestartAndTheirSegmentGoesWithTheLastOne() throws IOException {
		WriteArea first = new WriteArea(this.dir);
		first.append("fs/1_2_3_0_0", new byte[] { 1, 2, 3 });
		first.append("fs/1_2_4_0_0", new byte[] { 4 });
		byte[] two = new byte[2];
		assertThat(first.read("fs/1_2_3_0_0", 1, two, 0, 2)).isTrue();
		assertThat(two).containsExactly(2, 3);
		assertThat(first.read("fs/1_2_3_0_0", 2, two, 0, 2)).as("past its end").isFalse();
		first.sync();
		assertThat(segments()).hasSize(1);

		WriteArea second = new WriteArea(this.dir);
		assertThat(second.keys()).containsExactlyInAnyOrder("fs/1_2_3_0_0", "fs/1_2_4_0_0");
		assertThat(second.get("fs/1_2_3_0_0")).containsExactly(1, 2, 3);
		assertThat(second.liveBytes()).isEqualTo(4);
		second.remove("fs/1_2_3_0_0");
		assertThat(segments()).hasSize(1);
		second.remove("fs/1_2_4_0_0");
		assertThat(segments()).as("nothing staged: no segment").isEmpty();
		assertThat(second.diskBytes()).isZero();
		second.append("fs/1_2_5_0_0", new byte[] { 5 });
		assertThat(second.get("fs/1_2_5_0_0")).containsExactly(5);
	}

	@Test
	void aRecordCutShortByACrashIsDroppedWithWhatFollowsAndTheRestStays() throws IOException {
		WriteArea area = new WriteArea(this.dir);
		area.append("a", new byte[] { 1 });
		area.append("b", new byte[100]);
		area.sync();
		Path segment = segments().get(0);
		long whole = Files.size(segment);
		// the tail of "b" never reached the disk
		try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
			file.truncate(whole - 10);
		}
		WriteArea restarted = new WriteArea(this.dir);
		assertThat(restarted.keys()).containsExactly("a");
		assertThat(Files.size(segment)).isEqualTo(WriteArea.RECORD_HEADER + 1 + 1);

		// a damaged record: its checksum fails, so it and every later one are dropped
		restarted.append("c", new byte[] { 7, 7 });
		restarted.append("d", new byte[] { 8 });
		restarted.sync();
		Path second = segments().get(1);
		try (FileChannel file = FileChannel.open(second, StandardOpenOption.WRITE)) {
			file.write(ByteBuffer.wrap(new byte[] { 9 }), WriteArea.RECORD_HEADER + 1);
		}
		assertThat(new WriteArea(this.dir).keys()).containsExactly("a");
	}

	@Test
	void anObjectStagedAgainReplacesTheFirstAndSegmentsRollOver() throws IOException {
		WriteArea area = new WriteArea(this.dir, 100);
		// the first segment fills with two versions of k, the second with m, the third starts with k again
		area.append("k", new byte[80]);
		area.append("k", new byte[] { 1, 2 });
		area.append("m", new byte[200]);
		area.append("k", new byte[] { 1, 2, 3 });
		assertThat(segments()).as("the first segment has no staged object left").hasSize(2);
		assertThat(area.get("k")).containsExactly(1, 2, 3);
		area.sync();
		WriteArea restarted = new WriteArea(this.dir, 100);
		assertThat(restarted.get("k")).containsExactly(1, 2, 3);
		assertThat(restarted.keys()).containsExactlyInAnyOrder("k", "m");
		assertThat(restarted.liveBytes()).isEqualTo(203);
	}

	@Test
	void anInterruptedReaderDoesNotCloseTheAreaForOthers() throws Exception {
		WriteArea area = new WriteArea(this.dir);
		area.append("k", new byte[] { 1, 2, 3 });
		AtomicBoolean interruptedRead = new AtomicBoolean(true);
		Thread reader = new Thread(() -> {
			Thread.currentThread().interrupt();
			interruptedRead.set(area.read("k", 0, new byte[3], 0, 3));
		});
		reader.start();
		reader.join();
		assertThat(interruptedRead).isFalse();
		assertThat(area.get("k")).containsExactly(1, 2, 3);
		area.append("m", new byte[] { 4 });
		area.sync();
		assertThat(new WriteArea(this.dir).keys()).containsExactlyInAnyOrder("k", "m");
	}

	@Test
	void objectsLeftOneFilePerObjectMoveIntoASegment() throws IOException {
		Files.write(this.dir.resolve("fs%2F1_2_3_0_0"), new byte[] { 6, 6 });
		Files.write(this.dir.resolve("fs%2F1_2_9_0_0.4.tmp"), new byte[] { 0 });
		WriteArea area = new WriteArea(this.dir);
		assertThat(area.keys()).containsExactly("fs/1_2_3_0_0");
		assertThat(area.get("fs/1_2_3_0_0")).containsExactly(6, 6);
		try (Stream<Path> files = Files.list(this.dir)) {
			assertThat(files.map((p) -> p.getFileName().toString())).allMatch((n) -> n.endsWith(".seg"));
		}
		assertThat(new String(Files.readAllBytes(segments().get(0)), StandardCharsets.ISO_8859_1)).contains("fs/1_2_3_0_0");
	}

	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter((p) -> p.toString().endsWith(".seg")).sorted().toList();
		}
	}

}
