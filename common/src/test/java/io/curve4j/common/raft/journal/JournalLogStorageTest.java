package io.curve4j.common.raft.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.function.LongConsumer;

import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What jraft's log manager asks of a log storage, asked of one group's log in a shared
 * journal: appends read back, first and last index, truncation at both ends, reset, and
 * the same answers after a restart, including one after a torn write, damage, or a full
 * journal.
 */
class JournalLogStorageTest {

	/** For the journal tests: batch write and fsync times are not watched. */
	static final LongConsumer UNTIMED = nanos -> {
	};

	/** Segments small enough for tests to fill: four single-entry batches each. */
	private static final int SMALL_SEGMENT = 16 * 1024;

	@TempDir
	Path dir;

	private RaftJournal journal;

	private final List<JournalLogStorage> open = new ArrayList<>();

	@AfterEach
	void close() {
		closeAll();
	}

	@Test
	void anEmptyLogStartsAtOne() throws IOException {
		JournalLogStorage log = start("g");
		assertThat(log.getFirstLogIndex()).isEqualTo(1);
		assertThat(log.getLastLogIndex()).isZero();
		assertThat(log.getEntry(1)).isNull();
		assertThat(term(log, 1)).isZero();
	}

	@Test
	void appendedEntriesReadBackOneAtATimeAndInBatches() throws IOException {
		JournalLogStorage log = start("g");
		assertThat(log.appendEntry(entry(1, 1, "one"))).isTrue();
		assertThat(log.appendEntries(entries(2, 10, 1))).isEqualTo(9);
		assertThat(log.getFirstLogIndex()).isEqualTo(1);
		assertThat(log.getLastLogIndex()).isEqualTo(10);
		assertEntry(log, 1, 1, "one");
		for (long i = 2; i <= 10; i++) {
			assertEntry(log, i, 1, "e" + i);
		}
		assertThat(log.getEntry(11)).isNull();
		assertThat(term(log, 7)).isEqualTo(1);
	}

	@Test
	void entriesReadBackWithoutJraftsChecksumSoThatItIsNotVerifiedAgainOnEveryRead() throws IOException {
		JournalLogStorage log = start("g");
		LogEntry written = entry(1, 3, "checked");
		written.setChecksum(written.checksum());
		written.setPeers(List.of(PeerId.parsePeer("127.0.0.1:8001")));
		assertThat(log.appendEntry(written)).isTrue();

		LogEntry read = log.getEntry(1);
		assertThat(read.hasChecksum()).isFalse();
		assertThat(read.isCorrupted()).isFalse();
		assertThat(read.getId()).isEqualTo(written.getId());
		assertThat(read.getPeers()).isEqualTo(written.getPeers());
		assertThat(StandardCharsets.UTF_8.decode(read.getData()).toString()).isEqualTo("checked");
		// the journal's own check still guards the record
		flipByte(segment(1), 66);
		assertThatThrownBy(() -> log.getEntry(1)).isInstanceOf(JournalCorruptedException.class);
	}

	@Test
	void aRestartRecoversEveryEntryAndTheConfigurations() throws IOException {
		JournalLogStorage log = start("g");
		LogEntry configuration = new LogEntry(EntryType.ENTRY_TYPE_CONFIGURATION);
		configuration.setId(new LogId(1, 1));
		configuration.setPeers(List.of(PeerId.parsePeer("127.0.0.1:1"), PeerId.parsePeer("127.0.0.1:2")));
		assertThat(log.appendEntry(configuration)).isTrue();
		assertThat(log.appendEntries(entries(2, 20, 1))).isEqualTo(19);
		restart();
		ConfigurationManager configurations = new ConfigurationManager();
		log = start("g", configurations);
		assertThat(log.getFirstLogIndex()).isEqualTo(1);
		assertThat(log.getLastLogIndex()).isEqualTo(20);
		for (long i = 2; i <= 20; i++) {
			assertEntry(log, i, 1, "e" + i);
		}
		assertThat(log.getEntry(1).getPeers()).isEqualTo(configuration.getPeers());
		assertThat(configurations.getLastConfiguration().getConf().getPeers())
			.containsExactlyElementsOf(configuration.getPeers());
	}

	@Test
	void aSuffixTruncatedThenAppendedAgainKeepsTheNewEntriesAcrossARestart() throws IOException {
		JournalLogStorage log = start("g");
		log.appendEntries(entries(1, 10, 1));
		assertThat(log.truncateSuffix(5)).isTrue();
		assertThat(log.getLastLogIndex()).isEqualTo(5);
		assertThat(log.getEntry(6)).isNull();
		assertThat(log.appendEntries(entries(6, 8, 2))).isEqualTo(3);
		// an entry at an index in the log replaces it and those after it
		assertThat(log.appendEntry(entry(8, 3, "replaced"))).isTrue();
		restart();
		log = start("g");
		assertThat(log.getLastLogIndex()).isEqualTo(8);
		assertEntry(log, 5, 1, "e5");
		assertEntry(log, 6, 2, "e6");
		assertEntry(log, 8, 3, "replaced");
		// a truncation with no append after it is replayed too
		assertThat(log.truncateSuffix(6)).isTrue();
		restart();
		assertThat(start("g").getLastLogIndex()).isEqualTo(6);
	}

	@Test
	void aPrefixTruncationHoldsAcrossARestartEvenPastTheLastEntry() throws IOException {
		JournalLogStorage log = start("g");
		log.appendEntries(entries(1, 10, 1));
		assertThat(log.truncatePrefix(4)).isTrue();
		assertThat(log.getFirstLogIndex()).isEqualTo(4);
		assertThat(log.getEntry(3)).isNull();
		restart();
		log = start("g");
		assertThat(log.getFirstLogIndex()).isEqualTo(4);
		assertThat(log.getLastLogIndex()).isEqualTo(10);
		assertEntry(log, 4, 1, "e4");
		// never moves back
		assertThat(log.truncatePrefix(2)).isTrue();
		assertThat(log.getFirstLogIndex()).isEqualTo(4);
		assertThat(log.truncatePrefix(20)).isTrue();
		assertThat(log.getFirstLogIndex()).isEqualTo(20);
		assertThat(log.getLastLogIndex()).isEqualTo(19);
		restart();
		log = start("g");
		assertThat(log.getFirstLogIndex()).isEqualTo(20);
		assertThat(log.getLastLogIndex()).isEqualTo(19);
		assertThat(log.appendEntry(entry(20, 2, "next"))).isTrue();
		assertEntry(log, 20, 2, "next");
	}

	@Test
	void aResetDropsEverythingAndTheLogGoesOnFromItsIndex() throws IOException {
		JournalLogStorage log = start("g");
		log.appendEntries(entries(1, 5, 1));
		assertThat(log.reset(100)).isTrue();
		assertThat(log.getFirstLogIndex()).isEqualTo(100);
		assertThat(log.getLastLogIndex()).isEqualTo(99);
		assertThat(log.getEntry(3)).isNull();
		// the next entry is 100, nothing else
		assertThat(log.appendEntry(entry(102, 2, "gap"))).isFalse();
		assertThat(log.appendEntry(entry(100, 2, "hundred"))).isTrue();
		restart();
		log = start("g");
		assertThat(log.getFirstLogIndex()).isEqualTo(100);
		assertThat(log.getLastLogIndex()).isEqualTo(100);
		assertEntry(log, 100, 2, "hundred");
		assertThat(log.getEntry(3)).isNull();
	}

	@Test
	void groupsInterleavedInOneJournalEachSeeTheirOwnEntries() throws Exception {
		List<JournalLogStorage> logs = List.of(start("a"), start("b"), start("c"));
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try {
			List<Future<?>> appends = new ArrayList<>();
			for (int g = 0; g < 3; g++) {
				JournalLogStorage log = logs.get(g);
				String name = List.of("a", "b", "c").get(g);
				appends.add(threads.submit(() -> {
					for (long i = 1; i <= 50; i++) {
						assertThat(log.appendEntry(entry(i, 1, name + i))).isTrue();
					}
				}));
			}
			for (Future<?> append : appends) {
				append.get();
			}
		}
		finally {
			threads.shutdown();
		}
		restart();
		for (String name : List.of("a", "b", "c")) {
			JournalLogStorage log = start(name);
			assertThat(log.getLastLogIndex()).isEqualTo(50);
			for (long i = 1; i <= 50; i++) {
				assertEntry(log, i, 1, name + i);
			}
		}
		assertThatThrownBy(() -> start("a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("open");
	}

	@Test
	void aTornLastRecordIsCutWithItsBatchAndNothingAfterItIsReplayed() throws IOException {
		JournalLogStorage log = start("g");
		for (long i = 1; i <= 5; i++) {
			assertThat(log.appendEntry(entry(i, 1, "e" + i))).isTrue();
		}
		restart();
		// each single-entry batch fills one 4 KiB block: damage the payload of the fifth
		// (the header is 64 bytes, what follows the payload is padding no check covers)
		flipByte(segment(1), 4 * 4096 + 66);
		log = start("g");
		assertThat(log.getLastLogIndex()).isEqualTo(4);
		assertThat(log.getEntry(5)).isNull();
		assertThat(log.appendEntry(entry(5, 2, "again"))).isTrue();
		assertThat(log.appendEntry(entry(6, 2, "six"))).isTrue();
		restart();
		log = start("g");
		assertThat(log.getLastLogIndex()).isEqualTo(6);
		assertEntry(log, 5, 2, "again");
		assertEntry(log, 6, 2, "six");
	}

	@Test
	void aSegmentCutShortInTheMiddleOfItsLastRecordLosesThatRecordOnly() throws IOException {
		JournalLogStorage log = start("g");
		for (long i = 1; i <= 3; i++) {
			assertThat(log.appendEntry(entry(i, 1, "e" + i))).isTrue();
		}
		restart();
		try (FileChannel file = FileChannel.open(segment(1), StandardOpenOption.WRITE)) {
			file.truncate(2 * 4096 + 40);
		}
		log = start("g");
		assertThat(log.getLastLogIndex()).isEqualTo(2);
		assertThat(log.appendEntries(entries(3, 4, 2))).isEqualTo(2);
		restart();
		log = start("g");
		assertThat(log.getLastLogIndex()).isEqualTo(4);
		assertEntry(log, 3, 2, "e3");
	}

	@Test
	void aDamagedRecordBeforeTheEndFailsTheOpenInsteadOfLosingWhatFollows() throws IOException {
		JournalLogStorage log = start("g");
		for (long i = 1; i <= 5; i++) {
			log.appendEntry(entry(i, 1, "e" + i));
		}
		restart();
		flipByte(segment(1), 2 * 4096 + 66);
		assertThatThrownBy(this::openJournal).isInstanceOf(JournalCorruptedException.class)
			.hasMessageContaining("batch 4");
	}

	@Test
	void aRecordDamagedWhileOpenFailsItsReadInsteadOfReturningWrongData() throws IOException {
		JournalLogStorage log = start("g");
		log.appendEntry(entry(1, 1, "e1"));
		log.appendEntry(entry(2, 1, "e2"));
		flipByte(segment(1), 66);
		assertThatThrownBy(() -> log.getEntry(1)).isInstanceOf(JournalCorruptedException.class);
		assertEntry(log, 2, 1, "e2");
	}

	@Test
	void aFullJournalFailsAppendsWithoutAHalfStateAndTakesThemAgainOnceSpaceIsFreed() throws IOException {
		this.journal = RaftJournal.open(this.dir, SMALL_SEGMENT, 2, UNTIMED);
		JournalLogStorage log = start("g");
		long acknowledged = 0;
		while (log.appendEntry(entry(acknowledged + 1, 1, big(acknowledged + 1)))) {
			acknowledged++;
		}
		// two segments of four single-entry batches
		assertThat(acknowledged).isEqualTo(8);
		assertThat(log.getLastLogIndex()).isEqualTo(8);
		assertThat(log.getEntry(9)).isNull();
		restart();
		this.journal = RaftJournal.open(this.dir, SMALL_SEGMENT, 2, UNTIMED);
		log = start("g");
		assertThat(log.getLastLogIndex()).isEqualTo(8);
		assertThat(new String(log.getEntry(8).getData().array(), StandardCharsets.UTF_8)).startsWith("8:");
		assertThat(log.appendEntries(List.of(entry(9, 1, big(9)), entry(10, 1, big(10))))).isZero();
		assertThat(log.getLastLogIndex()).isEqualTo(8);
	}

	@Test
	void segmentsAreReusedOnceNoGroupNeedsThemEvenAGroupLeftEmpty() throws IOException {
		this.journal = RaftJournal.open(this.dir, SMALL_SEGMENT, 6, UNTIMED);
		JournalLogStorage a = start("a");
		JournalLogStorage b = start("b");
		JournalLogStorage idle = start("idle");
		idle.appendEntries(entries(1, 3, 1));
		idle.truncatePrefix(4);
		for (long i = 1; i <= 100; i++) {
			assertThat(a.appendEntry(entry(i, 1, big(i)))).isTrue();
			assertThat(b.appendEntry(entry(i, 1, "b" + i))).isTrue();
			if (i % 2 == 0) {
				a.truncatePrefix(i - 1);
				b.truncatePrefix(i - 1);
			}
		}
		try (Stream<Path> files = Files.list(this.dir)) {
			assertThat(files.filter(f -> f.toString().endsWith(".log")).count()).isLessThanOrEqualTo(6);
		}
		restart();
		this.journal = RaftJournal.open(this.dir, SMALL_SEGMENT, 6, UNTIMED);
		a = start("a");
		b = start("b");
		idle = start("idle");
		assertThat(a.getFirstLogIndex()).isEqualTo(99);
		assertThat(a.getLastLogIndex()).isEqualTo(100);
		assertThat(new String(a.getEntry(100).getData().array(), StandardCharsets.UTF_8)).startsWith("100:");
		assertEntry(b, 99, 1, "b99");
		assertThat(idle.getFirstLogIndex()).isEqualTo(4);
		assertThat(idle.getLastLogIndex()).isEqualTo(3);
	}

	@Test
	void aDroppedGroupHoldsNoSegmentAndStartsEmptyIfItComesBack() throws IOException {
		this.journal = RaftJournal.open(this.dir, SMALL_SEGMENT, 4, UNTIMED);
		JournalLogStorage gone = start("gone");
		gone.appendEntries(entries(1, 3, 1));
		assertThatThrownBy(() -> this.journal.dropGroup("gone")).isInstanceOf(IllegalStateException.class);
		gone.shutdown();
		assertThat(this.journal.dropGroup("gone")).isTrue();
		assertThat(this.journal.dropGroup("never-here")).isTrue();
		JournalLogStorage a = start("a");
		for (long i = 1; i <= 40; i++) {
			assertThat(a.appendEntry(entry(i, 1, big(i)))).as("entry %d", i).isTrue();
			a.truncatePrefix(i);
		}
		restart();
		this.journal = RaftJournal.open(this.dir, SMALL_SEGMENT, 4, UNTIMED);
		gone = start("gone");
		assertThat(gone.getFirstLogIndex()).isEqualTo(1);
		assertThat(gone.getLastLogIndex()).isZero();
		assertThat(start("a").getLastLogIndex()).isEqualTo(40);
	}

	// ---- fixture

	private JournalLogStorage start(String groupId) throws IOException {
		return start(groupId, new ConfigurationManager());
	}

	private JournalLogStorage start(String groupId, ConfigurationManager configurations) throws IOException {
		if (this.journal == null) {
			openJournal();
		}
		JournalLogStorage log = new JournalLogStorage(this.journal);
		LogStorageOptions options = new LogStorageOptions();
		options.setGroupId(groupId);
		options.setConfigurationManager(configurations);
		options.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
		if (!log.init(options)) {
			throw new IllegalStateException("the log of " + groupId + " is open already");
		}
		this.open.add(log);
		return log;
	}

	private void openJournal() throws IOException {
		this.journal = RaftJournal.open(this.dir, 1024 * 1024, Integer.MAX_VALUE, UNTIMED);
	}

	private void restart() {
		closeAll();
	}

	private void closeAll() {
		this.open.forEach(JournalLogStorage::shutdown);
		this.open.clear();
		if (this.journal != null) {
			this.journal.close();
			this.journal = null;
		}
	}

	private Path segment(int sequence) {
		return JournalSegment.path(this.dir, sequence);
	}

	private static void flipByte(Path file, long position) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer b = ByteBuffer.allocate(1);
			channel.read(b, position);
			b.put(0, (byte) ~b.get(0));
			b.rewind();
			channel.write(b, position);
		}
	}

	static LogEntry entry(long index, long term, String data) {
		LogEntry entry = new LogEntry(EntryType.ENTRY_TYPE_DATA);
		entry.setId(new LogId(index, term));
		entry.setData(ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)));
		return entry;
	}

	private static List<LogEntry> entries(long from, long to, long term) {
		return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, term, "e" + i)).toList();
	}

	/** An entry's data that takes most of a 4 KiB batch. */
	private static String big(long index) {
		return index + ":" + "x".repeat(3000);
	}

	private static void assertEntry(JournalLogStorage log, long index, long term, String data) {
		LogEntry entry = log.getEntry(index);
		assertThat(entry).as("entry %d", index).isNotNull();
		assertThat(entry.getId()).isEqualTo(new LogId(index, term));
		assertThat(entry.getType()).isEqualTo(EntryType.ENTRY_TYPE_DATA);
		assertThat(StandardCharsets.UTF_8.decode(entry.getData()).toString()).isEqualTo(data);
		assertThat(term(log, index)).isEqualTo(term);
	}

	/** jraft deprecates getTerm for its own callers; a storage still answers it. */
	@SuppressWarnings("deprecation")
	private static long term(JournalLogStorage log, long index) {
		return log.getTerm(index);
	}

}
