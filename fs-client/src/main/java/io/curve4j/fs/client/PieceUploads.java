package io.curve4j.fs.client;

import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.proto.metaserver.v1.Piece;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns one drained dirty range into its piece and the objects that hold it (version 0: a piece is written once). */
public final class PieceUploads {

	/** One object to PUT. */
	public record Put(String key, byte[] bytes) {
	}

	/** The piece to commit with {@code AppendPieces} after all {@link #puts()} succeeded. */
	public record Upload(Piece piece, List<Put> puts) {
	}

	private PieceUploads() {
	}

	public static Upload of(BlockNames names, int fsId, long inodeId, long chunkId, WriteBuffer.Range range) {
		byte[] data = range.data();
		Piece piece = Piece.newBuilder().setChunkId(chunkId).setOffset(range.offset()).setLength(data.length).setVersion(0).build();
		List<Put> puts = new ArrayList<>();
		for (long b = 0; b < names.blockCount(data.length); b++) {
			int from = Math.toIntExact(b * names.blockSize());
			int to = (int) Math.min(data.length, from + names.blockSize());
			puts.add(new Put(names.key(fsId, inodeId, chunkId, b, 0), Arrays.copyOfRange(data, from, to)));
		}
		return new Upload(piece, puts);
	}
}
