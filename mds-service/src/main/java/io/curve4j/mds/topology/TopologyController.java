package io.curve4j.mds.topology;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PagedModel;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.web.Pages;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.CopysetRecord;

/**
 * Applies and shows the topology: the whole of it in one document, or each kind of
 * resource as a paged list. Served by the leader; followers redirect.
 */
@RestController
@RequestMapping("/api/v1/topology")
@Tag(name = "topology", description = "pools, zones, servers, chunkservers")
class TopologyController {

	record PhysicalPoolView(int id, String name) {
	}

	record ZoneView(int id, String name, String physicalPool) {
	}

	record ServerView(int id, String name, String host, String zone, String physicalPool) {
	}

	record ChunkServerView(int id, String server, String host, int port, String raftAddress, boolean online,
			long diskCapacity, long diskUsed, int copysets, int leaders) {
	}

	/** @param kind "block" (volume chunks) or "fs-metadata" (CurveFS partitions on metaservers) */
	record LogicalPoolView(int id, String name, String physicalPool, int replicas, int copysets, int zones,
			String kind) {
	}

	record TopologyView(List<PhysicalPoolView> physicalPools, List<ZoneView> zones, List<ServerView> servers,
			List<ChunkServerView> chunkServers, List<LogicalPoolView> logicalPools) {
	}

	private static final Map<String, Comparator<PhysicalPoolView>> POOL_SORT = Map.of("id",
			Comparator.comparingInt(PhysicalPoolView::id), "name", Comparator.comparing(PhysicalPoolView::name));

	private static final Map<String, Comparator<ZoneView>> ZONE_SORT = Map.of("id",
			Comparator.comparingInt(ZoneView::id), "name", Comparator.comparing(ZoneView::name), "physicalPool",
			Comparator.comparing(ZoneView::physicalPool));

	private static final Map<String, Comparator<ServerView>> SERVER_SORT = Map.of("id",
			Comparator.comparingInt(ServerView::id), "name", Comparator.comparing(ServerView::name), "zone",
			Comparator.comparing(ServerView::zone), "host", Comparator.comparing(ServerView::host));

	private static final Map<String, Comparator<ChunkServerView>> CHUNKSERVER_SORT = Map.of("id",
			Comparator.comparingInt(ChunkServerView::id), "server", Comparator.comparing(ChunkServerView::server),
			"online", Comparator.comparing(ChunkServerView::online), "diskUsed",
			Comparator.comparingLong(ChunkServerView::diskUsed), "copysets",
			Comparator.comparingInt(ChunkServerView::copysets), "leaders",
			Comparator.comparingInt(ChunkServerView::leaders));

	private static final Map<String, Comparator<LogicalPoolView>> LOGICAL_POOL_SORT = Map.of("id",
			Comparator.comparingInt(LogicalPoolView::id), "name", Comparator.comparing(LogicalPoolView::name));

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final MdsRaft raft;

	TopologyController(TopologyService topology, ChunkServerStates states, MdsRaft raft) {
		this.topology = topology;
		this.states = states;
		this.raft = raft;
	}

	@PostMapping(consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/plain" })
	@Operation(summary = "Apply a topology YAML file (idempotent; all or nothing)")
	TopologyView apply(@RequestBody String yaml) {
		this.raft.requireLeader();
		return view(this.topology.apply(yaml));
	}

	@GetMapping
	@Operation(summary = "Pools, zones, servers, chunkservers (with liveness) and logical pools")
	TopologyView show() {
		return view(this.topology.current());
	}

	@GetMapping("/physical-pools")
	@Operation(summary = "One page of physical pools")
	PagedModel<PhysicalPoolView> physicalPools(@ParameterObject Pageable pageable) {
		return Pages.page(physicalPools(this.topology.current()), pageable, POOL_SORT);
	}

	@GetMapping("/zones")
	@Operation(summary = "One page of failure zones")
	PagedModel<ZoneView> zones(@ParameterObject Pageable pageable) {
		return Pages.page(zones(this.topology.current()), pageable, ZONE_SORT);
	}

	@GetMapping("/servers")
	@Operation(summary = "One page of servers")
	PagedModel<ServerView> servers(@ParameterObject Pageable pageable) {
		return Pages.page(servers(this.topology.current()), pageable, SERVER_SORT);
	}

	@GetMapping("/chunkservers")
	@Operation(summary = "One page of chunkservers with online state, disk capacity and use, copyset and leader counts")
	PagedModel<ChunkServerView> chunkServers(@ParameterObject Pageable pageable) {
		return Pages.page(chunkServers(this.topology.current()), pageable, CHUNKSERVER_SORT);
	}

	@GetMapping("/chunkservers/{id}")
	@Operation(summary = "One chunkserver")
	ChunkServerView chunkServer(@PathVariable int id) {
		Topology t = this.topology.current();
		return t.chunkServer(id)
			.map(cs -> chunkServer(t, cs))
			.orElseThrow(() -> new CurveException(ErrorCode.CHUNKSERVER_NOT_FOUND, "no chunkserver " + id));
	}

	@GetMapping("/logical-pools")
	@Operation(summary = "One page of logical pools")
	PagedModel<LogicalPoolView> logicalPools(@ParameterObject Pageable pageable) {
		return Pages.page(logicalPools(this.topology.current()), pageable, LOGICAL_POOL_SORT);
	}

	private TopologyView view(Topology t) {
		return new TopologyView(physicalPools(t), zones(t), servers(t), chunkServers(t), logicalPools(t));
	}

	// One builder per kind: a page of zones need not build the chunkserver views (a scan of
	// every copyset per chunkserver).

	private static List<PhysicalPoolView> physicalPools(Topology t) {
		return t.physicalPools().stream().map(p -> new PhysicalPoolView(p.getId(), p.getName())).toList();
	}

	private static List<ZoneView> zones(Topology t) {
		return t.zones()
			.stream()
			.map(z -> new ZoneView(z.getId(), z.getName(), poolName(t, z.getPhysicalPoolId())))
			.toList();
	}

	private static List<ServerView> servers(Topology t) {
		return t.servers()
			.stream()
			.map(s -> new ServerView(s.getId(), s.getName(), s.getHost(),
					t.zone(s.getZoneId()).map(z -> z.getName()).orElse(""), poolName(t, s.getPhysicalPoolId())))
			.toList();
	}

	private List<ChunkServerView> chunkServers(Topology t) {
		return t.chunkServers().stream().map(cs -> chunkServer(t, cs)).toList();
	}

	private static List<LogicalPoolView> logicalPools(Topology t) {
		return t.logicalPools()
			.stream()
			.map(p -> new LogicalPoolView(p.getId(), p.getName(), poolName(t, p.getPhysicalPoolId()), p.getReplicas(),
					p.getCopysets(), p.getZones(), Geometry.holdsVolumes(p) ? "block" : "fs-metadata"))
			.toList();
	}

	private ChunkServerView chunkServer(Topology t, ChunkServerRecord cs) {
		List<CopysetRecord> copysets = t.copysetsOf(cs.getId());
		int leaders = (int) copysets.stream()
			.map(Topology::key)
			.mapToInt((CopysetKey key) -> this.states.leaderOf(key))
			.filter(id -> id == cs.getId())
			.count();
		return new ChunkServerView(cs.getId(), t.server(cs.getServerId()).map(s -> s.getName()).orElse(""),
				cs.getHost(), cs.getPort(), Topology.raftAddress(cs), this.states.online(cs.getId()),
				this.states.diskCapacity(cs), this.states.diskUsed(cs.getId()), copysets.size(), leaders);
	}

	private static String poolName(Topology t, int id) {
		return t.physicalPool(id).map(p -> p.getName()).orElse("");
	}

}
