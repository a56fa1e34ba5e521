package io.curve4j.mds.raft;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.common.raft.RaftGroupOptions;
import io.curve4j.common.raft.RaftHost;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.proto.mds.v1.MdsCommand;

/**
 * The lifecycle of the one MDS Raft group: the group over {@link MdsStateMachine} on the
 * process's {@link RaftHost}, and blocking helpers for the request threads. Starts before
 * the HTTP and gRPC servers and stops after them.
 *
 * <p>
 * Leader hints in the {@link NotLeaderException}s thrown here are Raft addresses; the
 * REST and gRPC edges translate them with {@link MdsMembers}.
 */
@Component
public class MdsRaft implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(MdsRaft.class);

	private final MdsProperties properties;

	private final MdsMembers members;

	private final MdsStateMachine stateMachine;

	private final RaftHost host;

	private volatile RaftGroup group;

	public MdsRaft(MdsProperties properties, MdsMembers members, RaftHost host, MdsStore store,
			List<MdsCommandHandler> handlers) {
		this.properties = properties;
		this.members = members;
		this.host = host;
		this.stateMachine = new MdsStateMachine(store, handlers);
	}

	@Override
	public void start() {
		RaftGroupOptions options = new RaftGroupOptions(MdsStateMachine.NAME,
				this.properties.getDataDir().resolve("raft").resolve(MdsStateMachine.NAME), this.members.raftPeers(),
				this.properties.getElectionTimeout(), this.properties.getSnapshotInterval(), false);
		this.group = this.host.startGroup(options, this.stateMachine);
		log.info("MDS Raft group started on {} with peers {}", this.host.address(), this.members.raftPeers());
	}

	@Override
	public void stop() {
		RaftGroup g = this.group;
		this.group = null;
		if (g != null) {
			g.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.group != null;
	}

	/** Before the web and gRPC servers start (their phases are just below the default). */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	public boolean isLeader() {
		RaftGroup g = this.group;
		return g != null && g.isLeader();
	}

	/** Raft address of the leader; empty when unknown. */
	public String leader() {
		RaftGroup g = this.group;
		return g == null ? "" : g.leader();
	}

	/** {@link System#nanoTime()} when this member last became leader. */
	public long leaderSinceNanos() {
		return this.stateMachine.leaderSinceNanos();
	}

	public long appliedIndex() {
		return this.stateMachine.appliedIndex();
	}

	public long term() {
		RaftGroup g = this.group;
		return g == null ? 0 : g.term();
	}

	/** Fails with {@link NotLeaderException} unless this member leads. */
	public void requireLeader() {
		if (!isLeader()) {
			throw new NotLeaderException("this MDS is not the leader", leader());
		}
	}

	/** Proposes a command and waits for its result on this member. */
	public Object propose(MdsCommand command) {
		return await(running().propose(command.toByteArray()));
	}

	/**
	 * Runs a read on the leader once it has applied everything committed before the call
	 * (jraft would serve read-index reads on followers too; only the leader serves here).
	 */
	public <T> T read(Supplier<T> read) {
		RaftGroup g = running();
		requireLeader();
		return await(g.readLinearizable(read::get));
	}

	/** Takes a Raft snapshot now. */
	public void snapshot() {
		await(running().snapshot());
	}

	private RaftGroup running() {
		RaftGroup g = this.group;
		if (g == null) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "the MDS Raft group is not running");
		}
		return g;
	}

	private <T> T await(CompletableFuture<T> future) {
		try {
			return future.get(this.properties.getRequestTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException re) {
				throw re;
			}
			throw new CurveException(ErrorCode.INTERNAL, String.valueOf(ex.getCause()), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new CurveException(ErrorCode.TIMEOUT,
					"the MDS Raft group did not answer within " + this.properties.getRequestTimeout());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted");
		}
	}

}
