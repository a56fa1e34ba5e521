package io.curve4j.objectstore.filedata;

import java.util.ArrayList;
import java.util.List;

import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.Piece;
import io.curve4j.proto.metaserver.v1.RetiredPiece;

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
	public static String inodePrefix(String keyPrefix, int fsId, long inodeId) {
		return fsPrefix(keyPrefix, fsId) + Long.toUnsignedString(inodeId) + "_";
	}

	/** The prefix of every data object of one file system. */
	public static String fsPrefix(String keyPrefix, int fsId) {
		return keyPrefix + Integer.toUnsignedString(fsId) + "_";
	}

	/** The object names a piece is stored as, from block {@code fromBlock} on. */
	public List<String> keys(int fsId, long inodeId, Piece piece, long fromBlock) {
		List<String> keys = new ArrayList<>();
		for (long b = fromBlock; b < blockCount(piece.getLength()); b++) {
			keys.add(key(fsId, inodeId, piece.getChunkId(), b, piece.getVersion()));
		}
		return keys;
	}

	/** The name of the object after {@code key} in its piece (the next block; it exists if the piece is that long). */
	public static String nextBlock(String key) {
		int versionAt = key.lastIndexOf('_');
		int blockAt = key.lastIndexOf('_', versionAt - 1);
		long block = Long.parseLong(key.substring(blockAt + 1, versionAt));
		return key.substring(0, blockAt + 1) + (block + 1) + key.substring(versionAt);
	}

	/** The objects the inode's current pieces are stored as. */
	public List<String> pieceKeys(Inode inode) {
		List<String> keys = new ArrayList<>();
		for (ChunkPieces chunk : inode.getChunksMap().values()) {
			for (Piece piece : chunk.getPiecesList()) {
				keys.addAll(keys(inode.getFsId(), inode.getInodeId(), piece, 0));
			}
		}
		return keys;
	}

	/** The objects of the inode's pieces a write-back client has not uploaded yet. */
	public List<String> pendingKeys(Inode inode) {
		List<String> keys = new ArrayList<>();
		for (ChunkPieces chunk : inode.getChunksMap().values()) {
			for (Piece piece : chunk.getPiecesList()) {
				if (piece.getPendingMount() != 0) {
					keys.addAll(keys(inode.getFsId(), inode.getInodeId(), piece, 0));
				}
			}
		}
		return keys;
	}

	/** The chunk id an object name holds (the piece it belongs to). */
	public static long chunkIdOf(String key) {
		int versionAt = key.lastIndexOf('_');
		int blockAt = key.lastIndexOf('_', versionAt - 1);
		int chunkAt = key.lastIndexOf('_', blockAt - 1);
		return Long.parseLong(key.substring(chunkAt + 1, blockAt));
	}

	/** The objects of the inode's retired pieces that were retired at or before {@code retiredByMs}. */
	public List<String> retiredKeys(Inode inode, long retiredByMs) {
		List<String> keys = new ArrayList<>();
		for (RetiredPiece retired : inode.getRetiredList()) {
			if (retired.getRetiredMs() <= retiredByMs) {
				keys.addAll(keys(inode.getFsId(), inode.getInodeId(), retired.getPiece(), retired.getFromBlock()));
			}
		}
		return keys;
	}

	/** The inode id an object name of this file system's data holds, or -1 when it is not one. */
	public static long inodeOf(String fsPrefix, String key) {
		if (!key.startsWith(fsPrefix)) {
			return -1;
		}
		int end = key.indexOf('_', fsPrefix.length());
		try {
			return end < 0 ? -1 : Long.parseUnsignedLong(key.substring(fsPrefix.length(), end));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** How many blocks a piece of this length is stored in. */
	public long blockCount(long pieceLength) {
		return (pieceLength + blockSize - 1) / blockSize;
	}
}
