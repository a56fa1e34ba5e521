package io.curve4j.mds.schedule;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.curve4j.proto.common.v1.CopysetKey;

/**
 * What the schedulers plan from: every chunkserver with its zone and liveness, and every
 * copyset with its stored members and reported leader. A plain value, so scheduler
 * decisions are unit-tested without an MDS.
 */
record ClusterView(Map<Integer, ChunkServer> chunkServers, List<Copyset> copysets) {

	/** @param diskFull its disk is too full to take another replica */
	record ChunkServer(int id, int zoneId, int physicalPoolId, boolean online, boolean diskFull) {

		/** Whether a replica may be added here (recovery and balance targets). */
		boolean acceptsReplicas() {
			return this.online && !this.diskFull;
		}

	}

	/**
	 * @param replicas replicas per copyset of its logical pool
	 * @param leaderId reported leader, 0 when none
	 */
	record Copyset(CopysetKey key, int physicalPoolId, int replicas, List<Integer> members, int leaderId, long epoch) {

		Copyset {
			members = List.copyOf(members);
		}

	}

	ClusterView {
		chunkServers = Map.copyOf(chunkServers);
		copysets = List.copyOf(copysets);
	}

	boolean online(int chunkServerId) {
		ChunkServer cs = this.chunkServers.get(chunkServerId);
		return cs != null && cs.online();
	}

	int zone(int chunkServerId) {
		ChunkServer cs = this.chunkServers.get(chunkServerId);
		return cs == null ? -1 : cs.zoneId();
	}

	/** Replicas per chunkserver (every known chunkserver, zero included). */
	Map<Integer, Integer> replicaCounts() {
		Map<Integer, Integer> counts = new HashMap<>();
		this.chunkServers.keySet().forEach(id -> counts.put(id, 0));
		for (Copyset c : this.copysets) {
			c.members().forEach(id -> counts.merge(id, 1, Integer::sum));
		}
		return counts;
	}

	/** True when every member is online and a leader is reported. */
	boolean healthy(Copyset c) {
		return c.leaderId() != 0 && c.members().stream().allMatch(this::online);
	}

}
