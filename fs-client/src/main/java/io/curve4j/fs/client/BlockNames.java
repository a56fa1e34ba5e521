package io.curve4j.fs.client;

/**
 * S3 object names of file data: {@code <keyPrefix><fsId>_<inodeId>_<chunkId>_<blockIndex>_<version>}, where block b holds
 * the piece's bytes [b*blockSize, (b+1)*blockSize) counted from the piece start (docs/architecture.md, CurveFS data).
 */
public record BlockNames(String keyPrefix, long blockSize) {

	public BlockNames {
		if (keyPrefix == null) {
			throw new IllegalArgumentException("keyPrefix must not be null");
		}
		if (blockSize <= 0) {
			throw new IllegalArgumentException("blockSize must be positive: " + blockSize);
		}
	}

	public String key(int fsId, long inodeId, long chunkId, long blockIndex, long version) {
		return keyPrefix + Integer.toUnsignedString(fsId) + "_" + inodeId + "_" + chunkId + "_" + blockIndex + "_" + version;
	}

	/** The prefix of every object of one inode: the trash deletes by it. */
	public String inodePrefix(int fsId, long inodeId) {
		return keyPrefix + Integer.toUnsignedString(fsId) + "_" + inodeId + "_";
	}

	/** How many blocks a piece of this length is stored in. */
	public long blockCount(long pieceLength) {
		return (pieceLength + blockSize - 1) / blockSize;
	}
}
