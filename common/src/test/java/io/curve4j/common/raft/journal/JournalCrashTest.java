package io.curve4j.common.raft.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 during appends: a child JVM appends entries of several groups to a journal and
 * prints each index once acknowledged; it is killed at a random moment, the journal is
 * opened again, and every acknowledged entry must be there with its bytes, and anything
 * else there an entry the child wrote at that index (nothing invented). Several rounds on
 * the same journal, each child going on from what the last one left.
 */
class JournalCrashTest {

	static final int GROUPS = 3;

	/** Small segments, so that rounds cross segment ends and reuse segments. */
	static final int SEGMENT_BYTES = 256 * 1024;

	static final int MAX_SEGMENTS = 64;

	@TempDir
	Path dir;

	@Test
	void aKilledWriterLeavesEveryAcknowledgedEntryAndNothingInvented() throws Exception {
		Random random = new Random();
		for (int round = 0; round < 4; round++) {
			Map<Integer, Long> acknowledged = new HashMap<>();
			Map<Integer, Long> truncatedTo = new HashMap<>();
			for (String line : runAndKill(random.nextInt(100, 700))) {
				String[] words = line.split(" ");
				if (words.length == 3 && words[0].equals("ack")) {
					acknowledged.merge(Integer.parseInt(words[1]), Long.parseLong(words[2]), Math::max);
				}
				else if (words.length == 3 && words[0].equals("trunc")) {
					truncatedTo.merge(Integer.parseInt(words[1]), Long.parseLong(words[2]), Math::max);
				}
			}
			assertThat(acknowledged).as("round %d: the child acknowledged appends", round).isNotEmpty();
			try (RaftJournal journal = RaftJournal.open(this.dir, SEGMENT_BYTES, MAX_SEGMENTS, JournalLogStorageTest.UNTIMED)) {
				for (int g = 0; g < GROUPS; g++) {
					JournalLogStorage log = open(journal, g);
					long first = log.getFirstLogIndex();
					long last = log.getLastLogIndex();
					assertThat(last).as("round %d group %d: last index", round, g)
						.isGreaterThanOrEqualTo(acknowledged.getOrDefault(g, 0L));
					assertThat(first).as("round %d group %d: first index", round, g)
						.isGreaterThanOrEqualTo(truncatedTo.getOrDefault(g, 1L))
						.isLessThanOrEqualTo(last + 1);
					for (long i = first; i <= last; i++) {
						LogEntry entry = log.getEntry(i);
						assertThat(entry).as("round %d group %d entry %d", round, g, i).isNotNull();
						assertThat(entry.getId().getIndex()).isEqualTo(i);
						byte[] data = new byte[entry.getData().remaining()];
						entry.getData().get(data);
						assertThat(data).as("round %d group %d entry %d", round, g, i).isEqualTo(data(g, i));
					}
					log.shutdown();
				}
			}
		}
	}

	/** Runs a child until it has acknowledged appends for millis, kills it, returns its output. */
	private List<String> runAndKill(int millis) throws IOException, InterruptedException {
		Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), Child.class.getName(), this.dir.toString())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		List<String> lines = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line; (line = in.readLine()) != null;) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// the child is gone
			}
		});
		reader.start();
		try {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			while (lines.stream().noneMatch(l -> l.startsWith("ack ")) && child.isAlive()
					&& System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			Thread.sleep(millis);
		}
		finally {
			child.destroyForcibly();
			child.waitFor(10, TimeUnit.SECONDS);
			reader.join(10_000);
		}
		return new ArrayList<>(lines);
	}

	static JournalLogStorage open(RaftJournal journal, int group) {
		JournalLogStorage log = new JournalLogStorage(journal);
		LogStorageOptions options = new LogStorageOptions();
		options.setGroupId("group-" + group);
		options.setConfigurationManager(new ConfigurationManager());
		options.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
		if (!log.init(options)) {
			throw new IllegalStateException("cannot open group " + group);
		}
		return log;
	}

	/** The data of entry index of group: the same whichever child writes it. */
	static byte[] data(int group, long index) {
		Random random = new Random(group * 1_000_003L + index);
		byte[] data = new byte[random.nextInt(8, 6000)];
		random.nextBytes(data);
		return data;
	}

	/**
	 * The child: one thread per group appending 1 to 4 entries at a time from where the
	 * log ends, truncating its prefix now and then; "ack G I" once entry I of group G is
	 * durable, "trunc G K" once the prefix before K is dropped. Runs until killed.
	 */
	public static final class Child {

		public static void main(String[] args) throws Exception {
			RaftJournal journal = RaftJournal.open(Path.of(args[0]), SEGMENT_BYTES, MAX_SEGMENTS, JournalLogStorageTest.UNTIMED);
			for (int g = 0; g < GROUPS; g++) {
				JournalLogStorage log = open(journal, g);
				int group = g;
				Thread appender = new Thread(() -> append(group, log));
				appender.start();
			}
		}

		private static void append(int group, JournalLogStorage log) {
			Random random = new Random();
			while (true) {
				long next = log.getLastLogIndex() + 1;
				int count = random.nextInt(1, 5);
				List<LogEntry> entries = new ArrayList<>();
				for (long i = next; i < next + count; i++) {
					LogEntry entry = new LogEntry(EntryType.ENTRY_TYPE_DATA);
					entry.setId(new LogId(i, 1));
					entry.setData(ByteBuffer.wrap(data(group, i)));
					entries.add(entry);
				}
				int durable = log.appendEntries(entries);
				for (int i = 0; i < durable; i++) {
					say("ack " + group + " " + (next + i));
				}
				if (durable < count) {
					throw new IllegalStateException("group " + group + ": " + durable + " of " + count + " appended");
				}
				if (random.nextInt(20) == 0) {
					long keep = Math.max(log.getFirstLogIndex(), next + count - 10);
					if (log.truncatePrefix(keep)) {
						say("trunc " + group + " " + keep);
					}
				}
			}
		}

		private static synchronized void say(String line) {
			System.out.println(line);
			System.out.flush();
		}

		private Child() {
		}

	}

}
