package io.curve4j.common.raft.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.alipay.sofa.jraft.entity.LogEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that stopped anywhere: the journal's bytes from a random point on are lost
 * (zeros) or garbage, as after a power loss in the middle of a write. Whatever the point,
 * each group's log comes back as a prefix of what it appended, never holding an entry it
 * did not, and the further the point, the more of it comes back.
 */
class JournalTornTailTest {

	private static final int SEGMENT_BYTES = 64 * 1024;

	private static final int GROUPS = 3;

	@TempDir
	Path dir;

	@Test
	void aJournalCutAnywhereComesBackAsAPrefixOfEachGroupsLog() throws IOException {
		Random random = new Random();
		Path pristine = this.dir.resolve("pristine");
		List<List<byte[]>> appended = new ArrayList<>();
		try (RaftJournal journal = RaftJournal.open(pristine, SEGMENT_BYTES, 16, JournalLogStorageTest.UNTIMED)) {
			List<JournalLogStorage> logs = new ArrayList<>();
			for (int g = 0; g < GROUPS; g++) {
				logs.add(JournalCrashTest.open(journal, g));
				appended.add(new ArrayList<>());
			}
			for (int n = 0; n < 60; n++) {
				int g = random.nextInt(GROUPS);
				List<byte[]> entries = appended.get(g);
				// one to three entries in one call: one batch
				List<LogEntry> batch = new ArrayList<>();
				for (int k = random.nextInt(1, 4); k > 0; k--) {
					long index = entries.size() + 1;
					byte[] data = JournalCrashTest.data(g, index);
					entries.add(data);
					batch.add(JournalLogStorageTest.entry(index, 1, ""));
					batch.get(batch.size() - 1).setData(ByteBuffer.wrap(data));
				}
				assertThat(logs.get(g).appendEntries(batch)).isEqualTo(batch.size());
			}
		}
		List<Path> segments = segments(pristine);
		long total = 0;
		for (Path segment : segments) {
			total += Files.size(segment);
		}
		long previousRecovered = -1;
		List<Long> cuts = new ArrayList<>();
		for (int i = 0; i < 24; i++) {
			cuts.add(random.nextLong(total));
		}
		cuts.add(total);
		cuts.sort(null);
		for (long cut : cuts) {
			boolean garbage = random.nextBoolean();
			Path copy = this.dir.resolve("cut-" + cut + (garbage ? "-garbage" : "-lost"));
			FileUtils.copyDirectory(pristine.toFile(), copy.toFile());
			damageFrom(segments(copy), cut, garbage, random);
			long recovered = 0;
			try (RaftJournal journal = RaftJournal.open(copy, SEGMENT_BYTES, 16, JournalLogStorageTest.UNTIMED)) {
				for (int g = 0; g < GROUPS; g++) {
					JournalLogStorage log = JournalCrashTest.open(journal, g);
					assertThat(log.getFirstLogIndex()).isEqualTo(1);
					long last = log.getLastLogIndex();
					assertThat(last).as("cut at %d: group %d", cut, g).isLessThanOrEqualTo(appended.get(g).size());
					for (long index = 1; index <= last; index++) {
						ByteBuffer data = log.getEntry(index).getData();
						byte[] bytes = new byte[data.remaining()];
						data.get(bytes);
						assertThat(bytes).as("cut at %d: group %d entry %d", cut, g, index)
							.isEqualTo(appended.get(g).get((int) index - 1));
					}
					recovered += last;
				}
			}
			assertThat(recovered).as("cut at %d", cut).isGreaterThanOrEqualTo(previousRecovered);
			previousRecovered = recovered;
		}
		assertThat(previousRecovered).as("nothing cut: everything comes back")
			.isEqualTo(appended.stream().mapToLong(List::size).sum());
	}

	private static List<Path> segments(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(f -> JournalSegment.sequenceOf(f) >= 0).sorted().toList();
		}
	}

	/** Zeros (a write that never landed) or random bytes from byte cut of the segments, in order. */
	private static void damageFrom(List<Path> segments, long cut, boolean garbage, Random random) throws IOException {
		long start = 0;
		for (Path segment : segments) {
			long size = Files.size(segment);
			if (start + size > cut) {
				long from = Math.max(0, cut - start);
				byte[] bytes = new byte[(int) (size - from)];
				if (garbage) {
					random.nextBytes(bytes);
				}
				try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
					file.write(ByteBuffer.wrap(bytes), from);
				}
			}
			start += size;
		}
	}

}
