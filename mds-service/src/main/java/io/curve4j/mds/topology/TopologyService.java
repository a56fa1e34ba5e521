package io.curve4j.mds.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.config.MdsProperties;
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

	/** A token a chunkserver drew for itself: 128 to 512 random bits in hex. */
	private static final Pattern CHUNKSERVER_TOKEN = Pattern.compile("[0-9a-f]{32,128}");

	private final SecureRandom random = new SecureRandom();

	private final MdsRaft raft;

	private final MdsStore store;

	/** What a first registration must present; null: registration is open (no token configured). */
	private final String joinToken;

	public TopologyService(MdsRaft raft, MdsStore store, MdsProperties properties) {
		this.raft = raft;
		this.store = store;
		this.joinToken = properties.getAuth().resolveJoinToken();
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
	 * Registers a chunkserver: a new one presents the cluster's join token (when one is
	 * configured) and gets a new id, keeping the token it drew; one presenting its id and
	 * token keeps its id and has its address updated. No answer ever carries a token the
	 * caller did not present.
	 */
	public ChunkServerRecord register(RegisterChunkServerRequest request) {
		if (request.getChunkServerId() == 0 && this.joinToken != null
				&& !MessageDigest.isEqual(this.joinToken.getBytes(StandardCharsets.UTF_8),
						request.getJoinToken().getBytes(StandardCharsets.UTF_8))) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "a first registration needs the cluster's join token"
					+ " (curve.chunkserver.join-token.file, as given to the MDS in curve.mds.auth.join-token.file)");
		}
		if (request.getChunkServerId() == 0 && !request.getToken().isEmpty()
				&& !CHUNKSERVER_TOKEN.matcher(request.getToken()).matches()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a chunkserver's own token is 32 to 128 hex digits");
		}
		Topology topology = current();
		if (topology.server(request.getServerName()).isEmpty()) {
			throw new CurveException(ErrorCode.SERVER_NOT_FOUND, "no server named '" + request.getServerName()
					+ "' in the topology; apply a topology file that lists it");
		}
		if (request.getChunkServerId() != 0) {
			checkToken(topology.chunkServer(request.getChunkServerId())
				.orElseThrow(() -> new CurveException(ErrorCode.CHUNKSERVER_NOT_FOUND,
						"no chunkserver " + request.getChunkServerId() + "; register without an id to get a new one")),
					request.getToken(), ErrorCode.CHUNKSERVER_TOKEN_MISMATCH);
		}
		if (request.getHost().isBlank() || request.getPort() == 0 || request.getRaftPort() == 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "host, port and raft_port are required");
		}
		if (request.getChunkServerId() == 0) {
			// refused here, before it costs a log entry; applying the command checks again
			for (ChunkServerRecord cs : topology.chunkServers()) {
				if (cs.getHost().equals(request.getHost()) && cs.getRaftPort() == request.getRaftPort()
						&& cs.getDiskPath().equals(request.getDiskPath())) {
					checkToken(cs, request.getToken(), ErrorCode.CHUNKSERVER_EXISTS);
				}
			}
		}
		String newToken = request.getToken();
		if (request.getChunkServerId() != 0 || newToken.isEmpty()) {
			byte[] token = new byte[16];
			this.random.nextBytes(token);
			newToken = HexFormat.of().formatHex(token);
		}
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
			.setNewToken(newToken)
			.build();
		return (ChunkServerRecord) this.raft.propose(MdsCommand.newBuilder().setRegisterChunkServer(command).build());
	}

	/** The chunkserver with this id, if the token is its own. */
	public ChunkServerRecord authenticate(Topology topology, int chunkServerId, String token) {
		ChunkServerRecord cs = topology.chunkServer(chunkServerId)
			.orElseThrow(() -> new CurveException(ErrorCode.CHUNKSERVER_NOT_FOUND,
					"no chunkserver " + chunkServerId + "; register first"));
		checkToken(cs, token, ErrorCode.CHUNKSERVER_TOKEN_MISMATCH);
		return cs;
	}

	static void checkToken(ChunkServerRecord cs, String token, ErrorCode refusal) {
		boolean same = MessageDigest.isEqual(cs.getToken().getBytes(StandardCharsets.UTF_8),
				token.getBytes(StandardCharsets.UTF_8));
		if (!same) {
			throw new CurveException(refusal, refusal == ErrorCode.CHUNKSERVER_EXISTS
					? "chunkserver " + cs.getId() + " is registered at this address and disk; its own token is required"
					: "chunkserver " + cs.getId() + " presented a wrong token");
		}
	}

}
