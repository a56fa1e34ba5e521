package io.curve4j.gateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.gateway.ApiClient.Answer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through the gateway on a real three-member MDS group: a volume's whole
 * life, two users who cannot see each other's volumes, paging over hundreds of
 * volumes, a corpus of bad requests that changes nothing, the leader changing under
 * the gateway, and every backend gone. One cluster for the class; ordered, because the
 * last scenarios stop MDS members.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class GatewayIT {

	private static final long GIB = 1L << 30;

	private GatewayCluster cluster;

	private ApiClient root;

	private ApiClient alice;

	private ApiClient bob;

	@BeforeAll
	void start(@TempDir Path dir) {
		this.cluster = GatewayCluster.start(dir, 3);
		this.root = ApiClient.signed(this.cluster.gatewayPort(), "root", GatewayCluster.ROOT_PASSWORD);
		for (String user : List.of("alice", "bob")) {
			ApiClient.Answer created = this.root.post("/api/v1/users", Map.of("name", user, "password", user + "-password"));
			assertThat(created.status()).as(created.text()).isEqualTo(201);
		}
		this.alice = ApiClient.signed(this.cluster.gatewayPort(), "alice", "alice-password");
		this.bob = ApiClient.signed(this.cluster.gatewayPort(), "bob", "bob-password");
	}

	@AfterAll
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	@Order(1)
	void aVolumesWholeLifeWithABearerToken() {
		Answer token = this.alice.post("/api/v1/tokens", null);
		assertThat(token.status()).isEqualTo(201);
		ApiClient client = ApiClient.anonymous(this.cluster.gatewayPort()).withToken(token.body().path("token").asString());

		assertThat(client.post("/api/v1/directories", Map.of("path", "/alice")).status()).isEqualTo(201);
		Answer created = client.post("/api/v1/volumes", Map.of("path", "/alice/v1", "size", 10 * GIB));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.body().path("owner").asString()).isEqualTo("alice");
		long id = created.body().path("id").asLong();
		assertThat(created.location()).isEqualTo("/api/v1/volumes/" + id);

		assertThat(client.get("/api/v1/volumes/" + id).body().path("path").asString()).isEqualTo("/alice/v1");
		Answer extended = client.post("/api/v1/volumes/" + id + "/extend", Map.of("size", 20 * GIB));
		assertThat(extended.body().path("size").asLong()).isEqualTo(20 * GIB);
		Answer renamed = client.post("/api/v1/volumes/" + id + "/rename", Map.of("path", "/alice/v2"));
		assertThat(renamed.body().path("path").asString()).isEqualTo("/alice/v2");
		Answer attach = client.post("/api/v1/volumes/" + id + "/attachments", null);
		assertThat(attach.status()).isEqualTo(200);
		assertThat(attach.body().path("nbdUri").asString()).isEqualTo("nbd://127.0.0.1:10809/alice/v2");
		assertThat(attach.body().path("mdsAddresses")).hasSize(3);
		assertThat(client.delete("/api/v1/volumes/" + id + "/attachments").status()).isEqualTo(204);
		assertThat(client.get("/api/v1/cluster/capacity").body().path("provisionedBytes").asLong())
			.isGreaterThanOrEqualTo(20 * GIB);
		Answer deleted = client.delete("/api/v1/volumes/" + id);
		assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
		Answer gone = client.get("/api/v1/volumes/" + id);
		assertThat(gone.status()).isEqualTo(404);
		assertThat(gone.code()).isEqualTo("VOLUME_NOT_FOUND");
		// CurveFS file systems go the same way to the leader
		assertThat(client.get("/api/v1/fs").body().path("content")).isEmpty();
		Answer noFs = client.get("/api/v1/fs/none");
		assertThat(noFs.status()).isEqualTo(404);
		assertThat(noFs.code()).isEqualTo("FS_NOT_FOUND");
	}

	@Test
	@Order(2)
	void twoUsersCannotSeeEachOthersVolumes() {
		long aliceVolume = this.alice.post("/api/v1/volumes", Map.of("path", "/alice/v1", "size", GIB))
			.body()
			.path("id")
			.asLong();
		assertThat(this.bob.post("/api/v1/directories", Map.of("path", "/bob")).status()).isEqualTo(201);
		long bobVolume = this.bob.post("/api/v1/volumes", Map.of("path", "/bob/v1", "size", GIB)).body().path("id").asLong();

		assertThat(ids(this.alice.get("/api/v1/volumes"))).contains(aliceVolume).doesNotContain(bobVolume);
		assertThat(ids(this.bob.get("/api/v1/volumes"))).contains(bobVolume).doesNotContain(aliceVolume);
		assertThat(ids(this.root.get("/api/v1/volumes"))).contains(aliceVolume, bobVolume);
		Answer denied = this.bob.get("/api/v1/volumes/" + aliceVolume);
		assertThat(denied.status()).isEqualTo(403);
		assertThat(denied.code()).isEqualTo("NOT_OWNER");
		assertThat(this.bob.delete("/api/v1/volumes/" + aliceVolume).code()).isEqualTo("NOT_OWNER");
		assertThat(this.alice.get("/api/v1/directories?path=/").body().path("content").findValuesAsString("path"))
			.containsExactly("/alice");
	}

	@Test
	@Order(3)
	void pagingOverHundredsOfVolumes() {
		assertThat(this.root.post("/api/v1/directories", Map.of("path", "/many")).status()).isEqualTo(201);
		int count = 250;
		for (int i = 0; i < count; i++) {
			assertThat(this.root.post("/api/v1/volumes", Map.of("path", String.format("/many/v%03d", i), "size", GIB))
				.status()).isEqualTo(201);
		}
		List<String> seen = new ArrayList<>();
		for (int page = 0; page < 3; page++) {
			JsonNode body = this.root.get("/api/v1/directories?path=/many&size=100&sort=name,desc&page=" + page).body();
			assertThat(body.path("page").path("totalElements").asLong()).isEqualTo(count);
			assertThat(body.path("page").path("totalPages").asInt()).isEqualTo(3);
			body.path("content").forEach(v -> seen.add(v.path("name").asString()));
		}
		assertThat(seen).hasSize(count).doesNotHaveDuplicates();
		assertThat(seen.get(0)).isEqualTo("v249");
		assertThat(seen.get(count - 1)).isEqualTo("v000");
		JsonNode bySize = this.root.get("/api/v1/volumes?size=1000&sort=path").body();
		assertThat(bySize.path("content").size()).isGreaterThanOrEqualTo(count);
	}

	@Test
	@Order(4)
	void aCorpusOfBadRequestsIsRefusedAndChangesNothing() {
		long foreign = this.alice.get("/api/v1/volumes/info?path=/alice/v1").body().path("id").asLong();
		assertThat(this.root.post("/api/v1/users", Map.of("name", "mallory", "password", "mallory-password")).status())
			.isEqualTo(201);
		ApiClient mallory = ApiClient.signed(this.cluster.gatewayPort(), "mallory", "mallory-password");
		String before = snapshot();
		List<BadInputCorpus.Case> corpus = BadInputCorpus.generate(this.root, mallory,
				ApiClient.anonymous(this.cluster.gatewayPort()), foreign);
		assertThat(corpus).hasSizeGreaterThan(300);
		List<String> wrong = new ArrayList<>();
		for (BadInputCorpus.Case c : corpus) {
			Answer a = c.client().send(c.method(), c.path(), c.contentType(), c.body());
			boolean problem = a.contentType().startsWith("application/problem+json") && !a.code().isEmpty()
					&& !a.body().path("detail").asString("").isEmpty() && a.body().path("type").isString()
					&& a.body().path("title").isString() && a.body().path("status").asInt() == a.status();
			if (a.status() < 400 || a.status() >= 500 || !problem || a.text().contains("at io.curve4j")) {
				wrong.add(c.name() + " " + c.method() + " " + abbreviate(c.path()) + " -> " + a.status() + " "
						+ abbreviate(a.text()));
			}
		}
		assertThat(wrong).as("requests not answered with a 4xx problem").isEmpty();
		assertThat(snapshot()).as("bad input changed nothing").isEqualTo(before);
	}

	@Test
	@Order(5)
	void theLeaderChangesUnderTheGatewayWithoutFailedRequests() {
		int leader = this.cluster.leader();
		assertThat(leader).isNotNegative();
		assertThat(this.root.post("/api/v1/directories", Map.of("path", "/ha")).status()).isEqualTo(201);
		List<String> failures = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			if (i == 10) {
				this.cluster.stopMds(leader);
			}
			Answer write = this.root.post("/api/v1/volumes", Map.of("path", "/ha/v" + i, "size", GIB));
			Answer read = this.root.get("/api/v1/volumes/info?path=/ha/v" + i);
			if (write.status() != 201 || read.status() != 200) {
				failures.add(i + ": " + write.status() + " " + write.code() + " / " + read.status() + " " + read.code());
			}
		}
		assertThat(failures).as("requests that failed while the leader changed").isEmpty();
		assertThat(this.cluster.leader()).isNotEqualTo(leader).isNotNegative();
	}

	@Test
	@Order(6)
	void everyBackendGoneIsA503Problem() {
		for (int i = 0; i < 3; i++) {
			this.cluster.stopMds(i);
		}
		Answer down = this.root.get("/api/v1/volumes");
		assertThat(down.status()).isEqualTo(503);
		assertThat(down.contentType()).startsWith("application/problem+json");
		assertThat(down.code()).isEqualTo("UNAVAILABLE");
	}

	private String snapshot() {
		List<String> state = new ArrayList<>();
		for (JsonNode v : this.root.get("/api/v1/volumes?size=1000&sort=id").body().path("content")) {
			state.add(v.path("id").asLong() + " " + v.path("path").asString() + " " + v.path("size").asLong() + " "
					+ v.path("owner").asString());
		}
		this.root.get("/api/v1/directories?path=/&size=1000").body().path("content").forEach(d -> state.add(d.path("path").asString()));
		this.root.get("/api/v1/users?size=1000").body().path("content").forEach(u -> state.add(u.path("name").asString()));
		return String.join("\n", state);
	}

	private static List<Long> ids(Answer page) {
		List<Long> ids = new ArrayList<>();
		page.body().path("content").forEach(v -> ids.add(v.path("id").asLong()));
		return ids;
	}

	private static String abbreviate(String s) {
		String one = s == null ? "" : s.replaceAll("\\s+", " ");
		return one.length() > 160 ? one.substring(0, 160) + "..." : one;
	}

}
