package io.curve4j.mds.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsReader;
import io.curve4j.proto.common.v1.ChunkServerLocation;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.LogicalPoolKind;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.PhysicalPoolRecord;
import io.curve4j.proto.mds.v1.ServerRecord;
import io.curve4j.proto.mds.v1.ZoneRecord;

/**
 * An immutable copy of the whole stored topology, each kind in id order. Topologies are
 * small (tens of servers, hundreds of copysets), so readers load the whole thing
 * instead of keeping indexes in step with the log.
 */
public final class Topology {

	private final Map<Integer, PhysicalPoolRecord> physicalPools;

	private final Map<Integer, ZoneRecord> zones;

	private final Map<Integer, ServerRecord> servers;

	private final Map<Integer, ChunkServerRecord> chunkServers;

	private final Map<Integer, LogicalPoolRecord> logicalPools;

	private final List<CopysetRecord> copysets;

	/** By {@link #copysetKey}: looked up for every copyset of every heartbeat. */
	private final Map<Long, CopysetRecord> copysetsByKey;

	private Topology(List<PhysicalPoolRecord> physicalPools, List<ZoneRecord> zones, List<ServerRecord> servers,
			List<ChunkServerRecord> chunkServers, List<LogicalPoolRecord> logicalPools, List<CopysetRecord> copysets) {
		this.physicalPools = byId(physicalPools, PhysicalPoolRecord::getId);
		this.zones = byId(zones, ZoneRecord::getId);
		this.servers = byId(servers, ServerRecord::getId);
		this.chunkServers = byId(chunkServers, ChunkServerRecord::getId);
		this.logicalPools = byId(logicalPools, LogicalPoolRecord::getId);
		this.copysets = List.copyOf(copysets);
		this.copysetsByKey = this.copysets.stream()
			.collect(Collectors.toMap(c -> copysetKey(c.getLogicalPoolId(), c.getCopysetId()), c -> c, (a, b) -> a));
	}

	public static Topology load(MdsReader db) {
		return new Topology(db.list(MdsSchema.PHYSICAL_POOLS), db.list(MdsSchema.ZONES), db.list(MdsSchema.SERVERS),
				db.list(MdsSchema.CHUNK_SERVERS), db.list(MdsSchema.LOGICAL_POOLS), db.list(MdsSchema.COPYSETS));
	}

	public List<PhysicalPoolRecord> physicalPools() {
		return List.copyOf(this.physicalPools.values());
	}

	public List<ZoneRecord> zones() {
		return List.copyOf(this.zones.values());
	}

	public List<ServerRecord> servers() {
		return List.copyOf(this.servers.values());
	}

	public List<ChunkServerRecord> chunkServers() {
		return List.copyOf(this.chunkServers.values());
	}

	public List<LogicalPoolRecord> logicalPools() {
		return List.copyOf(this.logicalPools.values());
	}

	public List<CopysetRecord> copysets() {
		return this.copysets;
	}

	public Optional<PhysicalPoolRecord> physicalPool(int id) {
		return Optional.ofNullable(this.physicalPools.get(id));
	}

	public Optional<PhysicalPoolRecord> physicalPool(String name) {
		return this.physicalPools.values().stream().filter(p -> p.getName().equals(name)).findFirst();
	}

	public Optional<ZoneRecord> zone(int id) {
		return Optional.ofNullable(this.zones.get(id));
	}

	public Optional<ZoneRecord> zone(String name) {
		return this.zones.values().stream().filter(z -> z.getName().equals(name)).findFirst();
	}

	public Optional<ServerRecord> server(int id) {
		return Optional.ofNullable(this.servers.get(id));
	}

	public Optional<ServerRecord> server(String name) {
		return this.servers.values().stream().filter(s -> s.getName().equals(name)).findFirst();
	}

	public Optional<ChunkServerRecord> chunkServer(int id) {
		return Optional.ofNullable(this.chunkServers.get(id));
	}

	public Optional<LogicalPoolRecord> logicalPool(String name) {
		return this.logicalPools.values().stream().filter(p -> p.getName().equals(name)).findFirst();
	}

	public Optional<CopysetRecord> copyset(CopysetKey key) {
		return Optional.ofNullable(this.copysetsByKey.get(copysetKey(key.getLogicalPoolId(), key.getCopysetId())));
	}

	private static long copysetKey(int logicalPoolId, int copysetId) {
		return ((long) logicalPoolId << 32) | Integer.toUnsignedLong(copysetId);
	}

	/** Copysets with a replica on this chunkserver. */
	public List<CopysetRecord> copysetsOf(int chunkServerId) {
		return this.copysets.stream().filter(c -> c.getChunkServerIdsList().contains(chunkServerId)).toList();
	}

	/** How clients and peers reach a chunkserver. */
	/** Whether a registered server is a metaserver: its physical pool holds CurveFS metadata pools. */
	public boolean isMetaServer(ChunkServerRecord cs) {
		int pool = server(cs.getServerId()).map(ServerRecord::getPhysicalPoolId).orElse(0);
		return logicalPools().stream()
			.anyMatch((lp) -> lp.getPhysicalPoolId() == pool && lp.getKind() == LogicalPoolKind.LOGICAL_POOL_KIND_FS_METADATA);
	}

	public ChunkServerLocation location(ChunkServerRecord cs) {
		return ChunkServerLocation.newBuilder()
			.setChunkServerId(cs.getId())
			.setHost(cs.getHost())
			.setPort(cs.getPort())
			.setRaftAddress(raftAddress(cs))
			.build();
	}

	public static String raftAddress(ChunkServerRecord cs) {
		return cs.getHost() + ":" + cs.getRaftPort();
	}

	public static CopysetKey key(CopysetRecord copyset) {
		return CopysetKey.newBuilder()
			.setLogicalPoolId(copyset.getLogicalPoolId())
			.setCopysetId(copyset.getCopysetId())
			.build();
	}

	private static <T> Map<Integer, T> byId(List<T> values, Function<T, Integer> id) {
		return values.stream().collect(Collectors.toMap(id, v -> v, (a, b) -> a, LinkedHashMap::new));
	}

}
