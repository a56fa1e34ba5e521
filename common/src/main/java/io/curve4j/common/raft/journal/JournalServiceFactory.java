package io.curve4j.common.raft.journal;

import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;

/**
 * jraft's services with the Raft log in a shared {@link RaftJournal} instead of a RocksDB
 * per group (the log uri is not used); the meta and snapshot storages are jraft's own.
 */
public final class JournalServiceFactory extends DefaultJRaftServiceFactory {

	private final RaftJournal journal;

	public JournalServiceFactory(RaftJournal journal) {
		this.journal = journal;
	}

	@Override
	public LogStorage createLogStorage(String uri, RaftOptions raftOptions) {
		return new JournalLogStorage(this.journal);
	}

}
