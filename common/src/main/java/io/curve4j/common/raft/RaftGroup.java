package io.curve4j.common.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.option.ReadOnlyOption;
import com.alipay.sofa.jraft.storage.snapshot.ThroughputSnapshotThrottle;

import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.raft.journal.JournalServiceFactory;
import io.curve4j.common.raft.journal.RocksDbLogImport;

/**
 * One Raft group on its process's {@link RaftHost}, owning its own life: options,
 * directories, start, proposals, linearizable reads, membership changes and stop. Start
 * fails with an exception, never a flag; {@link #close()} stops the group and takes it off
 * the host.
 */
public final class RaftGroup implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RaftGroup.class);

	/** In a group's log directory when its log is in the host's journal. */
	private static final String JOURNAL_MARK = "JOURNAL";

	private final RaftGroupOptions options;

	private final CommandStateMachine<?> stateMachine;

	private final RaftHost host;

	private final RaftGroupService service;

	private final Node node;

	private final AtomicBoolean closed = new AtomicBoolean();

	RaftGroup(RaftGroupOptions options, RaftHost host, CommandStateMachine<?> stateMachine) {
		this.options = options;
		this.host = host;
		this.stateMachine = stateMachine;
		NodeOptions nodeOptions = nodeOptions(options, host.credential(), new JraftStateMachine(stateMachine, host.metrics()));
		prepareLogStore(options.groupId(), options.dataDir().resolve("log"), host);
		if (host.logStore() == RaftLogStore.JOURNAL) {
			nodeOptions.setServiceFactory(new JournalServiceFactory(host.journal()));
		}
		PeerId serverId = new PeerId(host.endpoint(), 0);
		this.service = new RaftGroupService(options.groupId(), serverId, nodeOptions, host.rpcServer(), true);
		this.node = this.service.start(false);
		if (this.node == null) {
			throw new IllegalStateException("Raft group " + options.groupId() + " did not start on " + host.address());
		}
	}

	private static NodeOptions nodeOptions(RaftGroupOptions options, ClusterCredential credential,
			JraftStateMachine stateMachine) {
		try {
			for (String sub : List.of("log", "meta", "snapshot")) {
				Files.createDirectories(options.dataDir().resolve(sub));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot create " + options.dataDir(), ex);
		}
		NodeOptions no = new RaftNodeOptions(credential);
		no.setFsm(stateMachine);
		no.setLogUri(options.dataDir().resolve("log").toString());
		no.setRaftMetaUri(options.dataDir().resolve("meta").toString());
		no.setSnapshotUri(options.dataDir().resolve("snapshot").toString());
		no.setElectionTimeoutMs((int) options.electionTimeout().toMillis());
		no.setSnapshotIntervalSecs((int) options.snapshotInterval().toSeconds());
		// Many groups per process: share timers instead of a thread set per group.
		no.setSharedElectionTimer(true);
		no.setSharedVoteTimer(true);
		no.setSharedStepDownTimer(true);
		no.setSharedSnapshotTimer(true);
		Configuration conf = new Configuration();
		for (String peer : options.initialPeers()) {
			PeerId id = new PeerId();
			if (!id.parse(peer)) {
				throw new IllegalArgumentException("not a raft address: " + peer);
			}
			conf.addPeer(id);
		}
		no.setInitialConf(conf);
		if (options.snapshotBytesPerSecond() > 0) {
			// Checked ten times a second, so a transfer never bursts a whole second's worth.
			no.setSnapshotThrottle(new ThroughputSnapshotThrottle(options.snapshotBytesPerSecond(), 10));
		}
		RaftOptions ro = new RaftOptions();
		// An entry is acknowledged only once a majority has it on disk.
		ro.setSync(true);
		// Bounds the heap a slow follower can pin: each in-flight append may carry a 1 MiB
		// chunk write, and jraft's default of 256 per follower per group exhausts a 1 GiB heap.
		ro.setMaxReplicatorInflightMsgs(16);
		ro.setDisruptorBufferSize(1024);
		// each entry carries a checksum its followers verify and every read from the log checks
		ro.setEnableLogEntryChecksum(true);
		ro.setReadOnlyOptions(options.leaseReads() ? ReadOnlyOption.ReadOnlyLeaseBased : ReadOnlyOption.ReadOnlySafe);
		no.setRaftOptions(ro);
		return no;
	}

	/**
	 * A group's log is where its host keeps logs: its log directory holds jraft's RocksDB,
	 * or only a file saying that the log is in the host's journal. A RocksDB log found by a
	 * host with a journal is copied into the journal, the file written (and synced), then
	 * the RocksDB deleted; a log in a journal found by a host without one is refused (every
	 * entry after the last snapshot would be lost).
	 */
	private static void prepareLogStore(String groupId, Path logDir, RaftHost host) {
		Path journalMark = logDir.resolve(JOURNAL_MARK);
		boolean inJournal = Files.exists(journalMark);
		try {
			List<Path> rocksDbFiles = filesBut(logDir, journalMark);
			if (host.logStore() == RaftLogStore.ROCKSDB) {
				if (inJournal) {
					throw new IllegalStateException("the Raft log in " + logDir
							+ " is in the journal; this host keeps its logs in " + RaftLogStore.ROCKSDB);
				}
				return;
			}
			if (!inJournal) {
				if (!rocksDbFiles.isEmpty()) {
					RocksDbLogImport.copy(groupId, logDir.toString(), host.journal());
				}
				Files.writeString(journalMark, "this group's Raft log is in its host's journal\n");
				try (FileChannel mark = FileChannel.open(journalMark, StandardOpenOption.WRITE);
						FileChannel dir = FileChannel.open(logDir, StandardOpenOption.READ)) {
					mark.force(true);
					dir.force(true);
				}
			}
			// the copied RocksDB (still there when a crash came after the file was written)
			for (Path file : filesBut(logDir, journalMark)) {
				FileUtils.forceDelete(file.toFile());
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot prepare the Raft log of " + groupId + " in " + logDir, ex);
		}
	}

	private static List<Path> filesBut(Path dir, Path excluded) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(f -> !f.equals(excluded)).toList();
		}
	}

	public String groupId() {
		return this.options.groupId();
	}

	public CommandStateMachine<?> stateMachine() {
		return this.stateMachine;
	}

	public boolean isLeader() {
		return this.node.isLeader();
	}

	/** Raft address of the leader, empty when unknown. */
	public String leader() {
		PeerId leader = this.node.getLeaderId();
		return leader == null || leader.isEmpty() ? "" : leader.getEndpoint().toString();
	}

	/** Raft address of this replica. */
	public String self() {
		return this.node.getNodeId().getPeerId().getEndpoint().toString();
	}

	/** Members of the current configuration (the leader's view when this is the leader). */
	public List<String> peers() {
		if (this.node.isLeader()) {
			return this.node.listPeers().stream().map(p -> p.getEndpoint().toString()).toList();
		}
		List<String> committed = this.stateMachine.committedPeers();
		return committed.isEmpty() ? this.options.initialPeers() : committed;
	}

	/**
	 * Proposes an entry; completes with the state machine's result once a majority has it
	 * and it is applied here. Fails with {@link NotLeaderException} on a follower.
	 */
	public CompletableFuture<Object> propose(byte[] data) {
		return propose(ByteBuffer.wrap(data));
	}

	/** As {@link #propose(byte[])}, without copying a payload that is already a buffer. */
	public CompletableFuture<Object> propose(ByteBuffer data) {
		JraftStateMachine.ProposeClosure closure = new JraftStateMachine.ProposeClosure(this, this.host.metrics());
		if (!this.node.isLeader()) {
			closure.future.completeExceptionally(notLeader());
			return closure.future;
		}
		Task task = new Task(data, closure);
		task.setExpectedTerm(this.stateMachine.leaderTerm());
		this.node.apply(task);
		return closure.future;
	}

	/**
	 * Runs read after this replica has applied everything committed before the call, on
	 * the host's read threads (never on the Raft thread that confirms the index, which
	 * every group of the process shares).
	 */
	public <T> CompletableFuture<T> readLinearizable(Callable<T> read) {
		CompletableFuture<T> future = new CompletableFuture<>();
		this.node.readIndex(null, new ReadIndexClosure() {
			@Override
			public void run(Status status, long index, byte[] reqCtx) {
				if (!status.isOk()) {
					future.completeExceptionally(failure(status));
					return;
				}
				try {
					RaftGroup.this.host.readExecutor().execute(() -> {
						try {
							future.complete(read.call());
						}
						catch (Throwable t) {
							future.completeExceptionally(t);
						}
					});
				}
				catch (RejectedExecutionException stopping) {
					future.completeExceptionally(failure(new Status(RaftError.ESTOP, "the Raft host is stopping")));
				}
			}
		});
		return future;
	}

	public CompletableFuture<Void> addPeer(String peer) {
		CompletableFuture<Void> f = new CompletableFuture<>();
		this.node.addPeer(parsePeer(peer), status -> complete(f, status));
		return f;
	}

	public CompletableFuture<Void> removePeer(String peer) {
		CompletableFuture<Void> f = new CompletableFuture<>();
		this.node.removePeer(parsePeer(peer), status -> complete(f, status));
		return f;
	}

	public void transferLeadership(String peer) {
		Status status = this.node.transferLeadershipTo(parsePeer(peer));
		if (!status.isOk()) {
			throw failure(status);
		}
	}

	/** Takes a snapshot now (used by tests and before planned restarts). */
	public CompletableFuture<Void> snapshot() {
		CompletableFuture<Void> f = new CompletableFuture<>();
		this.node.snapshot(status -> complete(f, status));
		return f;
	}

	/** Entries this replica knows committed but has not applied yet. */
	long applyLag() {
		return Math.max(0, this.node.getLastCommittedIndex() - this.node.getLastAppliedLogIndex());
	}

	public long term() {
		return Math.max(this.stateMachine.leaderTerm(), 0);
	}

	/** Stops the group and takes it off its host; a second call does nothing. */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			this.service.shutdown();
			this.service.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.host.forget(this);
		}
		log.info("Raft group {} stopped", this.options.groupId());
	}

	private void complete(CompletableFuture<Void> f, Status status) {
		if (status.isOk()) {
			f.complete(null);
		}
		else {
			f.completeExceptionally(failure(status));
		}
	}

	NotLeaderException notLeader() {
		return new NotLeaderException("not the leader of " + this.options.groupId(), leader());
	}

	CurveException failure(Status status) {
		RaftError error = status.getRaftError();
		if (error == RaftError.EPERM || error == RaftError.ELEADERREMOVED
				|| error == RaftError.ESTOP || error == RaftError.ELEADERCONFLICT) {
			return notLeader();
		}
		if (error == RaftError.EBUSY || error == RaftError.EAGAIN || error == RaftError.ETIMEDOUT
				|| error == RaftError.ECATCHUP || error == RaftError.ENEWLEADER || error == RaftError.EHOSTDOWN) {
			return new CurveException(ErrorCode.UNAVAILABLE, this.options.groupId() + ": " + status.getErrorMsg());
		}
		if (error == RaftError.EINVAL) {
			return new CurveException(ErrorCode.INVALID_ARGUMENT, this.options.groupId() + ": " + status.getErrorMsg());
		}
		return new CurveException(ErrorCode.UNAVAILABLE, this.options.groupId() + ": " + status);
	}

	private static PeerId parsePeer(String peer) {
		PeerId id = new PeerId();
		if (peer == null || !id.parse(peer)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "not a raft address (host:port): " + peer);
		}
		return id;
	}

}
