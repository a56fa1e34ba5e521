package io.curve4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.FakeChunkServers;
import io.curve4j.sdk.block.FakeMds;
import io.curve4j.sdk.cluster.FakeRestMds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code curve volume ...} and {@code curve bench} through real gRPC (loopback TCP) to
 * the SDK's fake MDS and chunkservers; the MDS REST endpoint only tells where gRPC is.
 */
class VolumeCommandTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private FakeChunkServers chunkServers;

	private FakeMds mds;

	private FakeRestMds rest;

	private StringWriter out;

	private StringWriter err;

	@BeforeEach
	void start() throws Exception {
		this.chunkServers = new FakeChunkServers(Sizes.DEFAULT_CHUNK_SIZE, true);
		this.mds = new FakeMds(null, Sizes.DEFAULT_CHUNK_SIZE, Sizes.DEFAULT_SEGMENT_SIZE, this.chunkServers.copysets(3));
		this.rest = new FakeRestMds().json("/api/v1/cluster/status",
				"{\"healthy\":true,\"mds\":{\"members\":[{\"grpc\":\"" + this.mds.address + "\",\"leader\":true}]}}");
	}

	@AfterEach
	void stop() {
		this.rest.close();
		this.mds.close();
		this.chunkServers.close();
	}

	private int run(String... args) {
		this.out = new StringWriter();
		this.err = new StringWriter();
		CommandLine cli = CurveCli.commandLine();
		cli.setOut(new PrintWriter(this.out, true));
		cli.setErr(new PrintWriter(this.err, true));
		String[] withMds = Arrays.copyOf(args, args.length + 2);
		withMds[args.length] = "--mds";
		withMds[args.length + 1] = this.rest.address();
		return cli.execute(withMds);
	}

	@Test
	void createMakesParentDirectoriesAndListShowsTheVolume() {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "2GiB")).as(this::errors).isZero();
		assertThat(this.out.toString()).contains("Created volume /demo/vol1 (2GiB, owner root)");
		assertThat(run("volume", "list", "/demo")).as(this::errors).isZero();
		assertThat(this.out.toString()).contains("NAME", "vol1", "volume", "2GiB", "root");
		assertThat(run("volume", "info", "/demo/vol1")).as(this::errors).isZero();
		assertThat(this.out.toString()).contains("2GiB (2147483648 bytes)", "16MiB");
		assertThat(run("volume", "create", "/demo/vol1", "--size", "1GiB")).isEqualTo(1);
		assertThat(this.err.toString()).startsWith("error: VOLUME_EXISTS: ");
		assertThat(run("volume", "info", "/demo/nope")).isEqualTo(1);
		assertThat(this.err.toString()).startsWith("error: VOLUME_NOT_FOUND: /demo/nope does not exist");
	}

	@Test
	void listAndInfoAsJsonAreTheVolumesWithSizesInBytes() {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "2GiB")).as(this::errors).isZero();
		assertThat(run("volume", "list", "/demo", "--output", "json")).as(this::errors).isZero();
		JsonNode list = JSON.readTree(this.out.toString());
		assertThat(list).hasSize(1);
		assertThat(list.get(0).path("path").asString()).isEqualTo("/demo/vol1");
		assertThat(list.get(0).path("type").asString()).isEqualTo("VOLUME");
		assertThat(list.get(0).path("length").asLong()).isEqualTo(2 * Sizes.GIB);

		assertThat(run("volume", "info", "/demo/vol1", "--output", "json")).as(this::errors).isZero();
		JsonNode info = JSON.readTree(this.out.toString());
		assertThat(info.path("length").isNumber()).isTrue();
		assertThat(info.path("length").asLong()).isEqualTo(2 * Sizes.GIB);
		assertThat(info.path("chunkSize").asLong()).isEqualTo(Sizes.DEFAULT_CHUNK_SIZE);
		assertThat(info.path("owner").asString()).isEqualTo("root");
		assertThat(info.path("throttle").path("iops").asLong(-1)).isZero();
		assertThat(info.has("cloneLink")).isTrue();
		// derived from type, not a field of its own
		assertThat(info.has("directory")).isFalse();

		assertThat(run("volume", "list", "/nothing-here", "--output", "json")).as(this::errors).isZero();
		assertThat(JSON.readTree(this.out.toString()).isArray()).isTrue();
	}

	@Test
	void throttleAsJsonShowsTheLimits() {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "1GiB")).as(this::errors).isZero();
		assertThat(run("volume", "throttle", "/demo/vol1", "--output", "json")).as(this::errors).isZero();
		JsonNode limits = JSON.readTree(this.out.toString());
		assertThat(limits.path("bps").isNumber()).isTrue();
		assertThat(limits.path("readIops").asLong(-1)).isZero();
		assertThat(limits.has("none")).as("isNone() is derived").isFalse();
	}

	@Test
	void importedBytesExportIdenticallyWithTheLastSectorPadded() throws Exception {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "1GiB")).as(this::errors).isZero();
		byte[] data = new byte[(int) (9 * Sizes.MIB) + 100];
		new Random(42).nextBytes(data);
		Path image = Files.write(this.dir.resolve("disk.img"), data);
		long offset = Sizes.DEFAULT_CHUNK_SIZE - Sizes.MIB;

		assertThat(run("volume", "import", "/demo/vol1", image.toString(), "--offset", "15MiB")).as(this::errors)
			.isZero();
		assertThat(this.err.toString()).contains("not a multiple of 512", "padded with 412 zero bytes");
		assertThat(this.out.toString()).contains("imported 9.0 MiB");

		Path copy = this.dir.resolve("copy.img");
		assertThat(run("volume", "export", "/demo/vol1", copy.toString(), "--offset", String.valueOf(offset),
				"--length", "10MiB"))
			.as(this::errors)
			.isZero();
		byte[] exported = Files.readAllBytes(copy);
		assertThat(exported).hasSize((int) (10 * Sizes.MIB));
		assertThat(Arrays.copyOf(exported, data.length)).isEqualTo(data);
		assertThat(Arrays.copyOfRange(exported, data.length, exported.length)).containsOnly(0);
	}

	@Test
	void holesOfASparseImageAllocateNothingAndExportAsHoles() throws Exception {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "1GiB")).as(this::errors).isZero();
		byte[] data = new byte[(int) Sizes.MIB];
		new Random(7).nextBytes(data);
		// a chunk of zeros, then 1 MiB of data
		int hole = Sizes.DEFAULT_CHUNK_SIZE;
		Path image = this.dir.resolve("sparse.img");
		try (FileChannel channel = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(data), hole);
		}
		assertThat(run("volume", "import", "/demo/vol1", image.toString())).as(this::errors).isZero();
		assertThat(this.chunkServers.chunkCount()).as("chunks written").isEqualTo(1);

		Path copy = this.dir.resolve("copy.img");
		assertThat(run("volume", "export", "/demo/vol1", copy.toString(), "--length", "20MiB")).as(this::errors)
			.isZero();
		assertThat(Files.size(copy)).isEqualTo(20 * Sizes.MIB);
		byte[] exported = Files.readAllBytes(copy);
		assertThat(Arrays.copyOf(exported, hole)).containsOnly(0);
		assertThat(Arrays.copyOfRange(exported, hole, hole + data.length)).isEqualTo(data);
		assertThat(Arrays.copyOfRange(exported, hole + data.length, exported.length)).containsOnly(0);
		assertThat(allocatedBytes(copy)).as("disk space of the exported file").isLessThan(8 * Sizes.MIB);
	}

	@Test
	void zerosOverDataAreWritten() throws Exception {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "1GiB")).as(this::errors).isZero();
		byte[] data = new byte[(int) Sizes.MIB];
		new Random(9).nextBytes(data);
		assertThat(run("volume", "import", "/demo/vol1", Files.write(this.dir.resolve("data.img"), data).toString()))
			.as(this::errors)
			.isZero();
		Path zeros = Files.write(this.dir.resolve("zeros.img"), new byte[(int) Sizes.MIB]);
		assertThat(run("volume", "import", "/demo/vol1", zeros.toString())).as(this::errors).isZero();

		Path copy = this.dir.resolve("copy.img");
		assertThat(run("volume", "export", "/demo/vol1", copy.toString(), "--length", "1MiB")).as(this::errors)
			.isZero();
		assertThat(Files.readAllBytes(copy)).containsOnly(0);
	}

	/** Bytes of disk the file takes (stat's blocks of 512 bytes): less than its size when it has holes. */
	private static long allocatedBytes(Path file) throws Exception {
		Process stat = new ProcessBuilder("stat", "--format=%b", file.toString()).start();
		String blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
		assertThat(stat.waitFor()).isZero();
		return Long.parseLong(blocks) * 512;
	}

	@Test
	void importPastTheEndChangesNothing() throws Exception {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "1GiB")).isZero();
		Path image = Files.write(this.dir.resolve("disk.img"), new byte[4096]);
		assertThat(run("volume", "import", "/demo/vol1", image.toString(), "--offset", "1GiB")).isEqualTo(1);
		assertThat(this.err.toString()).startsWith("error: IO_OUT_OF_RANGE: ");
		assertThat(run("volume", "import", "/demo/vol1", image.toString(), "--offset", "100")).isEqualTo(1);
		assertThat(this.err.toString()).startsWith("error: IO_NOT_ALIGNED: ");
		assertThat(this.mds.allocations.get()).isZero();
	}

	@Test
	void benchReportsIopsAndLatency() {
		assertThat(run("volume", "create", "/demo/vol1", "--size", "1GiB")).isZero();
		assertThat(run("bench", "/demo/vol1", "--rw", "write", "--bs", "4KiB", "--iodepth", "4", "--seconds", "1"))
			.as(this::errors)
			.isZero();
		assertThat(this.out.toString()).contains("write bs=4KiB iodepth=4", "IOPS:", "MiB/s", "p50", "p999",
				"0 errors");
		assertThat(run("bench", "/demo/vol1", "--rw", "randread", "--bs", "64KiB", "--iodepth", "2", "--seconds",
				"1"))
			.as(this::errors)
			.isZero();
	}

	private String errors() {
		return this.err.toString();
	}

}
