package io.curve4j.common.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

import com.google.protobuf.ByteString;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.fs.v1.FsCapability;

/**
 * Issues and checks {@link FsCapability capabilities}: the MDS signs one for each mount
 * (and for its own partition calls), metaservers check it on every call with the
 * cluster's data key, as chunkservers check {@link ChunkCapabilities}. The MAC is
 * HMAC-SHA256 over a fixed big-endian layout of the fields (a distinct tag first, so a
 * chunk capability's MAC can never pass for one of these).
 */
public final class FsCapabilities {

	public static final int READ = 1;

	public static final int WRITE = 2;

	/** Create and delete partitions: issued to the MDS itself, never to a mount. */
	public static final int ADMIN = 4;

	private static final int TAG = 0x43465331; // "CFS1"

	private final byte[] key;

	/** @param key the cluster's data key, at least 16 bytes */
	public FsCapabilities(byte[] key) {
		if (key.length < 16) {
			throw new IllegalArgumentException("the data key has " + key.length + " bytes; at least 16 are needed");
		}
		this.key = key.clone();
	}

	/** Capabilities under the key derived from the configured data key secret, as {@link ChunkCapabilities#fromSecret}. */
	public static FsCapabilities fromSecret(String secret) {
		if (secret.length() < 16) {
			throw new IllegalArgumentException("the data key secret has " + secret.length()
					+ " characters; use at least 16 random ones");
		}
		return new FsCapabilities(RequestSignature.sha256(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
	}

	public FsCapability issue(int fsId, long mountId, int rights, long expiresMs) {
		FsCapability.Builder capability = FsCapability.newBuilder()
			.setFsId(fsId)
			.setMountId(mountId)
			.setRights(rights)
			.setExpiresMs(expiresMs);
		return capability.setMac(ByteString.copyFrom(mac(capability.build()))).build();
	}

	/**
	 * Whether the capability is genuine, for this file system, grants the right, and has
	 * not expired.
	 * @throws CurveException UNAUTHENTICATED without one or with a forged one,
	 * CAPABILITY_DENIED for another file system or right, CAPABILITY_EXPIRED once expired
	 */
	public void check(FsCapability capability, int fsId, int right, long nowMs) {
		if (capability.getMac().isEmpty()) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED,
					"a metaserver call carries the capability the MDS issued at mount");
		}
		if (!MessageDigest.isEqual(mac(capability), capability.getMac().toByteArray())) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "the file system capability is not one the MDS issued");
		}
		if (capability.getFsId() != fsId) {
			throw new CurveException(ErrorCode.CAPABILITY_DENIED,
					"the capability is for file system " + capability.getFsId() + ", not " + fsId);
		}
		if ((capability.getRights() & right) != right) {
			throw new CurveException(ErrorCode.CAPABILITY_DENIED, "the capability does not grant "
					+ (right == READ ? "reads" : right == WRITE ? "changes" : "partition administration"));
		}
		if (capability.getExpiresMs() < nowMs) {
			throw new CurveException(ErrorCode.CAPABILITY_EXPIRED,
					"the file system capability expired; refresh the mount for a fresh one");
		}
	}

	private byte[] mac(FsCapability c) {
		ByteBuffer fields = ByteBuffer.allocate(28)
			.putInt(TAG)
			.putInt(c.getFsId())
			.putLong(c.getMountId())
			.putInt(c.getRights())
			.putLong(c.getExpiresMs());
		return RequestSignature.hmacSha256(this.key, fields.array());
	}

}
