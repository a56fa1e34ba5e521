package io.curve4j.chunk.copyset;

import io.curve4j.membership.CopysetDirectories;
import io.curve4j.proto.common.v1.CopysetKey;

/**
 * Identifies a copyset in the cluster: its logical pool and its number in that pool.
 *
 * @param logicalPoolId the logical pool the copyset belongs to
 * @param copysetId the copyset's number inside the pool
 */
public record CopysetId(int logicalPoolId, int copysetId) {

	public static CopysetId of(CopysetKey key) {
		return new CopysetId(key.getLogicalPoolId(), key.getCopysetId());
	}

	public CopysetKey toProto() {
		return CopysetKey.newBuilder().setLogicalPoolId(this.logicalPoolId).setCopysetId(this.copysetId).build();
	}

	/** Raft group id, unique per process. */
	public String groupId() {
		return "copyset-" + Integer.toUnsignedString(this.logicalPoolId) + "-" + Integer.toUnsignedString(this.copysetId);
	}

	/** Name of the copyset's directory under the chunkserver's data directory. */
	String dirName() {
		return CopysetDirectories.name(toProto());
	}

	@Override
	public String toString() {
		return "(" + Integer.toUnsignedString(this.logicalPoolId) + ", " + Integer.toUnsignedString(this.copysetId) + ")";
	}

}
