package io.curve4j.chunk.copyset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

import io.curve4j.proto.common.v1.WriteId;

/**
 * The client writes of a copyset that a retry has fenced (see {@link WriteId}): once a
 * retry of a write is applied, every other attempt of it is dropped when its entry comes
 * to be applied, so a first try that was still queued at a slow leader cannot overwrite a
 * later write to the same range. Part of the state machine: changed only by applying
 * entries, saved in snapshots, so every replica drops the same entries.
 *
 * <p>
 * Retries with unknown outcome are rare (a timeout or a broken connection), so the set
 * is small; it keeps the newest {@link #CAPACITY} fences, far more than a client can
 * have in flight while a stale attempt is still waiting somewhere. Not thread-safe: used
 * on the state machine's thread only.
 */
final class WriteFences {

	static final int CAPACITY = 65_536;

	/** In insertion order, so the oldest fence goes first. */
	private final LinkedHashSet<Fence> fences = new LinkedHashSet<>();

	/**
	 * Decides whether the write with this id is applied, recording a fence when it is a
	 * retry. Writes without an id are always applied.
	 */
	boolean admit(WriteId id) {
		// Writes without an id, and first tries while nothing is fenced (the usual case on
		// this per-write path of every replica), need no lookup.
		if (id.getAttempt() == 0 || (id.getAttempt() == 1 && this.fences.isEmpty())) {
			return true;
		}
		Fence fence = new Fence(id.getClient(), id.getRequest());
		if (this.fences.contains(fence)) {
			return false;
		}
		if (id.getAttempt() > 1) {
			this.fences.add(fence);
			if (this.fences.size() > CAPACITY) {
				Iterator<Fence> oldest = this.fences.iterator();
				oldest.next();
				oldest.remove();
			}
		}
		return true;
	}

	/** One line per fence, oldest first, for a snapshot. */
	List<String> lines() {
		List<String> lines = new ArrayList<>(this.fences.size());
		for (Fence fence : this.fences) {
			lines.add(Long.toUnsignedString(fence.client) + ' ' + Long.toUnsignedString(fence.request));
		}
		return lines;
	}

	/** Replaces the fences with those of a snapshot ({@link #lines()}). */
	void restore(List<String> lines) {
		this.fences.clear();
		for (String line : lines) {
			int space = line.indexOf(' ');
			if (space < 0) {
				throw new IllegalArgumentException("not a write fence: " + line);
			}
			this.fences.add(new Fence(Long.parseUnsignedLong(line.substring(0, space)),
					Long.parseUnsignedLong(line.substring(space + 1))));
		}
	}

	int size() {
		return this.fences.size();
	}

	private record Fence(long client, long request) {
	}

}
