package io.curve4j.mds.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.topology.CopysetPlacement.Candidate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopysetPlacementTest {

	@ParameterizedTest(name = "{0} zones x {1} chunkservers, {2} replicas, {3} copysets")
	@CsvSource({ "3,1,3,12", "3,2,3,12", "3,3,3,100", "4,1,3,12", "5,2,3,17", "3,2,2,7", "6,3,3,50", "3,1,1,5" })
	void replicasInDistinctZonesAndBalanced(int zones, int perZone, int replicas, int copysets) {
		List<Candidate> candidates = layout(zones, perZone);
		List<List<Integer>> placement = CopysetPlacement.place(candidates, replicas, copysets);

		assertThat(placement).hasSize(copysets);
		Map<Integer, Integer> zoneOf = new HashMap<>();
		candidates.forEach(c -> zoneOf.put(c.chunkServerId(), c.zoneId()));
		Map<Integer, Integer> load = new HashMap<>();
		candidates.forEach(c -> load.put(c.chunkServerId(), 0));
		for (List<Integer> members : placement) {
			assertThat(members).hasSize(replicas).doesNotHaveDuplicates();
			Set<Integer> memberZones = new HashSet<>();
			members.forEach(id -> memberZones.add(zoneOf.get(id)));
			assertThat(memberZones).as("zones of %s", members).hasSize(replicas);
			members.forEach(id -> load.merge(id, 1, Integer::sum));
		}
		int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
		int min = load.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
		assertThat(max - min).as("copysets per chunkserver %s", load).isLessThanOrEqualTo(1);
	}

	@Test
	void samePlacementForSameInput() {
		List<Candidate> candidates = layout(3, 2);
		assertThat(CopysetPlacement.place(candidates, 3, 20)).isEqualTo(CopysetPlacement.place(candidates, 3, 20));
	}

	@Test
	void fewerZonesThanReplicasIsUnplaceable() {
		assertThatThrownBy(() -> CopysetPlacement.place(layout(2, 3), 3, 4)).isInstanceOf(CurveException.class)
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(ErrorCode.LOGICAL_POOL_UNPLACEABLE))
			.hasMessageContaining("3 distinct zones");
	}

	@Test
	void noChunkserversIsUnplaceable() {
		assertThatThrownBy(() -> CopysetPlacement.place(List.of(), 1, 1))
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(ErrorCode.LOGICAL_POOL_UNPLACEABLE));
	}

	/** Chunkserver ids 1.., zone ids 1..zones, perZone chunkservers in each. */
	private static List<Candidate> layout(int zones, int perZone) {
		List<Candidate> candidates = new ArrayList<>();
		int id = 1;
		for (int z = 1; z <= zones; z++) {
			for (int i = 0; i < perZone; i++) {
				candidates.add(new Candidate(id++, z));
			}
		}
		return candidates;
	}

}
