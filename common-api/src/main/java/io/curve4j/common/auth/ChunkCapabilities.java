package io.curve4j.common.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;


import com.google.protobuf.ByteString;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CloneSource;

/**
 * Issues and checks {@link ChunkCapability capabilities}: the MDS signs one per segment it
 * maps for a caller who may use the volume, chunkservers check it on every chunk call
 * with the same cluster data key. The MAC is HMAC-SHA256 over the fields in a fixed
 * big-endian layout (file id, first chunk id, chunk count, rights, expiry), so it does
 * not depend on how protobuf encodes them.
 */
public final class ChunkCapabilities {

	public static final int READ = 1;

	public static final int WRITE = 2;

	public static final int DELETE = 4;

	private final byte[] key;

	/** @param key the cluster's data key, at least 16 bytes */
	public ChunkCapabilities(byte[] key) {
		if (key.length < 16) {
			throw new IllegalArgumentException("the data key has " + key.length + " bytes; at least 16 are needed");
		}
		this.key = key.clone();
	}

	/** Capabilities under the key derived from a configured secret (SHA-256 of it: any length works). */
	public static ChunkCapabilities fromSecret(String secret) {
		if (secret.length() < 16) {
			throw new IllegalArgumentException("the data key secret has " + secret.length()
					+ " characters; use at least 16 random ones");
		}
		return new ChunkCapabilities(RequestSignature.sha256(secret.getBytes(StandardCharsets.UTF_8)));
	}

	public ChunkCapability issue(long fileId, long firstChunkId, int chunkCount, int rights, long expiresMs) {
		ChunkCapability.Builder capability = ChunkCapability.newBuilder()
			.setFileId(fileId)
			.setFirstChunkId(firstChunkId)
			.setChunkCount(chunkCount)
			.setRights(rights)
			.setExpiresMs(expiresMs);
		return capability.setMac(ByteString.copyFrom(mac(capability.build()))).build();
	}

	/**
	 * Whether the capability is genuine, covers the chunk and grants the right now.
	 * @throws CurveException UNAUTHENTICATED without one or with a forged one,
	 * CAPABILITY_DENIED for another chunk or right, CAPABILITY_EXPIRED once expired
	 */
	public void check(ChunkCapability capability, long chunkId, int right, long nowMs) {
		if (capability.getMac().isEmpty()) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED,
					"a chunk call carries the capability the MDS issued with the segment's mapping");
		}
		if (!MessageDigest.isEqual(mac(capability), capability.getMac().toByteArray())) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "the chunk capability is not one the MDS issued");
		}
		long first = capability.getFirstChunkId();
		if (chunkId < first || chunkId - first >= Integer.toUnsignedLong(capability.getChunkCount())) {
			throw new CurveException(ErrorCode.CAPABILITY_DENIED, "the capability covers chunks " + first + " to "
					+ (first + Integer.toUnsignedLong(capability.getChunkCount()) - 1) + " of volume "
					+ capability.getFileId() + ", not chunk " + chunkId);
		}
		if ((capability.getRights() & right) != right) {
			throw new CurveException(ErrorCode.CAPABILITY_DENIED,
					"the capability does not grant " + (right == READ ? "reads" : right == WRITE ? "writes" : "deletes"));
		}
		if (capability.getExpiresMs() < nowMs) {
			throw new CurveException(ErrorCode.CAPABILITY_EXPIRED,
					"the chunk capability expired; map the segment again for a fresh one");
		}
	}

	/**
	 * A capability for a segment of a lazy clone: as {@link #issue(long, long, int, int, long)},
	 * with where its chunks read what the clone never wrote.
	 */
	public ChunkCapability issue(long fileId, long firstChunkId, int chunkCount, int rights, long expiresMs,
			CloneSource cloneSource) {
		ChunkCapability.Builder capability = issue(fileId, firstChunkId, chunkCount, rights, expiresMs).toBuilder()
			.setCloneSource(cloneSource);
		return capability.setMac(ByteString.copyFrom(mac(capability.build()))).build();
	}

	/** The fields in a fixed layout; a clone source (when set) follows: volume id, first chunk index, snapshot id. */
	private byte[] mac(ChunkCapability c) {
		byte[] snapshotId = c.getCloneSource().getSnapshotId().getBytes(StandardCharsets.UTF_8);
		ByteBuffer fields = ByteBuffer.allocate(32 + (c.hasCloneSource() ? 16 + snapshotId.length : 0))
			.putLong(c.getFileId())
			.putLong(c.getFirstChunkId())
			.putInt(c.getChunkCount())
			.putInt(c.getRights())
			.putLong(c.getExpiresMs());
		if (c.hasCloneSource()) {
			fields.putLong(c.getCloneSource().getVolumeId())
				.putLong(c.getCloneSource().getFirstChunkIndex())
				.put(snapshotId);
		}
		return RequestSignature.hmacSha256(this.key, fields.array());
	}

}
