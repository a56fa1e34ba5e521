package io.curve4j.mds.topology;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.LogicalPoolKind;
import io.curve4j.proto.mds.v1.LogicalPoolSpec;
import io.curve4j.proto.mds.v1.ServerSpec;

/**
 * Reads a topology YAML file (the format {@code bin/curve topology apply} sends) into the
 * command that applies it, rejecting anything malformed with MALFORMED_TOPOLOGY and a
 * detail naming the offending entry:
 *
 * <pre>
 * servers:
 *   - name: server-1
 *     host: 127.0.0.1
 *     zone: zone-1
 *     physicalPool: pool-1
 * logicalPools:
 *   - name: lpool-1
 *     physicalPool: pool-1
 *     replicas: 3
 *     copysets: 12
 *     zones: 3
 *     chunkSize: 16MiB      # optional, the default
 *     segmentSize: 1GiB     # optional, the default
 *     kind: block           # optional, the default; fs-metadata: CurveFS partitions on metaservers
 * </pre>
 *
 * Checks here need only the file; references to what is already stored are checked
 * when the command is applied.
 */
public final class TopologyFile {

	/** Copysets of one logical pool (Curve runs about 100 per chunkserver). */
	static final int MAX_COPYSETS = 65_536;

	private static final YAMLMapper YAML = YAMLMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	record File(List<Server> servers, List<LogicalPool> logicalPools) {
	}

	record Server(String name, String host, String zone, String physicalPool) {
	}

	record LogicalPool(String name, String physicalPool, Integer replicas, Integer copysets, Integer zones,
			String chunkSize, String segmentSize, String kind) {
	}

	private TopologyFile() {
	}

	public static ApplyTopologyCommand parse(String yaml) {
		if (yaml == null || yaml.isBlank()) {
			throw malformed("the topology file is empty; it needs a 'servers' list");
		}
		File file;
		try {
			file = YAML.readValue(yaml, File.class);
		}
		catch (JacksonException ex) {
			TokenStreamLocation at = ex.getLocation();
			String where = at == null || at.getLineNr() < 0 ? ""
					: " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
			String message = ex.getOriginalMessage() == null ? "" : ex.getOriginalMessage().strip().lines().findFirst().orElse("");
			throw malformed("not a topology file: " + message + where);
		}
		if (file == null) {
			throw malformed("the topology file is empty; it needs a 'servers' list");
		}
		ApplyTopologyCommand.Builder command = ApplyTopologyCommand.newBuilder();
		Set<String> serverNames = new HashSet<>();
		Map<String, String> zonePools = new HashMap<>();
		List<Server> servers = file.servers() == null ? List.of() : file.servers();
		for (int i = 0; i < servers.size(); i++) {
			Server s = servers.get(i);
			String where = "servers[" + i + "]";
			if (s == null) {
				throw malformed(where + " is empty");
			}
			String name = required(where + ".name", s.name());
			String host = required(where + ".host", s.host());
			String zone = required(where + ".zone", s.zone());
			String pool = required(where + ".physicalPool", s.physicalPool());
			if (!serverNames.add(name)) {
				throw malformed(where + ": server '" + name + "' is listed twice");
			}
			String previousPool = zonePools.putIfAbsent(zone, pool);
			if (previousPool != null && !previousPool.equals(pool)) {
				throw malformed(where + ": zone '" + zone + "' is in physical pool '" + previousPool
						+ "' above; a zone belongs to one physical pool");
			}
			command.addServers(
					ServerSpec.newBuilder().setName(name).setHost(host).setZone(zone).setPhysicalPool(pool).build());
		}
		List<LogicalPool> pools = file.logicalPools() == null ? List.of() : file.logicalPools();
		Set<String> poolNames = new HashSet<>();
		for (int i = 0; i < pools.size(); i++) {
			LogicalPool p = pools.get(i);
			String where = "logicalPools[" + i + "]";
			if (p == null) {
				throw malformed(where + " is empty");
			}
			String name = required(where + ".name", p.name());
			if (!poolNames.add(name)) {
				throw malformed(where + ": logical pool '" + name + "' is listed twice");
			}
			int replicas = positive(where + ".replicas", p.replicas());
			int zones = positive(where + ".zones", p.zones());
			if (replicas > zones) {
				throw malformed(where + ": " + replicas + " replicas cannot be spread over " + zones
						+ " zones (each replica of a copyset needs its own zone)");
			}
			Geometry geometry = Geometry.checked(where, size(where + ".chunkSize", p.chunkSize()),
					size(where + ".segmentSize", p.segmentSize()));
			command.addLogicalPools(LogicalPoolSpec.newBuilder()
				.setName(name)
				.setPhysicalPool(required(where + ".physicalPool", p.physicalPool()))
				.setReplicas(replicas)
				.setCopysets(copysets(where + ".copysets", p.copysets()))
				.setZones(zones)
				.setChunkSize(geometry.chunkSize())
				.setSegmentSize(geometry.segmentSize())
				.setKind(kind(where + ".kind", p.kind()))
				.build());
		}
		if (command.getServersCount() == 0 && command.getLogicalPoolsCount() == 0) {
			throw malformed("the topology file lists neither servers nor logicalPools");
		}
		return command.build();
	}

	static CurveException malformed(String detail) {
		return new CurveException(ErrorCode.MALFORMED_TOPOLOGY, detail);
	}

	private static String required(String field, String value) {
		if (value == null || value.isBlank()) {
			throw malformed(field + " is missing");
		}
		return value.trim();
	}

	/** A size with its unit ("16MiB"); zero when absent. */
	private static long size(String field, String value) {
		if (value == null) {
			return 0;
		}
		try {
			return Sizes.parse(value.trim());
		}
		catch (CurveException ex) {
			throw malformed(field + ": " + ex.getMessage());
		}
	}

	/**
	 * Bounded here, before the file is proposed: the state machine creates every copyset
	 * when the entry applies, and an entry that cannot apply would stop every member on replay.
	 */
	private static int copysets(String field, Integer value) {
		int copysets = positive(field, value);
		if (copysets > MAX_COPYSETS) {
			throw malformed(field + " is at most " + MAX_COPYSETS + " per logical pool, not " + copysets);
		}
		return copysets;
	}

	private static LogicalPoolKind kind(String field, String value) {
		if (value == null || value.isBlank() || value.trim().equals("block")) {
			return LogicalPoolKind.LOGICAL_POOL_KIND_BLOCK;
		}
		if (value.trim().equals("fs-metadata")) {
			return LogicalPoolKind.LOGICAL_POOL_KIND_FS_METADATA;
		}
		throw malformed(field + " is 'block' or 'fs-metadata', not '" + value.trim() + "'");
	}

	private static int positive(String field, Integer value) {
		if (value == null) {
			throw malformed(field + " is missing");
		}
		if (value < 1) {
			throw malformed(field + " must be at least 1, not " + value);
		}
		return value;
	}

}
