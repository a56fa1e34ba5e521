package io.curve4j.mds.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsSchema.CopysetKey;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.CopysetRecord;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.LogicalPoolSpec;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.PhysicalPoolRecord;
import io.curve4j.proto.mds.v1.RegisterChunkServerCommand;
import io.curve4j.proto.mds.v1.ServerRecord;
import io.curve4j.proto.mds.v1.ServerSpec;
import io.curve4j.proto.mds.v1.ZoneRecord;

/**
 * Applies topology files and chunkserver registrations. A topology file is applied
 * whole or not at all: names that exist are kept (applying a file twice changes
 * nothing), an entry that contradicts what is stored is MALFORMED_TOPOLOGY, and a
 * logical pool that cannot be placed yet rejects the file with LOGICAL_POOL_UNPLACEABLE.
 */
@Component
class TopologyCommands implements MdsCommandHandler {

	static final int INITIAL_EPOCH = 1;

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.APPLY_TOPOLOGY, MdsCommand.CommandCase.REGISTER_CHUNK_SERVER);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		return switch (command.getCommandCase()) {
			case APPLY_TOPOLOGY -> {
				applyTopology(command.getApplyTopology(), tx);
				yield null;
			}
			case REGISTER_CHUNK_SERVER -> register(command.getRegisterChunkServer(), tx);
			default -> throw new IllegalArgumentException(command.getCommandCase().name());
		};
	}

	private void applyTopology(ApplyTopologyCommand command, MdsTx tx) {
		for (ServerSpec spec : command.getServersList()) {
			addServer(spec, tx);
		}
		for (LogicalPoolSpec spec : command.getLogicalPoolsList()) {
			addLogicalPool(spec, tx);
		}
	}

	private void addServer(ServerSpec spec, MdsTx tx) {
		Topology topology = Topology.load(tx);
		PhysicalPoolRecord pool = topology.physicalPool(spec.getPhysicalPool()).orElseGet(() -> {
			PhysicalPoolRecord p = PhysicalPoolRecord.newBuilder()
				.setId((int) tx.nextId("physical_pool"))
				.setName(spec.getPhysicalPool())
				.build();
			tx.put(MdsSchema.PHYSICAL_POOLS, p.getId(), p);
			return p;
		});
		ZoneRecord zone = topology.zone(spec.getZone()).orElseGet(() -> {
			ZoneRecord z = ZoneRecord.newBuilder()
				.setId((int) tx.nextId("zone"))
				.setName(spec.getZone())
				.setPhysicalPoolId(pool.getId())
				.build();
			tx.put(MdsSchema.ZONES, z.getId(), z);
			return z;
		});
		if (zone.getPhysicalPoolId() != pool.getId()) {
			String actual = topology.physicalPool(zone.getPhysicalPoolId()).map(PhysicalPoolRecord::getName).orElse("?");
			throw TopologyFile.malformed("server '" + spec.getName() + "': zone '" + zone.getName()
					+ "' belongs to physical pool '" + actual + "', not '" + pool.getName() + "'");
		}
		ServerRecord existing = topology.server(spec.getName()).orElse(null);
		if (existing == null) {
			ServerRecord s = ServerRecord.newBuilder()
				.setId((int) tx.nextId("server"))
				.setName(spec.getName())
				.setHost(spec.getHost())
				.setZoneId(zone.getId())
				.setPhysicalPoolId(pool.getId())
				.build();
			tx.put(MdsSchema.SERVERS, s.getId(), s);
		}
		else if (existing.getZoneId() != zone.getId() || !existing.getHost().equals(spec.getHost())) {
			String zoneName = topology.zone(existing.getZoneId()).map(ZoneRecord::getName).orElse("?");
			throw TopologyFile.malformed("server '" + spec.getName() + "' exists on host " + existing.getHost()
					+ " in zone '" + zoneName + "'; a topology file cannot move it");
		}
	}

	private void addLogicalPool(LogicalPoolSpec spec, MdsTx tx) {
		Topology topology = Topology.load(tx);
		PhysicalPoolRecord physical = topology.physicalPool(spec.getPhysicalPool())
			.orElseThrow(() -> TopologyFile.malformed("logical pool '" + spec.getName() + "': physical pool '"
					+ spec.getPhysicalPool() + "' is not defined (no server names it)"));
		LogicalPoolRecord existing = topology.logicalPool(spec.getName()).orElse(null);
		Geometry geometry = Geometry.orDefault(spec.getChunkSize(), spec.getSegmentSize());
		if (existing != null) {
			if (existing.getPhysicalPoolId() != physical.getId() || existing.getReplicas() != spec.getReplicas()
					|| existing.getCopysets() != spec.getCopysets() || existing.getZones() != spec.getZones()
					|| !Geometry.of(existing).equals(geometry) || existing.getKind() != spec.getKind()) {
				Geometry had = Geometry.of(existing);
				throw TopologyFile.malformed("logical pool '" + spec.getName() + "' exists with replicas="
						+ existing.getReplicas() + ", copysets=" + existing.getCopysets() + ", zones="
						+ existing.getZones() + ", chunkSize=" + Sizes.format(had.chunkSize()) + ", segmentSize="
						+ Sizes.format(had.segmentSize()) + ", kind=" + existing.getKind()
						+ "; a topology file cannot change it");
			}
			return;
		}
		Map<Integer, List<Integer>> byZone = new TreeMap<>();
		List<CopysetPlacement.Candidate> candidates = new ArrayList<>();
		for (ChunkServerRecord cs : topology.chunkServers()) {
			ServerRecord server = topology.server(cs.getServerId()).orElse(null);
			if (server != null && server.getPhysicalPoolId() == physical.getId()) {
				if (Geometry.chunkSizeOf(cs) != geometry.chunkSize()) {
					throw new CurveException(ErrorCode.CHUNK_SIZE_MISMATCH, "logical pool '" + spec.getName()
							+ "' has " + Sizes.format(geometry.chunkSize()) + " chunks, but chunkserver " + cs.getId()
							+ " of physical pool '" + physical.getName() + "' has "
							+ Sizes.format(Geometry.chunkSizeOf(cs)) + " chunk files");
				}
				candidates.add(new CopysetPlacement.Candidate(cs.getId(), server.getZoneId()));
				byZone.computeIfAbsent(server.getZoneId(), z -> new ArrayList<>()).add(cs.getId());
			}
		}
		if (byZone.size() < spec.getZones()) {
			List<String> zoneNames = byZone.keySet()
				.stream()
				.map(id -> topology.zone(id).map(ZoneRecord::getName).orElse("?"))
				.toList();
			throw new CurveException(ErrorCode.LOGICAL_POOL_UNPLACEABLE,
					"logical pool '" + spec.getName() + "' needs " + spec.getZones()
							+ " zones with registered chunkservers; physical pool '" + physical.getName() + "' has "
							+ byZone.size() + " " + zoneNames + ". Start the chunkservers first, then apply again");
		}
		List<List<Integer>> placement = CopysetPlacement.place(candidates, spec.getReplicas(), spec.getCopysets());
		LogicalPoolRecord pool = LogicalPoolRecord.newBuilder()
			.setId((int) tx.nextId("logical_pool"))
			.setName(spec.getName())
			.setPhysicalPoolId(physical.getId())
			.setReplicas(spec.getReplicas())
			.setCopysets(spec.getCopysets())
			.setZones(spec.getZones())
			.setChunkSize(geometry.chunkSize())
			.setSegmentSize(geometry.segmentSize())
			.setAllocatedSegments(0)
			.setKind(spec.getKind())
			.build();
		tx.put(MdsSchema.LOGICAL_POOLS, pool.getId(), pool);
		for (int i = 0; i < placement.size(); i++) {
			int copysetId = i + 1;
			tx.put(MdsSchema.COPYSETS, new CopysetKey(pool.getId(), copysetId),
					CopysetRecord.newBuilder()
						.setLogicalPoolId(pool.getId())
						.setCopysetId(copysetId)
						.addAllChunkServerIds(placement.get(i))
						.setEpoch(INITIAL_EPOCH)
						.build());
		}
	}

	private ChunkServerRecord register(RegisterChunkServerCommand command, MdsTx tx) {
		Topology topology = Topology.load(tx);
		ServerRecord server = topology.server(command.getServerName())
			.orElseThrow(() -> new CurveException(ErrorCode.SERVER_NOT_FOUND, "no server named '"
					+ command.getServerName() + "' in the topology; apply a topology file that lists it"));
		int chunkSize = command.getChunkSize() == 0 ? Geometry.DEFAULT.chunkSize() : command.getChunkSize();
		for (LogicalPoolRecord pool : topology.logicalPools()) {
			// a fs-metadata pool holds no chunk files: its metaservers have no chunk size to match
			if (pool.getPhysicalPoolId() == server.getPhysicalPoolId() && Geometry.holdsVolumes(pool)
					&& Geometry.of(pool).chunkSize() != chunkSize) {
				throw new CurveException(ErrorCode.CHUNK_SIZE_MISMATCH, "this chunkserver has "
						+ Sizes.format(chunkSize) + " chunk files, but logical pool '" + pool.getName()
						+ "' of its physical pool has " + Sizes.format(Geometry.of(pool).chunkSize())
						+ " chunks; set curve.chunkserver.chunk-size to match");
			}
		}
		ChunkServerRecord.Builder record;
		if (command.getChunkServerId() != 0) {
			ChunkServerRecord existing = topology.chunkServer(command.getChunkServerId())
				.orElseThrow(() -> new CurveException(ErrorCode.CHUNKSERVER_NOT_FOUND,
						"no chunkserver " + command.getChunkServerId()));
			TopologyService.checkToken(existing, command.getToken(), ErrorCode.CHUNKSERVER_TOKEN_MISMATCH);
			record = existing.toBuilder();
		}
		else {
			// A retried first registration (its answer was lost) must not mint a second id for
			// the same disk (matched by raft address and disk path, as Curve matches ip, port and
			// disk); it is recognised by the token the chunkserver drew, and anyone else who
			// names that disk learns nothing.
			Optional<ChunkServerRecord> same = topology.chunkServers()
				.stream()
				.filter(cs -> cs.getHost().equals(command.getHost()) && cs.getRaftPort() == command.getRaftPort()
						&& cs.getDiskPath().equals(command.getDiskPath()))
				.findFirst();
			if (same.isPresent()) {
				TopologyService.checkToken(same.get(), command.getNewToken(), ErrorCode.CHUNKSERVER_EXISTS);
				return same.get();
			}
			record = ChunkServerRecord.newBuilder()
				.setId((int) tx.nextId("chunk_server"))
				.setToken(command.getNewToken());
		}
		ChunkServerRecord cs = record.setServerId(server.getId())
			.setHost(command.getHost())
			.setPort(command.getPort())
			.setRaftPort(command.getRaftPort())
			.setDiskPath(command.getDiskPath())
			.setDiskCapacity(command.getDiskCapacity())
			.setChunkSize(chunkSize)
			.build();
		tx.put(MdsSchema.CHUNK_SERVERS, cs.getId(), cs);
		return cs;
	}

}
