package io.curve4j.common.raft.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.conf.ConfigurationEntry;
import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.codec.LogEntryDecoder;
import com.alipay.sofa.jraft.entity.codec.LogEntryEncoder;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.storage.LogStorage;

import io.curve4j.common.raft.journal.GroupLog.Location;
import io.curve4j.common.raft.journal.JournalRecord.Kind;

/**
 * One group's Raft log in the process's {@link RaftJournal}, as jraft's log manager uses
 * it: appends and truncations from the group's disk thread, each returning once durable,
 * reads from any thread. An empty log reports first index 1 and last index 0; after a
 * reset or a prefix truncation past its end, first N and last N-1.
 */
public final class JournalLogStorage implements LogStorage {

	private static final Logger log = LoggerFactory.getLogger(JournalLogStorage.class);

	private final RaftJournal journal;

	private GroupLog group;

	private final AtomicBoolean closed = new AtomicBoolean();

	private LogEntryEncoder encoder;

	private LogEntryDecoder decoder;

	public JournalLogStorage(RaftJournal journal) {
		this.journal = journal;
	}

	@Override
	public boolean init(LogStorageOptions options) {
		this.encoder = options.getLogEntryCodecFactory().encoder();
		this.decoder = options.getLogEntryCodecFactory().decoder();
		try {
			this.group = this.journal.openGroup(options.getGroupId());
		}
		catch (IllegalStateException ex) {
			log.error("cannot open the Raft log of {}", options.getGroupId(), ex);
			return false;
		}
		ConfigurationManager configurations = options.getConfigurationManager();
		if (configurations != null) {
			// what the log says the members were, as jraft's own storages reload it
			for (Location location : this.group.entriesOfType(EntryType.ENTRY_TYPE_CONFIGURATION_VALUE)) {
				LogEntry entry = getEntry(location.index());
				if (entry == null) {
					log.error("cannot read configuration entry {} of {}", location.index(), options.getGroupId());
					return false;
				}
				ConfigurationEntry configuration = new ConfigurationEntry();
				configuration.setId(new LogId(entry.getId().getIndex(), entry.getId().getTerm()));
				configuration.setConf(new Configuration(entry.getPeers(), entry.getLearners()));
				if (entry.getOldPeers() != null) {
					configuration.setOldConf(new Configuration(entry.getOldPeers(), entry.getOldLearners()));
				}
				configurations.add(configuration);
			}
		}
		return true;
	}

	/**
	 * Lets the group's log be opened again (a node restarting in this process); jraft uses
	 * a storage no more once it is shut down.
	 */
	@Override
	public void shutdown() {
		if (this.group != null && this.closed.compareAndSet(false, true)) {
			this.group.close();
		}
	}

	@Override
	public long getFirstLogIndex() {
		return this.group.first();
	}

	@Override
	public long getLastLogIndex() {
		return this.group.last();
	}

	/**
	 * The entry, or null when it is not in the log. It carries no jraft checksum: the
	 * journal checked its record's CRC32C, which covers the whole encoded entry, and jraft
	 * would otherwise verify its CRC64 again on every read, byte by byte (its log manager
	 * reads a whole entry to learn a term: a 1 MiB entry cost more CPU in that check than in
	 * anything else a replica did with it). A follower catching up from the log gets such
	 * entries without a checksum; TCP's and the journal's checks remain.
	 * @throws JournalCorruptedException when its record is damaged
	 */
	@Override
	public LogEntry getEntry(long index) {
		Location location = this.group.location(index);
		if (location == null) {
			return null;
		}
		byte[] payload = this.journal.read(this.group, location);
		if (payload == null) {
			return null;
		}
		LogEntry entry = this.decoder.decode(payload);
		if (entry == null) {
			throw new JournalCorruptedException("entry " + index + " of group key " + Long.toHexString(this.group.key())
					+ " passes the journal's checks and fails jraft's decoder");
		}
		return entry.hasChecksum() ? withoutChecksum(entry) : entry;
	}

	/** The same entry, sharing its data, without the checksum (jraft's LogEntry cannot drop one). */
	private static LogEntry withoutChecksum(LogEntry entry) {
		LogEntry copy = new LogEntry(entry.getType());
		copy.setId(entry.getId());
		copy.setData(entry.getData());
		copy.setPeers(entry.getPeers());
		copy.setOldPeers(entry.getOldPeers());
		copy.setLearners(entry.getLearners());
		copy.setOldLearners(entry.getOldLearners());
		return copy;
	}

	/** The entry's term, 0 when it is not in the log. */
	@Override
	@Deprecated
	public long getTerm(long index) {
		Location location = this.group.location(index);
		return location == null ? 0 : location.term();
	}

	@Override
	public boolean appendEntry(LogEntry entry) {
		return appendEntries(List.of(entry)) == 1;
	}

	/**
	 * Appends entries that follow the log (the first may replace the entries from its
	 * index on) and returns once they are durable.
	 * @return how many are: all, or fewer when the journal is full or failed (the first
	 * ones, never others)
	 */
	@Override
	public int appendEntries(List<LogEntry> entries) {
		if (entries == null || entries.isEmpty()) {
			return 0;
		}
		long next = entries.get(0).getId().getIndex();
		if (!this.group.canAppendAt(next)) {
			log.error("entry {} does not follow the Raft log of group key {} (last {})", next,
					Long.toHexString(this.group.key()), this.group.last());
			return 0;
		}
		List<JournalRecord> records = new ArrayList<>(entries.size());
		for (LogEntry entry : entries) {
			if (entry.getId().getIndex() != next++) {
				log.error("entries to append skip index {}", next - 1);
				break;
			}
			records.add(JournalRecord.entry(entry.getId().getIndex(), entry.getId().getTerm(),
					entry.getType().getNumber(), this.encoder.encode(entry)));
		}
		return this.journal.write(this.group, records);
	}

	@Override
	public boolean truncatePrefix(long firstIndexKept) {
		return mark(Kind.TRUNCATE_PREFIX, firstIndexKept);
	}

	@Override
	public boolean truncateSuffix(long lastIndexKept) {
		return mark(Kind.TRUNCATE_SUFFIX, lastIndexKept);
	}

	@Override
	public boolean reset(long nextLogIndex) {
		if (nextLogIndex <= 0) {
			throw new IllegalArgumentException("the next log index is 1 or more: " + nextLogIndex);
		}
		return mark(Kind.RESET, nextLogIndex);
	}

	private boolean mark(Kind kind, long index) {
		return this.journal.write(this.group, List.of(JournalRecord.marker(kind, index))) == 1;
	}

}
