package io.curve4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code curve floor}: a real 3-process Raft group and a real gRPC server on loopback,
 * loaded for a second each, and the arguments it refuses.
 */
class FloorCommandTest {

	private final StringWriter out = new StringWriter();

	private final StringWriter err = new StringWriter();

	@TempDir
	Path dir;

	private int run(String... args) {
		CommandLine cli = CurveCli.commandLine();
		cli.setOut(new PrintWriter(this.out, true));
		cli.setErr(new PrintWriter(this.err, true));
		return cli.execute(args);
	}

	@Test
	void raftCommitsEntriesOnThreeProcessesAndCleansUp() throws Exception {
		assertThat(run("floor", "raft", "--bs", "4KiB", "--iodepth", "4", "--groups", "2", "--seconds", "1", "--dir",
				this.dir.toString()))
			.as(this.err.toString())
			.isZero();
		String report = this.out.toString();
		assertThat(report).contains("floor raft: 2 group(s) of 3 members", " 0 errors", "cpu ms/op:", "(3 processes)",
				"Raft log rocksdb", "Raft log journal", "journal / rocksdb: IOPS x");
		assertThat(committed(report)).isPositive();
		try (var left = Files.list(this.dir)) {
			assertThat(left).as("the Raft logs are removed").isEmpty();
		}
	}

	@Test
	void grpcAnswersReadsAndWrites() {
		assertThat(run("floor", "grpc", "--rw", "read", "--bs", "64KiB", "--iodepth", "4", "--seconds", "1"))
			.as(this.err.toString())
			.isZero();
		assertThat(run("floor", "grpc", "--rw", "write", "--bs", "1MiB", "--iodepth", "2", "--seconds", "1"))
			.as(this.err.toString())
			.isZero();
		assertThat(this.out.toString()).contains("floor grpc: read bs=64KiB", "floor grpc: write bs=1MiB");
		assertThat(committed(this.out.toString())).isPositive();
	}

	@Test
	void badArgumentsAreRefusedBeforeAnythingStarts() {
		assertThat(run("floor")).isEqualTo(2);
		assertThat(this.err.toString()).contains("Missing required subcommand");
		assertThat(run("floor", "raft", "--groups", "0", "--dir", this.dir.toString())).isEqualTo(1);
		assertThat(this.err.toString()).contains("--groups must be 1..64, not 0");
		assertThat(run("floor", "grpc", "--bs", "1000")).isEqualTo(1);
		assertThat(this.err.toString()).contains("--bs must be a positive multiple of 512");
		assertThat(run("floor", "grpc", "--rw", "sideways")).isEqualTo(2);
		assertThat(run("floor", "raft", "--seconds", "0", "--dir", this.dir.toString())).isEqualTo(1);
		assertThat(this.err.toString()).contains("--seconds must be at least 1");
	}

	/** The count on the first "ops:" line. */
	private static long committed(String report) {
		String ops = report.lines().filter(l -> l.startsWith("ops:")).findFirst().orElseThrow();
		return Long.parseLong(ops.split("\\s+")[1]);
	}

}
