package io.curve4j.chunk.config;

import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.common.auth.ClusterCredential;

/**
 * The cluster's data key as this chunkserver holds it, read once at start: what checks
 * chunk capabilities, and what signs and checks the calls between the cluster's own
 * services. Both null when no key is configured (an open data path).
 */
public record DataKey(ChunkCapabilities capabilities, ClusterCredential credential) {

	static DataKey of(String secret) {
		return secret == null ? new DataKey(null, null)
				: new DataKey(ChunkCapabilities.fromSecret(secret), ClusterCredential.fromSecret(secret));
	}

	public boolean configured() {
		return this.credential != null;
	}

}
