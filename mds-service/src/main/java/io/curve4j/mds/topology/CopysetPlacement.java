package io.curve4j.mds.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Places the replicas of a logical pool's copysets on chunkservers: the replicas of one
 * copyset in distinct zones, and every chunkserver carrying as many copysets as the
 * layout allows (max - min <= 1 when zones are equally provisioned). Greedy and
 * deterministic: each replica goes to the least loaded chunkserver of a zone the
 * copyset does not use yet, ties broken by the zone used least, then by id. The same
 * input always gives the same placement, which is what lets every MDS member compute it
 * at apply.
 */
public final class CopysetPlacement {

	/** A chunkserver eligible for replicas. */
	public record Candidate(int chunkServerId, int zoneId) {
	}

	private CopysetPlacement() {
	}

	/**
	 * @return for each copyset (in order) the chunkserver ids of its replicas
	 * @throws CurveException LOGICAL_POOL_UNPLACEABLE when fewer zones than replicas
	 * have chunkservers
	 */
	public static List<List<Integer>> place(List<Candidate> candidates, int replicas, int copysets) {
		if (replicas < 1 || copysets < 1) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "replicas and copysets must be at least 1");
		}
		Set<Integer> zones = new TreeSet<>();
		candidates.forEach(c -> zones.add(c.zoneId()));
		if (zones.size() < replicas) {
			throw new CurveException(ErrorCode.LOGICAL_POOL_UNPLACEABLE, replicas
					+ " replicas need chunkservers in " + replicas + " distinct zones; only " + zones.size() + " have any");
		}
		Map<Integer, Integer> load = new HashMap<>();
		Map<Integer, Integer> zoneLoad = new HashMap<>();
		Comparator<Candidate> order = Comparator
			.<Candidate>comparingInt(c -> load.getOrDefault(c.chunkServerId(), 0))
			.thenComparingInt(c -> zoneLoad.getOrDefault(c.zoneId(), 0))
			.thenComparingInt(Candidate::chunkServerId);
		List<List<Integer>> placement = new ArrayList<>(copysets);
		for (int i = 0; i < copysets; i++) {
			List<Integer> members = new ArrayList<>(replicas);
			Set<Integer> usedZones = new HashSet<>();
			for (int r = 0; r < replicas; r++) {
				Candidate pick = candidates.stream()
					.filter(c -> !usedZones.contains(c.zoneId()))
					.min(order)
					.orElseThrow();
				members.add(pick.chunkServerId());
				usedZones.add(pick.zoneId());
				load.merge(pick.chunkServerId(), 1, Integer::sum);
				zoneLoad.merge(pick.zoneId(), 1, Integer::sum);
			}
			members.sort(Integer::compare);
			placement.add(List.copyOf(members));
		}
		return placement;
	}

}
