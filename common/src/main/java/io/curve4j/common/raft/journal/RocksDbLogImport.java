package io.curve4j.common.raft.journal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;

/**
 * Copies a group's Raft log from jraft's RocksDB into the journal, so that a process that
 * kept its groups' logs in RocksDB can start on the journal without losing an entry. The
 * copy starts with a reset to the RocksDB log's first index, so a copy cut short by a
 * crash is simply made again.
 */
public final class RocksDbLogImport {

	private static final Logger log = LoggerFactory.getLogger(RocksDbLogImport.class);

	/** Entries are appended in calls of about this many bytes. */
	private static final int BATCH_BYTES = 4 * 1024 * 1024;

	private RocksDbLogImport() {
	}

	/** Copies the log of groupId in the RocksDB at logDir into journal; returns once it is durable there. */
	public static void copy(String groupId, String logDir, RaftJournal journal) throws IOException {
		RaftOptions raftOptions = new RaftOptions();
		raftOptions.setSync(true);
		LogStorage source = new RocksDBLogStorage(logDir, raftOptions);
		if (!source.init(options(groupId))) {
			throw new IOException("cannot open the RocksDB Raft log in " + logDir);
		}
		JournalLogStorage target = new JournalLogStorage(journal);
		try {
			if (!target.init(options(groupId))) {
				throw new IOException("cannot open the journal's log of " + groupId);
			}
			long first = source.getFirstLogIndex();
			long last = source.getLastLogIndex();
			if (!target.reset(first)) {
				throw new IOException("cannot reset the journal's log of " + groupId);
			}
			List<LogEntry> batch = new ArrayList<>();
			long bytes = 0;
			for (long index = first; index <= last; index++) {
				LogEntry entry = source.getEntry(index);
				if (entry == null) {
					throw new IOException("entry " + index + " of the RocksDB Raft log in " + logDir + " is missing");
				}
				batch.add(entry);
				bytes += entry.getData() == null ? 0 : entry.getData().remaining();
				if (bytes >= BATCH_BYTES || index == last) {
					if (target.appendEntries(batch) != batch.size()) {
						throw new IOException("the journal took only part of the log of " + groupId);
					}
					batch.clear();
					bytes = 0;
				}
			}
			log.info("copied the Raft log of {} (entries {} to {}) from {} into the journal", groupId, first, last,
					logDir);
		}
		finally {
			target.shutdown();
			source.shutdown();
		}
	}

	private static LogStorageOptions options(String groupId) {
		LogStorageOptions options = new LogStorageOptions();
		options.setGroupId(groupId);
		options.setConfigurationManager(new ConfigurationManager());
		options.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
		return options;
	}

}
