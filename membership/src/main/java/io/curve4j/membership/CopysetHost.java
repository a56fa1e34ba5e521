package io.curve4j.membership;

import java.util.Collection;
import java.util.List;

import io.curve4j.proto.common.v1.CopysetKey;

/** The copysets of one server, as the heartbeat creates, lists and removes them. */
public interface CopysetHost {

	Collection<? extends HostedCopyset> hosted();

	/** The running replica, or COPYSET_NOT_FOUND. */
	HostedCopyset hosted(CopysetKey key);

	/** Creates and starts a replica with its initial members (Raft addresses), or does nothing if it runs. */
	void create(CopysetKey key, List<String> initialPeers);

	/** Stops a replica this server is no longer a member of and deletes its data. */
	void remove(CopysetKey key);

}
