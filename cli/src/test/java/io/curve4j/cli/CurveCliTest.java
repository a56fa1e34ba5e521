package io.curve4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.sdk.cluster.FakeRestMds;

/** Argument handling and error reporting of the command line, without a cluster. */
class CurveCliTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final StringWriter out = new StringWriter();

	private final StringWriter err = new StringWriter();

	private String nowhere;

	@BeforeEach
	void closedPort() {
		this.nowhere = "127.0.0.1:" + LoopbackPorts.free();
	}

	private int run(String... args) {
		CommandLine cli = CurveCli.commandLine();
		cli.setOut(new PrintWriter(this.out, true));
		cli.setErr(new PrintWriter(this.err, true));
		return cli.execute(args);
	}

	@Test
	void helpListsEveryCommand() {
		assertThat(run("--help")).isZero();
		assertThat(this.out.toString()).contains("local", "status", "topology", "volume", "bench");
	}

	@Test
	void anOutputFormatOtherThanTextOrJsonIsAUsageError() {
		assertThat(run("status", "--output", "yaml", "--mds", this.nowhere)).isEqualTo(2);
		assertThat(this.err.toString()).contains("--output", "yaml", "text, json");
		assertThat(this.out.toString()).isEmpty();
	}

	@Test
	void commandsThatOnlyActTakeNoOutputFormat() {
		assertThat(run("volume", "delete", "/demo/vol1", "--output", "json", "--mds", this.nowhere)).isEqualTo(2);
		assertThat(this.err.toString()).contains("Unknown options: '--output', 'json'");
	}

	@Test
	void completionPrintsABashScriptOfEveryCommand() {
		assertThat(run("completion")).as(this.err::toString).isZero();
		assertThat(this.out.toString()).contains("complete -F", "_picocli_curve", "volume", "snapshot", "--output");
		assertThat(run("--help")).isZero();
		assertThat(this.out.toString()).contains("completion");
	}

	@Test
	void aSizeThatIsNotASizeIsAUsageError() {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "10XB")).isEqualTo(2);
		assertThat(this.err.toString()).contains("'10XB' is not a size");
	}

	@Test
	void aMissingSizeIsAUsageError() {
		assertThat(run("volume", "create", "/demo/vol1")).isEqualTo(2);
		assertThat(this.err.toString()).contains("Missing required option: '--size=SIZE'");
	}

	@Test
	void aNonPositiveSizeFails() {
		assertThat(run("volume", "extend", "/demo/vol1", "--size", "0", "--mds", this.nowhere)).isEqualTo(1);
		assertThat(this.err.toString()).contains("error: INVALID_SIZE");
	}

	@Test
	void aMissingTopologyFileIsReportedWithoutAStackTrace() {
		assertThat(run("topology", "apply", "/no/such/topology.yaml", "--mds", this.nowhere)).isEqualTo(1);
		assertThat(this.err.toString().strip())
			.isEqualTo("error: INVALID_ARGUMENT: topology file /no/such/topology.yaml does not exist");
	}

	@Test
	void aMissingImportFileIsReported() {
		assertThat(run("volume", "import", "/demo/vol1", "/no/such/disk.img", "--mds", this.nowhere)).isEqualTo(1);
		assertThat(this.err.toString()).contains("file /no/such/disk.img does not exist");
	}

	@Test
	void anUnreachableClusterIsUnavailable() {
		assertThat(run("status", "--mds", this.nowhere)).isEqualTo(1);
		assertThat(this.err.toString()).startsWith("error: UNAVAILABLE: no MDS answered").doesNotContain("\tat ");
	}

	@Test
	void verboseAddsTheStackTrace() {
		assertThat(run("status", "--verbose", "--mds", this.nowhere)).isEqualTo(1);
		assertThat(this.err.toString()).contains("\tat ");
	}

	@Test
	void benchRejectsBadArguments() {
		assertThat(run("bench", "/demo/vol1", "--rw", "sideways", "--mds", this.nowhere)).isEqualTo(2);
		assertThat(this.err.toString()).contains("--rw");
		assertThat(run("bench", "/demo/vol1", "--rw", "randwrite", "--bs", "1000", "--mds", this.nowhere))
			.isEqualTo(1);
		assertThat(this.err.toString()).contains("--bs must be a positive multiple of 512");
		assertThat(run("bench", "/demo/vol1", "--rw", "read", "--iodepth", "0", "--mds", this.nowhere)).isEqualTo(1);
		assertThat(this.err.toString()).contains("--iodepth must be 1..1024");
	}

	@Test
	void statusPrintsHealthAndExitsZeroOnlyWhenHealthy() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/cluster/status", """
					{"healthy":false,
					 "mds":{"leader":{"raft":"127.0.0.1:6800","grpc":"127.0.0.1:6700","http":"127.0.0.1:6600"},
					        "members":[{"raft":"127.0.0.1:6800","grpc":"127.0.0.1:6700","http":"127.0.0.1:6600","leader":true}]},
					 "chunkServers":{"total":3,"online":2},
					 "metaServers":{"total":3,"online":3},
					 "copysets":{"total":12,"healthy":4,"degraded":8,"unavailable":0},
					 "problems":["chunkserver 2 (127.0.0.1:8201) is offline"]}
					""");
			assertThat(run("status", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.out.toString()).contains("UNHEALTHY", "MDS leader:   127.0.0.1:6600", "chunkservers: 2/3 online",
					"metaservers:  3/3 online",
					"12 total, 4 healthy, 8 degraded, 0 unavailable", "- chunkserver 2 (127.0.0.1:8201) is offline");

			this.out.getBuffer().setLength(0);
			assertThat(run("status", "--output", "json", "--mds", mds.address())).as("exit code as with text").isEqualTo(1);
			JsonNode status = JSON.readTree(this.out.toString());
			assertThat(status.path("healthy").asBoolean(true)).isFalse();
			assertThat(status.path("chunkServers").path("online").asLong()).isEqualTo(2);
			assertThat(status.path("mds").path("leader").path("http").asString()).isEqualTo("127.0.0.1:6600");
			assertThat(status.path("problems").get(0).asString()).isEqualTo("chunkserver 2 (127.0.0.1:8201) is offline");
		}
	}

	@Test
	void topologyShowPrintsTables() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/topology", """
					{"physicalPools":[{"id":1,"name":"pool1"}],
					 "zones":[{"id":1,"name":"zone1","physicalPool":"pool1"}],
					 "servers":[{"id":1,"name":"server1","host":"127.0.0.1","zone":"zone1","physicalPool":"pool1"}],
					 "chunkServers":[{"id":1,"server":"server1","host":"127.0.0.1","port":8200,"raftAddress":"127.0.0.1:8300",
					   "online":true,"diskCapacity":10737418240,"diskUsed":1073741824,"copysets":4,"leaders":2}],
					 "logicalPools":[{"id":1,"name":"lp1","physicalPool":"pool1","replicas":3,"copysets":4,"zones":3}]}
					""");
			assertThat(run("topology", "show", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("Chunkservers:", "127.0.0.1:8200", "10.0 GiB", "1.0 GiB", "lp1",
					"zone1");

			this.out.getBuffer().setLength(0);
			assertThat(run("topology", "show", "--output", "json", "--mds", mds.address())).as(this.err::toString).isZero();
			JsonNode chunkServer = JSON.readTree(this.out.toString()).path("chunkServers").get(0);
			assertThat(chunkServer.path("diskCapacity").isNumber()).isTrue();
			assertThat(chunkServer.path("diskCapacity").asLong()).isEqualTo(10737418240L);
			assertThat(chunkServer.path("online").asBoolean(false)).isTrue();
		}
	}

	@Test
	void userCommandsCallTheUserEndpoints() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/users", """
					{"content":[{"name":"alice","created":"2025-01-02T03:04:05Z"}],
					 "page":{"size":1000,"number":0,"totalElements":1,"totalPages":1}}""");
			mds.json("/api/v1/users/alice", "");
			assertThat(run("user", "list", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("alice", "2025-01-02T03:04:05Z");
			assertThat(run("user", "delete", "alice", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("deleted user alice");
			assertThat(mds.requests).extracting(FakeRestMds.Request::method, FakeRestMds.Request::path)
				.containsExactly(tuple("GET", "/api/v1/users"),
						tuple("DELETE", "/api/v1/users/alice"));
			assertThat(mds.requests.get(0).query()).contains("page=0", "size=1000", "sort=name");
		}
	}

	@Test
	void userListAsJsonIsAnArrayOfTheUsers() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/users", """
					{"content":[{"name":"alice","created":"2025-01-02T03:04:05Z"},{"name":"bob","created":null}],
					 "page":{"size":1000,"number":0,"totalElements":2,"totalPages":1}}""");
			assertThat(run("user", "list", "--output", "json", "--mds", mds.address())).as(this.err::toString).isZero();
			JsonNode users = JSON.readTree(this.out.toString());
			assertThat(users.isArray()).isTrue();
			assertThat(users).extracting((u) -> u.path("name").asString()).containsExactly("alice", "bob");
			assertThat(users.get(0).path("created").asString()).isEqualTo("2025-01-02T03:04:05Z");
		}
	}

	@Test
	void recycleListAsJsonHasSizesInBytes() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/recycle-bin", """
					{"content":[{"id":5,"path":"/bin/vol","owner":"alice","size":10737418240,
					  "deleted":"2026-01-02T03:04:05Z","expires":"2026-01-03T03:04:05Z","purging":false}],
					 "page":{"size":1000,"number":0,"totalElements":1,"totalPages":1}}""");
			assertThat(run("recycle", "list", "--output", "json", "--mds", mds.address())).as(this.err::toString)
				.isZero();
			JsonNode volume = JSON.readTree(this.out.toString()).get(0);
			assertThat(volume.path("path").asString()).isEqualTo("/bin/vol");
			assertThat(volume.path("size").isNumber()).isTrue();
			assertThat(volume.path("size").asLong()).isEqualTo(10737418240L);
			assertThat(volume.path("expires").asString()).isEqualTo("2026-01-03T03:04:05Z");
			assertThat(volume.path("purging").isBoolean()).isTrue();
		}
	}


	private static final String SNAPSHOT = """
			{"id":"s-1","volume":"/v","volumeId":7,"name":"nightly","seq":1,"status":"%s","progress":%d,
			 "size":1073741824,"created":"2026-01-02T03:04:05Z","error":null}""";

	@Test
	void snapshotCreateWaitsUntilTheCopyIsDone() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/snapshots", SNAPSHOT.formatted("PENDING", 0));
			mds.json("/api/v1/snapshots/s-1", SNAPSHOT.formatted("DONE", 100));
			assertThat(run("snapshot", "create", "/v", "--name", "nightly", "--wait", "--mds", mds.address()))
				.as(this.err::toString)
				.isZero();
			assertThat(this.out.toString()).contains("Snapshot /v@nightly taken (sequence 1)", "Snapshot of 1024.0 MiB",
					"/v@nightly is in the object store");
			assertThat(mds.requests).extracting(FakeRestMds.Request::method, FakeRestMds.Request::path)
				.containsExactly(tuple("POST", "/api/v1/snapshots"), tuple("GET", "/api/v1/snapshots/s-1"));
			assertThat(mds.requests.get(0).body()).contains("\"volume\":\"/v\"", "\"name\":\"nightly\"");
		}
	}

	@Test
	void snapshotCreateReportsAFailedCopy() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/snapshots", SNAPSHOT.formatted("PENDING", 0));
			mds.json("/api/v1/snapshots/s-1", SNAPSHOT.formatted("ERROR", 40).replace("\"error\":null", "\"error\":\"volume gone\""));
			assertThat(run("snapshot", "create", "/v", "--name", "nightly", "--wait", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.err.toString()).contains("volume gone");
		}
	}

	@Test
	void snapshotRefusalsAreReported() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.problem("/api/v1/snapshots", 409, "SNAPSHOT_EXISTS", "/v already has a snapshot named nightly");
			assertThat(run("snapshot", "create", "/v", "--name", "nightly", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.err.toString()).contains("SNAPSHOT_EXISTS");
		}
	}

	@Test
	void snapshotListAndDeleteByName() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/snapshots", "{\"content\":[" + SNAPSHOT.formatted("DONE", 100)
					+ "],\"page\":{\"size\":1000,\"number\":0,\"totalElements\":1,\"totalPages\":1}}");
			mds.json("/api/v1/snapshots/s-1", SNAPSHOT.formatted("DELETING", 100));
			assertThat(run("snapshot", "list", "/v", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("NAME", "nightly", "DONE", "100%", "1GiB");
			this.out.getBuffer().setLength(0);
			assertThat(run("snapshot", "list", "/v", "--output", "json", "--mds", mds.address())).as(this.err::toString)
				.isZero();
			JsonNode snapshot = JSON.readTree(this.out.toString()).get(0);
			assertThat(snapshot.path("name").asString()).isEqualTo("nightly");
			assertThat(snapshot.path("size").asLong()).isEqualTo(1073741824L);
			assertThat(snapshot.path("progress").asInt()).isEqualTo(100);
			assertThat(snapshot.path("created").asString()).isEqualTo("2026-01-02T03:04:05Z");
			assertThat(run("snapshot", "delete", "/v@nightly", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("Deleting snapshot /v@nightly");
			assertThat(mds.requests).extracting(FakeRestMds.Request::method, FakeRestMds.Request::path)
				.containsExactly(tuple("GET", "/api/v1/snapshots"), tuple("GET", "/api/v1/snapshots"),
						tuple("GET", "/api/v1/snapshots"), tuple("DELETE", "/api/v1/snapshots/s-1"));
			assertThat(mds.requests.get(2).query()).contains("volume=%2Fv", "name=nightly");
		}
	}

	@Test
	void snapshotDeleteOfAMissingOrMisspelledSnapshotFails() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/snapshots", "{\"content\":[],\"page\":{\"size\":1,\"number\":0,\"totalElements\":0,\"totalPages\":0}}");
			assertThat(run("snapshot", "delete", "/v@nope", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.err.toString()).contains("SNAPSHOT_NOT_FOUND", "/v has no snapshot named nope");
			assertThat(run("snapshot", "delete", "/v", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.err.toString()).contains("INVALID_SNAPSHOT_NAME", "PATH@NAME");
			assertThat(mds.requests).extracting(FakeRestMds.Request::method).containsExactly("GET");
		}
	}


	private static final String CLONE = """
			{"id":9,"path":"/c","type":"VOLUME","owner":"root","size":67108864,"chunkSize":16777216,
			 "ctime":"2026-01-02T03:04:05Z","clone":%s}""";

	private static final String LINK = """
			{"sourcePath":"/v","sourceVolumeId":7,"snapshotId":"s-1","snapshotName":"%s","status":"%s",
			 "nextChunk":%d,"sourceChunks":4}""";

	@Test
	void cloneOfASnapshotWaitsUntilFlattened() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/clones", CLONE.formatted(LINK.formatted("nightly", "FLATTENING", 1)));
			mds.json("/api/v1/volumes/info", CLONE.formatted("null"));
			assertThat(run("clone", "/v@nightly", "/c", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("Cloned /v@nightly to /c.", "Flattened 64.0 MiB",
					"/c is flattened: it no longer reads /v@nightly.");
			assertThat(mds.requests).extracting(FakeRestMds.Request::method, FakeRestMds.Request::path)
				.containsExactly(tuple("POST", "/api/v1/clones"), tuple("GET", "/api/v1/volumes/info"));
			assertThat(mds.requests.get(0).body()).contains("\"source\":\"/v@nightly\"", "\"path\":\"/c\"",
					"\"lazy\":false");
			assertThat(mds.requests.get(1).query()).contains("path=%2Fc");
		}
	}

	@Test
	void aLazyCloneOfAVolumeWaitsForItsSourceSnapshotOnly() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/clones", CLONE.formatted(LINK.formatted("clone-9", "WAITING_FOR_SOURCE", 0)));
			mds.json("/api/v1/snapshots/s-1", SNAPSHOT.formatted("DONE", 100));
			mds.json("/api/v1/volumes/info", CLONE.formatted(LINK.formatted("clone-9", "LAZY", 0)));
			assertThat(run("clone", "/v", "/c", "--lazy", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("Cloned /v to /c.", "Source snapshot 1024.0 MiB",
					"/c is ready; it reads /v@clone-9 until flattened ('curve flatten /c').");
			assertThat(mds.requests).extracting(FakeRestMds.Request::method, FakeRestMds.Request::path)
				.containsExactly(tuple("POST", "/api/v1/clones"), tuple("GET", "/api/v1/snapshots/s-1"),
						tuple("GET", "/api/v1/volumes/info"));
			assertThat(mds.requests.get(0).body()).contains("\"lazy\":true");
		}
	}

	@Test
	void cloneRefusalsAreReported() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.problem("/api/v1/clones", 409, "SNAPSHOT_NOT_READY", "snapshot /v@nightly is PENDING, not in the object store yet");
			assertThat(run("clone", "/v@nightly", "/c", "--lazy", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.err.toString().strip())
				.isEqualTo("error: SNAPSHOT_NOT_READY: snapshot /v@nightly is PENDING, not in the object store yet");
			assertThat(this.out.toString()).isEmpty();
		}
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.problem("/api/v1/clones", 409, "CLONE_NOT_FLATTENED", "/v is a clone that reads its source: flatten it first");
			assertThat(run("clone", "/v", "/c", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.err.toString()).contains("error: CLONE_NOT_FLATTENED: /v is a clone");
		}
		assertThat(run("clone", "/v@nightly", "--mds", this.nowhere)).isEqualTo(2);
		assertThat(this.err.toString()).contains("Missing required parameter: 'NEWPATH'");
	}

	@Test
	void flattenStartsAndWithWaitFollowsTheFlatten() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/volumes/flatten", CLONE.formatted(LINK.formatted("nightly", "FLATTENING", 0)));
			mds.json("/api/v1/volumes/info", CLONE.formatted("null"));
			assertThat(run("flatten", "/c", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("Flattening /c (it reads /v@nightly until done).")
				.doesNotContain("is flattened");
			assertThat(run("flatten", "/c", "--wait", "--mds", mds.address())).as(this.err::toString).isZero();
			assertThat(this.out.toString()).contains("Flattened 64.0 MiB", "/c is flattened: it no longer reads /v@nightly.");
			assertThat(mds.requests).extracting(FakeRestMds.Request::method, FakeRestMds.Request::path)
				.containsExactly(tuple("POST", "/api/v1/volumes/flatten"), tuple("POST", "/api/v1/volumes/flatten"),
						tuple("GET", "/api/v1/volumes/info"));
			assertThat(mds.requests.get(0).body()).isEqualTo("{\"path\":\"/c\"}");
		}
	}

	@Test
	void flattenOfAVolumeThatIsNoCloneIsRefused() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.problem("/api/v1/volumes/flatten", 409, "NOT_A_CLONE", "/v is not a clone linked to a source");
			assertThat(run("flatten", "/v", "--wait", "--mds", mds.address())).isEqualTo(1);
			assertThat(this.err.toString().strip()).isEqualTo("error: NOT_A_CLONE: /v is not a clone linked to a source");
			assertThat(mds.requests).hasSize(1);
		}
	}

}
