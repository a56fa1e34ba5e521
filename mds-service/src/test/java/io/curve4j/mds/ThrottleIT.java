package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.RawJson;
import io.curve4j.mds.MdsNode.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A volume's QoS limits over REST on one MDS with authentication on: set, show (also in
 * the volume's stat), replace and clear by the owner and by root, and every refusal,
 * none of which changes what is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class ThrottleIT {

	private static final String ROOT_PASSWORD = "throttle-it-root";

	@TempDir
	static Path dir;

	private MdsNode mds;

	private final SigningKey root = SigningKey.of("root", ROOT_PASSWORD);

	private SigningKey alice;

	private SigningKey bob;

	private long volume;

	private long directory;

	@BeforeAll
	void start() {
		this.mds = MdsNode.start(dir.resolve("mds"), LoopbackPorts.free(), 0, 0,
				"--curve.mds.auth.root-password=" + ROOT_PASSWORD);
		await().atMost(Duration.ofSeconds(15)).until(this.mds::isLeader);
		for (String user : List.of("alice", "bob")) {
			Response created = this.mds.send(this.root, "POST", "/api/v1/users",
					Map.of("name", user, "password", user + "-password"));
			assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		}
		this.alice = SigningKey.of("alice", "alice-password");
		this.bob = SigningKey.of("bob", "bob-password");
		this.directory = this.mds.send(this.alice, "POST", "/api/v1/directories", Map.of("path", "/alice"))
			.body()
			.path("id")
			.asLong();
		Response created = this.mds.send(this.alice, "POST", "/api/v1/volumes",
				Map.of("path", "/alice/vol", "size", Sizes.GIB));
		assertThat(created.status()).isEqualTo(201);
		this.volume = created.body().path("id").asLong();
	}

	@AfterAll
	void stop() {
		if (this.mds != null) {
			this.mds.close();
		}
	}

	@Test
	void theOwnerAndRootSetShowReplaceAndClearLimits() {
		Response set = this.mds.send(this.alice, "PUT", throttle(this.volume),
				Map.of("iops", 500, "writeBps", 100 * Sizes.MIB));
		assertThat(set.status()).isEqualTo(200);
		assertThat(set.body().path("iops").asLong()).isEqualTo(500);
		assertThat(set.body().path("writeBps").asLong()).isEqualTo(100 * Sizes.MIB);
		assertThat(set.body().path("burstMs").asLong()).as("the default burst").isEqualTo(100);
		assertThat(set.body().path("readIops").isNull()).isTrue();
		assertThat(this.mds.send(this.alice, "GET", throttle(this.volume), null).body()).isEqualTo(set.body());
		JsonNode stat = this.mds.send(this.alice, "GET", "/api/v1/volumes/" + this.volume, null).body();
		assertThat(stat.path("throttle")).isEqualTo(set.body());
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/volumes/info?path=/alice/vol", null).body().path("throttle"))
			.isEqualTo(set.body());

		// a PUT replaces every limit, and root may set another user's
		Response replaced = this.mds.send(this.root, "PUT", throttle(this.volume),
				Map.of("bps", Sizes.MIB, "readIops", 20, "burstMs", 2000));
		assertThat(replaced.status()).isEqualTo(200);
		assertThat(replaced.body().path("iops").isNull()).isTrue();
		assertThat(replaced.body().path("writeBps").isNull()).isTrue();
		assertThat(replaced.body().path("bps").asLong()).isEqualTo(Sizes.MIB);
		assertThat(replaced.body().path("readIops").asLong()).isEqualTo(20);
		assertThat(replaced.body().path("burstMs").asLong()).isEqualTo(2000);

		assertThat(this.mds.send(this.alice, "DELETE", throttle(this.volume), null).status()).isEqualTo(204);
		JsonNode cleared = this.mds.send(this.alice, "GET", throttle(this.volume), null).body();
		assertThat(cleared.properties()).allSatisfy(field -> assertThat(field.getValue().isNull()).isTrue());
		assertThat(this.mds.send(this.alice, "GET", "/api/v1/volumes/" + this.volume, null).body().path("throttle").isNull())
			.isTrue();
		// clearing a volume without limits is fine
		assertThat(this.mds.send(this.root, "DELETE", throttle(this.volume), null).status()).isEqualTo(204);
	}

	@Test
	void everyRefusalHasItsCodeAndChangesNothing() {
		Response baseline = this.mds.send(this.alice, "PUT", throttle(this.volume), Map.of("iops", 100));
		assertThat(baseline.status()).isEqualTo(200);

		for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("iops", -1), Map.of("bps", -5),
				Map.of("readIops", 10_000_001), Map.of("writeBps", 17 * Sizes.GIB), Map.of(), Map.of("iops", 0),
				Map.of("burstMs", 500), Map.of("iops", 10, "burstMs", -1), Map.of("iops", 10, "burstMs", 60_001))) {
			assertProblem(this.mds.send(this.alice, "PUT", throttle(this.volume), bad), 400, ErrorCode.INVALID_THROTTLE);
		}
		Map<String, Object> notANumber = new HashMap<>();
		notANumber.put("iops", "many");
		assertProblem(this.mds.send(this.alice, "PUT", throttle(this.volume), notANumber), 400,
				ErrorCode.INVALID_ARGUMENT);

		for (String malformed : List.of("", "null", "{", "[]", "42", "{\"iops\":1e400}", "{\"iops\":[5]}")) {
			Response r = this.mds.send(this.alice, "PUT", throttle(this.volume), new RawJson(malformed));
			assertProblem(r, 400, ErrorCode.INVALID_ARGUMENT);
		}

		// another user's volume: neither seen nor changed
		assertProblem(this.mds.send(this.bob, "GET", throttle(this.volume), null), 403, ErrorCode.NOT_OWNER);
		assertProblem(this.mds.send(this.bob, "PUT", throttle(this.volume), Map.of("iops", 1)), 403,
				ErrorCode.NOT_OWNER);
		assertProblem(this.mds.send(this.bob, "DELETE", throttle(this.volume), null), 403, ErrorCode.NOT_OWNER);

		long unknown = this.volume + 1000;
		assertProblem(this.mds.send(this.alice, "GET", throttle(unknown), null), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "PUT", throttle(unknown), Map.of("iops", 1)), 404,
				ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "DELETE", throttle(unknown), null), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.send(this.alice, "PUT", throttle(this.directory), Map.of("iops", 1)), 409,
				ErrorCode.NOT_A_VOLUME);
		assertProblem(this.mds.send(this.alice, "GET", throttle(this.directory), null), 409, ErrorCode.NOT_A_VOLUME);

		assertThat(this.mds.send(this.alice, "GET", throttle(this.volume), null).body()).isEqualTo(baseline.body());
	}

	private static String throttle(long id) {
		return "/api/v1/volumes/" + id + "/throttle";
	}

	private static void assertProblem(Response r, int status, ErrorCode code) {
		assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
		assertThat(r.contentType()).startsWith("application/problem+json");
		assertThat(r.code()).isEqualTo(code.name());
		assertThat(r.body().path("detail").asString()).isNotBlank();
	}

}
