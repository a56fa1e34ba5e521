package io.curve4j.objectstore.filedata;

import io.curve4j.proto.metaserver.v1.Piece;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Which bytes of which piece answer a read: pieces are given oldest first and a later piece overrides earlier ones where
 * they overlap; bytes no piece covers read as zeros; nothing is read at or past the file length.
 */
public final class ReadPlan {

	/** A run of the read: {@code piece == null} is a hole (zeros); else bytes from {@code pieceOffset} of that piece. */
	public record Segment(long fileOffset, long length, Piece piece, long pieceOffset) {
		public boolean hole() {
			return piece == null;
		}
	}

	private ReadPlan() {
	}

	/** The segments covering [offset, min(offset+size, fileLength)), in file order, without gaps. */
	public static List<Segment> plan(List<Piece> piecesOldestFirst, long fileLength, long offset, long size) {
		if (offset < 0 || size < 0) {
			throw new IllegalArgumentException("negative offset or size: " + offset + ", " + size);
		}
		long end = Math.min(fileLength, offset + size);
		List<Segment> out = new ArrayList<>();
		if (end <= offset) {
			return out;
		}
		// start -> segment, non-overlapping; each piece in age order cuts what it covers and puts itself in
		TreeMap<Long, Segment> runs = new TreeMap<>();
		runs.put(offset, new Segment(offset, end - offset, null, 0));
		for (Piece p : piecesOldestFirst) {
			long ps = Math.max(p.getOffset(), offset);
			long pe = Math.min(p.getOffset() + p.getLength(), end);
			if (pe <= ps) {
				continue;
			}
			cut(runs, ps);
			cut(runs, pe);
			runs.subMap(ps, true, pe, false).clear();
			runs.put(ps, new Segment(ps, pe - ps, p, ps - p.getOffset()));
		}
		// merge adjacent holes left by the cuts so callers fill zeros in one go
		for (Segment s : runs.values()) {
			Segment last = out.isEmpty() ? null : out.get(out.size() - 1);
			if (last != null && last.hole() && s.hole()) {
				out.set(out.size() - 1, new Segment(last.fileOffset(), last.length() + s.length(), null, 0));
			} else {
				out.add(s);
			}
		}
		return out;
	}

	/** Splits the run containing {@code at} so that a run starts exactly at {@code at}. */
	private static void cut(TreeMap<Long, Segment> runs, long at) {
		var floor = runs.floorEntry(at);
		if (floor == null || floor.getKey() == at) {
			return;
		}
		Segment s = floor.getValue();
		long sEnd = s.fileOffset() + s.length();
		if (at >= sEnd) {
			return;
		}
		long head = at - s.fileOffset();
		runs.put(s.fileOffset(), new Segment(s.fileOffset(), head, s.piece(), s.pieceOffset()));
		runs.put(at, new Segment(at, sEnd - at, s.piece(), s.hole() ? 0 : s.pieceOffset() + head));
	}
}
