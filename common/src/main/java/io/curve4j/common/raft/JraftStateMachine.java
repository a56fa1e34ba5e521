package io.curve4j.common.raft;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;

import io.curve4j.common.error.CurveException;

/**
 * Runs a {@link CommandStateMachine} as jraft's state machine: completes each proposer's
 * future with its entry's result, halts the group when an entry cannot be applied, and
 * turns jraft's snapshot reader and writer into the directory and file list a
 * {@link SnapshotStore} works with.
 */
final class JraftStateMachine extends StateMachineAdapter {

	private static final Logger log = LoggerFactory.getLogger(JraftStateMachine.class);

	private final CommandStateMachine<?> machine;

	JraftStateMachine(CommandStateMachine<?> machine) {
		this.machine = machine;
	}

	@Override
	public void onApply(Iterator iter) {
		while (iter.hasNext()) {
			Closure done = iter.done();
			long index = iter.getIndex();
			Object result;
			try {
				result = this.machine.applyEntry(index, iter.getData());
			}
			catch (CurveException rejected) {
				if (done instanceof ProposeClosure pc) {
					pc.future.completeExceptionally(rejected);
				}
				iter.next();
				continue;
			}
			catch (Throwable fatal) {
				log.error("{}: cannot apply entry {}, halting the group", this.machine.name(), index, fatal);
				iter.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "apply failed: %s", fatal));
				return;
			}
			if (done instanceof ProposeClosure pc) {
				pc.future.complete(result);
			}
			iter.next();
		}
	}

	@Override
	public void onLeaderStart(long term) {
		log.info("{}: became leader in term {}", this.machine.name(), term);
		this.machine.startLeading(term);
	}

	@Override
	public void onLeaderStop(Status status) {
		log.info("{}: stepped down: {}", this.machine.name(), status);
		this.machine.stopLeading();
	}

	@Override
	public void onStartFollowing(LeaderChangeContext ctx) {
		this.machine.startFollowing(ctx.getTerm());
	}

	@Override
	public void onConfigurationCommitted(Configuration conf) {
		this.machine.commitMembers(endpoints(conf));
	}

	/** Members as endpoints ("host:port"), the form every member list here uses. */
	static List<String> endpoints(Configuration conf) {
		return conf.getPeers().stream().map(p -> p.getEndpoint().toString()).toList();
	}

	@Override
	public void onError(RaftException e) {
		log.error("{}: Raft group failed: {}", this.machine.name(), e.getStatus(), e);
	}

	@Override
	public void onSnapshotSave(SnapshotWriter writer, Closure done) {
		try {
			for (String name : this.machine.snapshots().save(Path.of(writer.getPath()))) {
				if (!writer.addFile(name)) {
					throw new IllegalStateException("snapshot writer refused " + name);
				}
			}
			done.run(Status.OK());
		}
		catch (Exception ex) {
			log.error("{}: snapshot failed", this.machine.name(), ex);
			done.run(new Status(RaftError.EIO, "%s: snapshot failed: %s", this.machine.name(), ex));
		}
	}

	@Override
	public boolean onSnapshotLoad(SnapshotReader reader) {
		SnapshotMeta meta = reader.load();
		if (meta == null) {
			log.error("{}: snapshot at {} has no meta", this.machine.name(), reader.getPath());
			return false;
		}
		try {
			long index = this.machine.snapshots()
				.load(Path.of(reader.getPath()), List.copyOf(reader.listFiles()), meta.getLastIncludedIndex());
			this.machine.loaded(index, meta.getLastIncludedIndex());
			log.info("{}: loaded snapshot at index {}", this.machine.name(), meta.getLastIncludedIndex());
			return true;
		}
		catch (Exception ex) {
			log.error("{}: cannot load snapshot from {}", this.machine.name(), reader.getPath(), ex);
			return false;
		}
	}

	/** Closure of a proposal made through {@link RaftGroup#propose}. */
	static final class ProposeClosure implements Closure {

		final CompletableFuture<Object> future = new CompletableFuture<>();

		private final RaftGroup group;

		ProposeClosure(RaftGroup group) {
			this.group = group;
		}

		@Override
		public void run(Status status) {
			// Reached only when the entry did not commit here (onApply completes it otherwise).
			if (!status.isOk() && !this.future.isDone()) {
				this.future.completeExceptionally(this.group.failure(status));
			}
		}

	}

}
