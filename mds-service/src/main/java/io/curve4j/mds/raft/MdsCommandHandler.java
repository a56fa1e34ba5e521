package io.curve4j.mds.raft;

import java.util.Set;

import io.curve4j.proto.mds.v1.MdsCommand;

/**
 * Applies the commands of one capability. Runs on the Raft apply thread of every
 * member, so it must be deterministic: it reads only the database (through the
 * transaction) and the command. Throwing a
 * {@link io.curve4j.common.error.CurveException} rejects the command on every member
 * and changes nothing.
 */
public interface MdsCommandHandler {

	Set<MdsCommand.CommandCase> commands();

	/** @return the result handed back to the proposer */
	Object apply(MdsCommand command, MdsTx tx);

}
