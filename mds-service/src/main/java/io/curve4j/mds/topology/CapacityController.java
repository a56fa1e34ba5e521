package io.curve4j.mds.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.common.size.Sizes;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;

/**
 * Capacity as a volume driver reports it (Cinder's total/free capacity): raw disk space
 * the chunkservers report, what logical pools offer after replication, and what volumes
 * have been given (provisioned) and have written (allocated segments). Served by the
 * leader; followers redirect.
 */
@RestController
@RequestMapping("/api/v1/cluster")
@Tag(name = "cluster", description = "copyset leaders and cluster health")
class CapacityController {

	/**
	 * @param totalBytes usable bytes after replication
	 * @param allocatedBytes segments written so far (1 GiB each)
	 */
	record PoolCapacity(int id, String name, int replicas, int chunkServers, long totalBytes, long usedBytes,
			long freeBytes, long allocatedBytes) {
	}

	/**
	 * @param totalBytes raw disk bytes of every chunkserver
	 * @param provisionedBytes sum of all volume sizes (thin: may exceed the total)
	 */
	record ClusterCapacity(long totalBytes, long usedBytes, long freeBytes, long provisionedBytes, int volumes,
			List<PoolCapacity> logicalPools) {
	}

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final PoolSpace space;

	private final MdsRaft raft;

	private final MdsStore store;

	CapacityController(TopologyService topology, ChunkServerStates states, PoolSpace space, MdsRaft raft,
			MdsStore store) {
		this.topology = topology;
		this.space = space;
		this.states = states;
		this.raft = raft;
		this.store = store;
	}

	@GetMapping("/capacity")
	@Operation(summary = "Total, used and free bytes of the cluster and of each logical pool")
	ClusterCapacity capacity() {
		this.raft.requireLeader();
		Topology t = this.topology.current();
		long[] provisioned = { 0 };
		int[] volumes = { 0 };
		Map<Integer, Long> allocatedByPool = new HashMap<>();
		this.raft.read(() -> {
			this.store.list(MdsSchema.FILES).stream().filter(f -> f.getType() == FileType.VOLUME && !f.hasRecycle()).forEach(f -> {
				provisioned[0] += f.getLength();
				volumes[0]++;
			});
			// t was read linearizably too: its pool records hold the counts
			t.logicalPools().forEach(pool -> allocatedByPool.put(pool.getId(), PoolSegments.allocated(this.store, pool)));
			return null;
		});
		long total = 0;
		long used = 0;
		for (ChunkServerRecord cs : t.chunkServers()) {
			total += this.states.diskCapacity(cs);
			used += this.states.diskUsed(cs.getId());
		}
		List<PoolCapacity> pools = new ArrayList<>();
		for (LogicalPoolRecord pool : t.logicalPools()) {
			PoolSpace.Space space = this.space.of(pool, t);
			int replicas = space.replicas();
			pools.add(new PoolCapacity(pool.getId(), pool.getName(), replicas, space.chunkServers(),
					space.rawBytes() / replicas, space.rawUsedBytes() / replicas,
					Math.max(0, space.rawBytes() - space.rawUsedBytes()) / replicas,
					allocatedByPool.getOrDefault(pool.getId(), 0L) * Geometry.of(pool).segmentSize()));
		}
		return new ClusterCapacity(total, used, Math.max(0, total - used), provisioned[0], volumes[0], pools);
	}

}
