package io.curve4j.common.raft;

import com.alipay.sofa.jraft.option.NodeOptions;

import io.curve4j.common.auth.ClusterCredential;

/**
 * A node's options with the credential its RPC client signs every call with: jraft hands
 * a node's own options to the client it creates for it ({@link RaftPeerClient#init}), and
 * offers no other way to reach a node's client.
 */
final class RaftNodeOptions extends NodeOptions {

	private final ClusterCredential credential;

	/** @param credential null for a host without a cluster key (unsigned calls) */
	RaftNodeOptions(ClusterCredential credential) {
		this.credential = credential;
	}

	ClusterCredential credential() {
		return this.credential;
	}

}
