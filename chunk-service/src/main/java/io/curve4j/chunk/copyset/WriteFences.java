package io.curve4j.chunk.copyset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
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
 * is small. It holds at most {@link #CAPACITY} fences, and a fence stays at least
 * {@link #WINDOW} entries after the one that set it: a flood of retries cannot push out
 * other clients' fences. When the set is full of younger fences, an entry with new
 * retries is refused whole ({@code OVERLOADED}, the client backs off and retries) before
 * any of its writes is applied. Not thread-safe: used on the state machine's thread only.
 */
final class WriteFences {

	static final int CAPACITY = 65_536;

	/** Entries a fence outlives at least: far more than a leader holds proposed but not applied. */
	static final long WINDOW = 65_536;

	/** Each fence with the index of the entry that set it, oldest first. */
	private final LinkedHashMap<Fence, Long> fences = new LinkedHashMap<>();

	/**
	 * Makes room for {@code retries} new fences in the entry at {@code index}, dropping
	 * fences older than {@link #WINDOW} entries, oldest first.
	 * @throws CurveException OVERLOADED when only younger fences fill the set
	 */
	void reserve(int retries, long index) {
		Iterator<Map.Entry<Fence, Long>> oldest = this.fences.entrySet().iterator();
		while (this.fences.size() + retries > CAPACITY && oldest.hasNext()) {
			if (oldest.next().getValue() > index - WINDOW) {
				break;
			}
			oldest.remove();
		}
		if (this.fences.size() + retries > CAPACITY) {
			throw new CurveException(ErrorCode.OVERLOADED, "copyset holds " + this.fences.size()
					+ " recent retried writes; retry later");
		}
	}

	/**
	 * Decides whether the write with this id, in the entry at index, is applied, recording
	 * a fence when it is a retry (room for which {@link #reserve} made). Writes without an
	 * id are always applied.
	 */
	boolean admit(WriteId id, long index) {
		// Writes without an id, and first tries while nothing is fenced (the usual case on
		// this per-write path of every replica), need no lookup.
		if (id.getAttempt() == 0 || (id.getAttempt() == 1 && this.fences.isEmpty())) {
			return true;
		}
		Fence fence = new Fence(id.getClient(), id.getRequest());
		if (this.fences.containsKey(fence)) {
			return false;
		}
		if (id.getAttempt() > 1) {
			this.fences.put(fence, index);
		}
		return true;
	}

	/** One line per fence, oldest first, for a snapshot: client, request, index. */
	List<String> lines() {
		List<String> lines = new ArrayList<>(this.fences.size());
		this.fences.forEach((fence, index) -> lines.add(Long.toUnsignedString(fence.client) + ' '
				+ Long.toUnsignedString(fence.request) + ' ' + index));
		return lines;
	}

	/**
	 * Replaces the fences with those of a snapshot ({@link #lines()}); lines of older
	 * snapshots have no index and count as set at entry 0.
	 */
	void restore(List<String> lines) {
		this.fences.clear();
		for (String line : lines) {
			String[] fields = line.split(" ");
			if (fields.length < 2 || fields.length > 3) {
				throw new IllegalArgumentException("not a write fence: " + line);
			}
			this.fences.put(new Fence(Long.parseUnsignedLong(fields[0]), Long.parseUnsignedLong(fields[1])),
					fields.length == 3 ? Long.parseLong(fields[2]) : 0L);
		}
	}

	int size() {
		return this.fences.size();
	}

	private record Fence(long client, long request) {
	}

}
