package io.curve4j.mds.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerRequest;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.RegisterChunkServerCommand;

/**
 * The topology as the rest of the MDS uses it: applying files, registering and
 * authenticating chunkservers, and linearizable reads of the stored topology.
 */
@Service
public class TopologyService {

	private final SecureRandom random = new SecureRandom();

	private final MdsRaft raft;

	private final MdsStore store;

	public TopologyService(MdsRaft raft, MdsStore store) {
		this.raft = raft;
		this.store = store;
	}

	/** Applies a topology YAML file whole, or fails and changes nothing. */
	public Topology apply(String yaml) {
		MdsCommand command = MdsCommand.newBuilder().setApplyTopology(TopologyFile.parse(yaml)).build();
		this.raft.propose(command);
		return current();
	}

	/** The stored topology, as of every change committed before the call. */
	public Topology current() {
		return this.raft.read(() -> Topology.load(this.store));
	}

	/**
	 * Registers a chunkserver: a new one gets a new id and a random token; one presenting
	 * its id and token keeps its id and has its address updated.
	 */
	public ChunkServerRecord register(RegisterChunkServerRequest request) {
		Topology topology = current();
		if (topology.server(request.getServerName()).isEmpty()) {
			throw new CurveException(ErrorCode.SERVER_NOT_FOUND, "no server named '" + request.getServerName()
					+ "' in the topology; apply a topology file that lists it");
		}
		if (request.getChunkServerId() != 0) {
			checkToken(topology.chunkServer(request.getChunkServerId())
				.orElseThrow(() -> new CurveException(ErrorCode.CHUNKSERVER_NOT_FOUND,
						"no chunkserver " + request.getChunkServerId() + "; register without an id to get a new one")),
					request.getToken());
		}
		if (request.getHost().isBlank() || request.getPort() == 0 || request.getRaftPort() == 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "host, port and raft_port are required");
		}
		byte[] token = new byte[16];
		this.random.nextBytes(token);
		RegisterChunkServerCommand command = RegisterChunkServerCommand.newBuilder()
			.setServerName(request.getServerName())
			.setHost(request.getHost())
			.setPort(request.getPort())
			.setRaftPort(request.getRaftPort())
			.setDiskPath(request.getDiskPath())
			.setDiskCapacity(request.getDiskCapacity())
			.setChunkSize(request.getChunkSize())
			.setChunkServerId(request.getChunkServerId())
			.setToken(request.getToken())
			.setNewToken(HexFormat.of().formatHex(token))
			.build();
		return (ChunkServerRecord) this.raft.propose(MdsCommand.newBuilder().setRegisterChunkServer(command).build());
	}

	/** The chunkserver with this id, if the token is its own. */
	public ChunkServerRecord authenticate(Topology topology, int chunkServerId, String token) {
		ChunkServerRecord cs = topology.chunkServer(chunkServerId)
			.orElseThrow(() -> new CurveException(ErrorCode.CHUNKSERVER_NOT_FOUND,
					"no chunkserver " + chunkServerId + "; register first"));
		checkToken(cs, token);
		return cs;
	}

	static void checkToken(ChunkServerRecord cs, String token) {
		boolean same = MessageDigest.isEqual(cs.getToken().getBytes(StandardCharsets.UTF_8),
				token.getBytes(StandardCharsets.UTF_8));
		if (!same) {
			throw new CurveException(ErrorCode.CHUNKSERVER_TOKEN_MISMATCH,
					"chunkserver " + cs.getId() + " presented a wrong token");
		}
	}

}
