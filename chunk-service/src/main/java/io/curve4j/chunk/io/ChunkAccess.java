package io.curve4j.chunk.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.curve4j.chunk.config.DataKey;
import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.proto.common.v1.ChunkCapability;

/**
 * Who may touch a chunk: every chunk call carries the capability the MDS issued with the
 * segment's mapping, checked here with the cluster's data key, without a call to the
 * MDS. Without a data key the data path is open, as a warning at start says.
 */
@Component
class ChunkAccess {

	private static final Logger log = LoggerFactory.getLogger(ChunkAccess.class);

	/** Null: no data key configured. */
	private final ChunkCapabilities capabilities;

	ChunkAccess(DataKey dataKey) {
		this.capabilities = dataKey.capabilities();
		if (this.capabilities == null) {
			log.warn("no data key (curve.chunkserver.data-key.file): anyone who reaches this chunkserver "
					+ "may read and write every chunk");
		}
	}

	/** @throws io.curve4j.common.error.CurveException when the capability does not allow it */
	void check(ChunkCapability capability, long chunkId, int right) {
		if (this.capabilities != null) {
			this.capabilities.check(capability, chunkId, right, System.currentTimeMillis());
		}
	}

}
