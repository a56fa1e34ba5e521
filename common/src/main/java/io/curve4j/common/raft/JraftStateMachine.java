package io.curve4j.common.raft;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.Message;

import io.curve4j.common.error.CurveException;

/**
 * Runs a {@link CommandStateMachine} as jraft's state machine: completes each proposer's
 * future with its entry's result, halts the group when an entry cannot be applied, and
 * turns jraft's snapshot reader and writer into the directory and file list a
 * {@link SnapshotStore} works with, checksumming each file that will not change and
 * verifying it before a load.
 */
final class JraftStateMachine extends StateMachineAdapter {

	private static final Logger log = LoggerFactory.getLogger(JraftStateMachine.class);

	private final CommandStateMachine<?> machine;

	private final RaftMetrics metrics;

	JraftStateMachine(CommandStateMachine<?> machine, RaftMetrics metrics) {
		this.machine = machine;
		this.metrics = metrics;
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
					pc.answered(null, rejected);
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
				pc.answered(result, null);
			}
			iter.next();
		}
	}

	@Override
	public void onLeaderStart(long term) {
		log.info("{}: became leader in term {}", this.machine.name(), term);
		this.metrics.leaderStarted();
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
			SnapshotStore store = this.machine.snapshots();
			Path dir = Path.of(writer.getPath());
			for (String name : store.save(dir)) {
				boolean added = store.mayChangeAfterSave(name) ? writer.addFile(name)
						: writer.addFile(name, LocalFileMeta.newBuilder().setChecksum(checksum(dir.resolve(name))).build());
				if (!added) {
					throw new IllegalStateException("snapshot writer refused " + name);
				}
			}
			this.metrics.snapshotSaved();
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
			Path dir = Path.of(reader.getPath());
			List<String> files = List.copyOf(reader.listFiles());
			for (String name : files) {
				verify(dir.resolve(name), reader.getFileMeta(name));
			}
			long index = this.machine.snapshots().load(dir, files, meta.getLastIncludedIndex());
			this.machine.loaded(index, meta.getLastIncludedIndex());
			log.info("{}: loaded snapshot at index {}", this.machine.name(), meta.getLastIncludedIndex());
			this.metrics.snapshotLoaded();
			return true;
		}
		catch (Exception ex) {
			log.error("{}: cannot load snapshot from {}", this.machine.name(), reader.getPath(), ex);
			return false;
		}
	}

	/** Compares a snapshot file with the checksum it was saved with, if it was saved with one. */
	private static void verify(Path file, Message savedMeta) throws IOException {
		if (savedMeta instanceof LocalFileMeta meta && meta.hasChecksum()) {
			String found = checksum(file);
			if (!found.equals(meta.getChecksum())) {
				throw new IOException("snapshot file " + file + " is corrupt: its CRC32C is " + found + ", it was saved as "
						+ meta.getChecksum());
			}
		}
	}

	private static String checksum(Path file) throws IOException {
		CRC32C crc = new CRC32C();
		byte[] buffer = new byte[64 * 1024];
		try (InputStream in = Files.newInputStream(file)) {
			for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
				crc.update(buffer, 0, n);
			}
		}
		return Long.toHexString(crc.getValue());
	}

	/** Closure of a proposal made through {@link RaftGroup#propose}. */
	static final class ProposeClosure implements Closure {

		final CompletableFuture<Object> future = new CompletableFuture<>();

		private final RaftGroup group;

		private final RaftMetrics metrics;

		private final long started = System.nanoTime();

		ProposeClosure(RaftGroup group, RaftMetrics metrics) {
			this.group = group;
			this.metrics = metrics;
		}

		/** The entry committed and the state machine answered: its result, or its refusal. */
		void answered(Object result, CurveException refusal) {
			this.metrics.proposalDone(this.started, true);
			if (refusal != null) {
				this.future.completeExceptionally(refusal);
			}
			else {
				this.future.complete(result);
			}
		}

		@Override
		public void run(Status status) {
			// Reached only when the entry did not commit here (onApply completes it otherwise).
			if (!status.isOk() && !this.future.isDone()) {
				this.metrics.proposalDone(this.started, false);
				this.future.completeExceptionally(this.group.failure(status));
			}
		}

	}

}
