package io.curve4j.membership;

import java.util.List;

import io.curve4j.common.error.NotLeaderException;
import io.curve4j.common.raft.RaftGroup;
import io.curve4j.proto.common.v1.CopysetKey;

/** A copyset replica this server runs, as its heartbeat reports it and the scheduler's steps use it. */
public interface HostedCopyset {

	CopysetKey key();

	RaftGroup group();

	boolean isLeader();

	/** Raft address of the leader this replica knows; empty when none. */
	String leader();

	/** Members of the last configuration this replica saw committed. */
	List<String> committedPeers();

	long term();

	long appliedIndex();

	/** Membership changes this replica counted (see {@link MembershipEpoch}). */
	long epoch();

	NotLeaderException notLeader();

}
