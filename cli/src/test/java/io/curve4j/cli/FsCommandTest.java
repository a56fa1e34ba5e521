package io.curve4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.curve4j.sdk.cluster.FakeRestMds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code curve fs ...}: the REST calls it makes, its tables, and its argument errors. */
class FsCommandTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String FS1 = """
			{"id":7,"name":"fs1","owner":"root","chunkSize":67108864,"blockSize":4194304,
			 "createdAt":"2026-01-02T03:04:05Z","status":"READY",
			 "partitions":[{"id":11,"startInode":1,"endInode":1048577,"copysetId":3,"logicalPoolId":2,"status":"READY"},
			               {"id":12,"startInode":1048577,"endInode":2097153,"copysetId":4,"logicalPoolId":2,"status":"READY"}],
			 "mounts":[{"id":21,"host":"node-a","mountPoint":"/mnt/fs1","expiresAt":"2026-01-02T03:05:05Z"}]}""";

	@TempDir
	Path dir;

	private FakeRestMds mds;

	private final StringWriter out = new StringWriter();

	private final StringWriter err = new StringWriter();

	@BeforeEach
	void start() throws Exception {
		this.mds = new FakeRestMds();
	}

	@AfterEach
	void stop() {
		this.mds.close();
	}

	private int run(String... args) {
		CommandLine cli = CurveCli.commandLine();
		cli.setOut(new PrintWriter(this.out, true));
		cli.setErr(new PrintWriter(this.err, true));
		return cli.execute(args);
	}

	@Test
	void createPostsTheNameAndSaysWhatItMade() {
		this.mds.json("/api/v1/fs", FS1);
		assertThat(run("fs", "create", "fs1", "--mds", this.mds.address())).as(this.err::toString).isZero();
		assertThat(this.out.toString()).contains("Created file system fs1 (id 7, owner root, 2 partitions, READY).");
		FakeRestMds.Request request = this.mds.requests.get(this.mds.requests.size() - 1);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.body()).contains("\"name\":\"fs1\"");
	}

	@Test
	void listPrintsATableWithPartitionsAndMountsCounted() {
		this.mds.json("/api/v1/fs", "{\"content\":[" + FS1 + "],\"page\":{\"size\":1000,\"number\":0,"
				+ "\"totalElements\":1,\"totalPages\":1}}");
		assertThat(run("fs", "list", "--mds", this.mds.address())).as(this.err::toString).isZero();
		String[] lines = this.out.toString().split("\n");
		assertThat(lines[0]).startsWith("NAME").contains("OWNER", "STATUS", "PARTITIONS", "MOUNTS", "CREATED");
		assertThat(lines[1]).matches("fs1\\s+7\\s+root\\s+READY\\s+2\\s+1\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
		assertThat(this.mds.requests.get(this.mds.requests.size() - 1).query()).contains("page=0", "sort=name");
	}

	@Test
	void listAsJsonIsTheFileSystemsAsTheMdsDescribesThem() {
		this.mds.json("/api/v1/fs", "{\"content\":[" + FS1 + "],\"page\":{\"size\":1000,\"number\":0,"
				+ "\"totalElements\":1,\"totalPages\":1}}");
		assertThat(run("fs", "list", "--output", "json", "--mds", this.mds.address())).as(this.err::toString).isZero();
		JsonNode fileSystems = JSON.readTree(this.out.toString());
		assertThat(fileSystems).hasSize(1);
		JsonNode fs = fileSystems.get(0);
		assertThat(fs.path("name").asString()).isEqualTo("fs1");
		assertThat(fs.path("id").asLong()).isEqualTo(7);
		assertThat(fs.path("createdAt").asString()).isEqualTo("2026-01-02T03:04:05Z");
		assertThat(fs.path("partitions")).hasSize(2);
	}

	@Test
	void listOfNoneAsJsonIsAnEmptyArray() {
		this.mds.json("/api/v1/fs",
				"{\"content\":[],\"page\":{\"size\":1000,\"number\":0,\"totalElements\":0,\"totalPages\":0}}");
		assertThat(run("fs", "list", "--output", "json", "--mds", this.mds.address())).as(this.err::toString).isZero();
		assertThat(this.out.toString().strip()).isEqualTo("[ ]");
	}

	@Test
	void infoAsJsonHasSizesInBytesAndEveryPartitionAndMount() {
		this.mds.json("/api/v1/fs/fs1", FS1);
		assertThat(run("fs", "info", "fs1", "--output=json", "--mds", this.mds.address())).as(this.err::toString)
			.isZero();
		JsonNode fs = JSON.readTree(this.out.toString());
		assertThat(fs.path("chunkSize").isNumber()).isTrue();
		assertThat(fs.path("chunkSize").asLong()).isEqualTo(67108864);
		assertThat(fs.path("blockSize").asLong()).isEqualTo(4194304);
		assertThat(fs.path("partitions").get(1).path("startInode").asLong()).isEqualTo(1048577);
		assertThat(fs.path("mounts").get(0).path("mountPoint").asString()).isEqualTo("/mnt/fs1");
		assertThat(fs.path("mounts").get(0).path("cacheMode").isNull()).isTrue();
	}

	@Test
	void errorsWithJsonOutputGoToStderrOnly() {
		this.mds.problem("/api/v1/fs/nope", 404, "FS_NOT_FOUND", "no file system nope");
		assertThat(run("fs", "info", "nope", "--output", "json", "--mds", this.mds.address())).isEqualTo(1);
		assertThat(this.err.toString()).startsWith("error: FS_NOT_FOUND: ");
		assertThat(this.out.toString()).isEmpty();
	}

	@Test
	void listOfNoneSaysSo() {
		this.mds.json("/api/v1/fs",
				"{\"content\":[],\"page\":{\"size\":1000,\"number\":0,\"totalElements\":0,\"totalPages\":0}}");
		assertThat(run("fs", "list", "--mds", this.mds.address())).as(this.err::toString).isZero();
		assertThat(this.out.toString()).isEqualTo("No file systems.\n");
	}

	@Test
	void infoShowsPartitionsAndMounts() {
		this.mds.json("/api/v1/fs/fs1", FS1);
		assertThat(run("fs", "info", "fs1", "--mds", this.mds.address())).as(this.err::toString).isZero();
		assertThat(this.out.toString()).contains("chunk size:  64MiB", "block size:  4MiB", "[1, 1048577)",
				"[1048577, 2097153)", "node-a", "/mnt/fs1", "CACHE");
		// the mount reports no cache mode (an MDS from before them): shown as "-"
		assertThat(this.out.toString()).containsPattern("node-a\\s+/mnt/fs1\\s+-\\s+");
	}

	@Test
	void errorsOfTheMdsAreShownWithTheirCode() {
		this.mds.problem("/api/v1/fs/fs1", 409, "FS_MOUNTED", "fs1 is mounted at node-a:/mnt/fs1");
		assertThat(run("fs", "delete", "fs1", "--mds", this.mds.address())).isEqualTo(1);
		assertThat(this.err.toString()).contains("FS_MOUNTED", "fs1 is mounted at node-a:/mnt/fs1");
		this.mds.problem("/api/v1/fs/nope", 404, "FS_NOT_FOUND", "no file system nope");
		assertThat(run("fs", "info", "nope", "--mds", this.mds.address())).isEqualTo(1);
		assertThat(this.err.toString()).contains("FS_NOT_FOUND");
	}

	@Test
	void deleteSendsADelete() {
		this.mds.json("/api/v1/fs/fs1", "");
		assertThat(run("fs", "delete", "fs1", "--mds", this.mds.address())).as(this.err::toString).isZero();
		assertThat(this.out.toString()).contains("Deleted file system fs1.");
		assertThat(this.mds.requests.get(this.mds.requests.size() - 1).method()).isEqualTo("DELETE");
	}

	@Test
	void argumentErrorsAreUsageErrors() {
		assertThat(run("fs", "create")).isEqualTo(2);
		assertThat(this.err.toString()).contains("Missing required parameter: 'NAME'");
		assertThat(run("fs", "mount", "fs1")).isEqualTo(2);
		assertThat(this.err.toString()).contains("MOUNTPOINT");
		assertThat(run("fs", "umount")).isEqualTo(2);
		assertThat(run("fs", "check")).isEqualTo(2);
		assertThat(run("fs", "mount", "fs1", this.dir.toString(), "--cache-size", "banana")).isEqualTo(2);
		assertThat(run("fs", "mount", "fs1", this.dir.toString(), "--upload-delay", "5")).isEqualTo(2);
		assertThat(this.err.toString()).contains("--upload-delay takes seconds, zero or more, with --cache-mode write-back");
		assertThat(run("fs", "mount", "fs1", this.dir.toString(), "--cache-dir", this.dir.toString(), "--cache-mode",
				"write-back", "--upload-delay", "-1")).isEqualTo(2);
		assertThat(run("fs", "frobnicate")).isEqualTo(2);
	}

	@Test
	void mountOfAMissingDirectoryFailsBeforeCallingAnything() {
		Path missing = this.dir.resolve("not-there");
		assertThat(run("fs", "mount", "fs1", missing.toString(), "--mds", this.mds.address())).isEqualTo(1);
		assertThat(this.err.toString()).contains("INVALID_ARGUMENT", missing + " is not a directory; create it first");
		assertThat(this.mds.requests).isEmpty();
	}

	@Test
	void umountOfADirectoryThatIsNotMountedFails() {
		assertThat(run("fs", "umount", this.dir.toString())).isEqualTo(1);
		assertThat(this.err.toString()).contains(this.dir + " is not a FUSE mount");
	}

	@Test
	void mountWithoutTheClientJarSaysBuildFirst() throws Exception {
		assumeTrue(Files.exists(Path.of("/dev/fuse")));
		String root = System.getProperty("curve.root");
		System.setProperty("curve.root", this.dir.toString());
		try {
			assertThat(run("fs", "mount", "fs1", this.dir.toString(), "--mds", this.mds.address())).isEqualTo(1);
			assertThat(this.err.toString()).contains("UNAVAILABLE", "no CurveFS client jar",
					this.dir.resolve(FsCommand.CLIENT_JAR).toString(), "build first");
			assertThat(this.mds.requests).isEmpty();
		}
		finally {
			if (root == null) {
				System.clearProperty("curve.root");
			}
			else {
				System.setProperty("curve.root", root);
			}
		}
	}

}
