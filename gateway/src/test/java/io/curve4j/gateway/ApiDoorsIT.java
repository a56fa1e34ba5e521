package io.curve4j.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.auth.SigningKey;
import io.curve4j.gateway.ApiClient.Answer;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.heartbeat.v1.HeartbeatServiceGrpc;
import io.curve4j.proto.heartbeat.v1.RegisterChunkServerRequest;
import io.curve4j.proto.mds.v1.UserRecord;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The REST door, attacked with raw HTTP on the MDS's own port and through the gateway:
 * odd paths, a user who is not root, captured, altered and stale signatures, a token
 * minting tokens, an oversized body, a chunkserver without the join token. Each attack
 * gets its stated code and changes nothing (the recovery scheduler stays running, no
 * directory or chunkserver appears).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDoorsIT {

	private GatewayCluster cluster;

	private ApiClient root;

	private ApiClient alice;

	@BeforeAll
	void start(@TempDir Path dir) {
		this.cluster = GatewayCluster.start(dir, 3);
		this.root = ApiClient.signed(this.cluster.gatewayPort(), "root", GatewayCluster.ROOT_PASSWORD);
		Answer created = this.root.post("/api/v1/users", Map.of("name", "alice", "password", "alice-password"));
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		this.alice = ApiClient.signed(this.cluster.gatewayPort(), "alice", "alice-password");
	}

	@AfterAll
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void pathsThatHideTheirMeaningAreRefusedAndChangeNothing() {
		ApiClient leader = ApiClient.anonymous(this.cluster.mdsPort(leader()));
		Answer semicolon = leader.post("/api;x/v1/schedulers/recovery/pause", null);
		assertThat(semicolon.status()).isEqualTo(400);
		assertThat(semicolon.code()).isEqualTo("INVALID_PATH");
		assertThat(semicolon.contentType()).startsWith("application/problem+json");
		// an encoded letter decodes to /api/v1/...: authenticated like it
		Answer encoded = leader.post("/%61pi/v1/schedulers/recovery/pause", null);
		assertThat(encoded.status()).isEqualTo(401);
		assertThat(encoded.code()).isEqualTo("UNAUTHENTICATED");
		Answer encodedSlash = leader.post("/api%2Fv1/schedulers/recovery/pause", null);
		assertThat(encodedSlash.status()).isEqualTo(400);
		Answer dotted = leader.post("/api/v1/x/../schedulers/recovery/pause", null);
		assertThat(dotted.status()).isIn(400, 401);
		ApiClient anyBearer = ApiClient.anonymous(this.cluster.gatewayPort()).withToken("anything");
		assertThat(anyBearer.post("/api;x/v1/schedulers/recovery/pause", null).status()).isBetween(400, 499);
		assertThat(anyBearer.post("/api/v1/schedulers/recovery/pause", null).status()).isEqualTo(401);
		assertRecoveryRuns();
	}

	@Test
	void adminOperationsNeedRoot() {
		for (Answer denied : List.of(this.alice.post("/api/v1/schedulers/recovery/pause", null),
				this.alice.send("POST", "/api/v1/topology", "application/yaml", "servers: []\n"),
				this.alice.get("/api/v1/operators"), this.alice.get("/api/v1/users"))) {
			assertThat(denied.status()).as(denied.text()).isEqualTo(403);
			assertThat(denied.code()).isEqualTo("ROOT_REQUIRED");
		}
		assertRecoveryRuns();
		// root may: the rule is about who asks, not what
		assertThat(this.root.post("/api/v1/schedulers/recovery/pause", null).status()).isEqualTo(200);
		assertThat(this.root.post("/api/v1/schedulers/recovery/resume", null).status()).isEqualTo(200);
		assertRecoveryRuns();
	}

	@Test
	void aSignatureIsGoodForOneRequestAndOnlyThatOne() {
		SigningKey key = SigningKey.of("alice", "alice-password");
		byte[] body = "{\"path\":\"/replayed\"}".getBytes(StandardCharsets.UTF_8);
		Map<String, String> headers = key.sign("POST", "/api/v1/directories", null, body);
		ApiClient captured = ApiClient.anonymous(this.cluster.gatewayPort()).withHeaders(headers);
		assertThat(captured.send("POST", "/api/v1/directories", "application/json", new String(body, StandardCharsets.UTF_8))
			.status()).isEqualTo(201);
		Answer replayed = captured.send("POST", "/api/v1/directories", "application/json",
				new String(body, StandardCharsets.UTF_8));
		assertThat(replayed.status()).isEqualTo(401);
		assertThat(replayed.code()).isEqualTo("REPLAYED_SIGNATURE");

		Map<String, String> fresh = key.sign("POST", "/api/v1/directories", null, body);
		Answer altered = ApiClient.anonymous(this.cluster.gatewayPort())
			.withHeaders(fresh)
			.send("POST", "/api/v1/directories", "application/json", "{\"path\":\"/altered\"}");
		assertThat(altered.status()).isEqualTo(401);
		assertThat(altered.code()).isEqualTo("UNAUTHENTICATED");
		Answer otherPath = ApiClient.anonymous(this.cluster.gatewayPort())
			.withHeaders(key.sign("GET", "/api/v1/volumes", null, new byte[0]))
			.get("/api/v1/users");
		assertThat(otherPath.status()).isEqualTo(401);
		assertThat(this.root.get("/api/v1/directories?path=/").text()).doesNotContain("/altered");
	}

	@Test
	void aStaleSignatureIsRefused() {
		long date = System.currentTimeMillis() - 20_000;
		byte[] key = RequestSignature.signingKey("alice", "alice-password");
		RequestSignature.Signed signed = new RequestSignature.Signed("GET", "/api/v1/volumes", "",
				RequestSignature.sha256Hex(new byte[0]), date, "n-stale", "alice");
		Map<String, String> headers = new HashMap<>();
		headers.put(RequestSignature.OWNER_HEADER, "alice");
		headers.put(RequestSignature.DATE_HEADER, Long.toString(date));
		headers.put(RequestSignature.NONCE_HEADER, "n-stale");
		headers.put(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(key, signed));
		Answer stale = ApiClient.anonymous(this.cluster.gatewayPort()).withHeaders(headers).get("/api/v1/volumes");
		assertThat(stale.status()).isEqualTo(401);
		assertThat(stale.code()).isEqualTo("STALE_SIGNATURE");
	}

	@Test
	void aTokenCannotMintTokens() {
		Answer token = this.alice.post("/api/v1/tokens", null);
		assertThat(token.status()).isEqualTo(201);
		ApiClient bearer = ApiClient.anonymous(this.cluster.gatewayPort()).withToken(token.body().path("token").asString());
		assertThat(bearer.get("/api/v1/volumes").status()).isEqualTo(200);
		Answer minted = bearer.post("/api/v1/tokens", null);
		assertThat(minted.status()).isEqualTo(403);
		assertThat(minted.code()).isEqualTo("SIGNATURE_REQUIRED");
	}

	@Test
	void theMdsRefusesAnOversizedBodyOnItsOwnPort() {
		ApiClient direct = ApiClient.signed(this.cluster.mdsPort(leader()), "root", GatewayCluster.ROOT_PASSWORD);
		Answer tooLarge = direct.send("POST", "/api/v1/topology", "application/yaml", "#".repeat(2 * 1024 * 1024));
		assertThat(tooLarge.status()).isEqualTo(413);
		assertThat(tooLarge.code()).isEqualTo("BODY_TOO_LARGE");
	}

	@Test
	void passwordsAreKeptOnlyAsDerivedKeys() {
		for (int i = 0; i < this.cluster.members(); i++) {
			MdsStore store = this.cluster.mds(i).bean(MdsStore.class);
			await().until(() -> store.get(MdsSchema.USERS, "alice").isPresent());
			UserRecord alice = store.get(MdsSchema.USERS, "alice").orElseThrow();
			assertThat(alice.getPassword()).isEmpty();
			assertThat(alice.getSigningKey().toByteArray())
				.isEqualTo(RequestSignature.signingKey("alice", "alice-password"));
		}
	}

	@Test
	void aChunkserverJoinsOnlyWithTheJoinToken() {
		Answer applied = this.root.send("POST", "/api/v1/topology", "application/yaml",
				"servers:\n  - name: server-1\n    host: 127.0.0.1\n    zone: zone-1\n    physicalPool: pool-1\n");
		assertThat(applied.status()).as(applied.text()).isEqualTo(200);
		ManagedChannel channel = ManagedChannelBuilder.forTarget(this.cluster.mdsGrpc(leader())).usePlaintext().build();
		try {
			HeartbeatServiceGrpc.HeartbeatServiceBlockingStub mds = HeartbeatServiceGrpc.newBlockingStub(channel);
			RegisterChunkServerRequest.Builder request = RegisterChunkServerRequest.newBuilder()
				.setServerName("server-1")
				.setHost("127.0.0.1")
				.setPort(7001)
				.setRaftPort(7002)
				.setDiskPath("/data/cs")
				.setToken("0123456789abcdef0123456789abcdef");
			for (String joinToken : List.of("", "guessed")) {
				assertThatThrownBy(() -> mds.registerChunkServer(request.setJoinToken(joinToken).build()))
					.isInstanceOfSatisfying(StatusRuntimeException.class,
							ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
			}
			assertThat(this.root.get("/api/v1/topology").body().path("chunkServers")).isEmpty();
			assertThat(mds.registerChunkServer(request.setJoinToken(GatewayCluster.JOIN_TOKEN).build()).getChunkServerId())
				.isPositive();
			assertThat(this.root.get("/api/v1/topology").body().path("chunkServers")).hasSize(1);
		}
		finally {
			channel.shutdownNow();
		}
	}

	private int leader() {
		int leader = this.cluster.leader();
		assertThat(leader).isGreaterThanOrEqualTo(0);
		return leader;
	}

	private void assertRecoveryRuns() {
		Answer schedulers = this.root.get("/api/v1/schedulers");
		assertThat(schedulers.status()).isEqualTo(200);
		schedulers.body().forEach(s -> {
			if (s.path("name").asString().equals("recovery")) {
				assertThat(s.path("paused").asBoolean()).as("recovery paused").isFalse();
			}
		});
		assertThat(schedulers.text()).contains("recovery");
	}

}
