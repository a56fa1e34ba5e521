package io.curve4j.cli;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.FileStat;

/** {@code curve volume ...}: the namespace through the SDK. */
@Command(name = "volume", mixinStandardHelpOptions = true, description = "Create, inspect, move and copy volumes.",
		subcommands = { VolumeCommand.Create.class, VolumeCommand.Info.class, VolumeCommand.ListDir.class,
				VolumeCommand.Rename.class, VolumeCommand.Extend.class, VolumeCommand.Delete.class,
				ThrottleCommand.class, ImportCommand.class, ExportCommand.class })
final class VolumeCommand {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
		.withZone(ZoneId.systemDefault());

	/**
	 * Said here before asking the MDS. That a size is a whole number of segments is the
	 * MDS's to say: the segment size is a property of the logical pool.
	 */
	static void positive(long size) {
		if (size <= 0) {
			throw new CurveException(ErrorCode.INVALID_SIZE, "--size must be positive");
		}
	}

	/** Shared by the subcommands: the cluster, the output, and a client per run. */
	abstract static class Base implements Callable<Integer> {

		@Mixin
		ClusterOptions cluster;

		@Spec
		CommandSpec spec;

		PrintWriter out() {
			return this.spec.commandLine().getOut();
		}

		@Override
		public Integer call() throws Exception {
			validate();
			try (CurveClient client = this.cluster.client()) {
				int code = run(client, out());
				out().flush();
				return code;
			}
		}

		/** Checks the arguments before any connection is made. */
		void validate() {
		}

		abstract int run(CurveClient client, PrintWriter out) throws Exception;

	}

	@Command(name = "create", mixinStandardHelpOptions = true,
			description = "Create a volume, and any missing parent directories.")
	static final class Create extends Base {

		@Parameters(paramLabel = "PATH", description = "Absolute path, e.g. /demo/vol1.")
		String path;

		@Option(names = "--size", required = true, converter = SizeConverter.class, paramLabel = "SIZE",
				description = "Size, a whole number of the pool's segments (1GiB unless the topology sets another), e.g. 10GiB.")
		long size;

		@Override
		void validate() {
			positive(this.size);
		}

		@Override
		int run(CurveClient client, PrintWriter out) {
			int slash = this.path.lastIndexOf('/');
			if (slash > 0) {
				client.createDirectories(this.path.substring(0, slash));
			}
			FileStat volume = client.createVolume(this.path, this.size);
			out.println("Created volume " + this.path + " (" + Sizes.format(volume.length()) + ", owner "
					+ volume.owner() + ").");
			return 0;
		}

	}

	@Command(name = "info", mixinStandardHelpOptions = true,
			description = "Show everything about a volume or directory.")
	static final class Info extends Base {

		@Parameters(paramLabel = "PATH")
		String path;

		@Mixin
		OutputOptions output;

		@Override
		int run(CurveClient client, PrintWriter out) {
			FileStat f = client.stat(this.path);
			this.output.print(out, f, (text) -> print(f, text));
			return 0;
		}

		private void print(FileStat f, PrintWriter out) {
			Table table = new Table("path", f.path().isEmpty() ? this.path : f.path());
			table.row("type", f.isDirectory() ? "directory" : "volume");
			table.row("id", f.id());
			table.row("parent id", f.parentId());
			table.row("owner", f.owner());
			if (!f.isDirectory()) {
				table.row("size", Sizes.format(f.length()) + " (" + f.length() + " bytes)");
				table.row("chunk size", Sizes.format(f.chunkSize()));
				table.row("segment size", Sizes.format(f.segmentSize()));
				table.row("sequence", f.seqNum());
				table.row("limits", ThrottleCommand.summary(f.throttle()));
				FileStat.Clone link = f.cloneLink();
				if (link != null) {
					table.row("clone of", link.sourcePath() + "@" + link.snapshotName());
					table.row("clone status", link.status() == FileStat.CloneStatus.FLATTENING
							? "FLATTENING " + link.progress() + "% (" + link.nextChunk() + "/" + link.sourceChunks() + " chunks)"
							: link.status().name());
				}
			}
			table.row("created", TIME.format(f.created()));
			table.print(out, "");
		}

	}

	@Command(name = "list", mixinStandardHelpOptions = true, description = "List a directory (default /).")
	static final class ListDir extends Base {

		@Parameters(paramLabel = "DIR", defaultValue = "/", arity = "0..1")
		String directory;

		@Mixin
		OutputOptions output;

		@Override
		int run(CurveClient client, PrintWriter out) {
			List<FileStat> files = client.list(this.directory);
			this.output.print(out, files, (text) -> print(files, text));
			return 0;
		}

		private void print(List<FileStat> files, PrintWriter out) {
			if (files.isEmpty()) {
				out.println(this.directory + " is empty.");
				return;
			}
			Table table = new Table("NAME", "TYPE", "SIZE", "OWNER");
			for (FileStat f : files) {
				table.row(f.isDirectory() ? f.name() + "/" : f.name(), f.isDirectory() ? "directory" : "volume",
						f.isDirectory() ? "-" : Sizes.format(f.length()), f.owner());
			}
			table.print(out, "");
		}

	}

	@Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename or move a volume or directory.")
	static final class Rename extends Base {

		@Parameters(index = "0", paramLabel = "PATH")
		String path;

		@Parameters(index = "1", paramLabel = "NEWPATH")
		String newPath;

		@Override
		int run(CurveClient client, PrintWriter out) {
			client.rename(this.path, this.newPath);
			out.println("Renamed " + this.path + " to " + this.newPath + ".");
			return 0;
		}

	}

	@Command(name = "extend", mixinStandardHelpOptions = true, description = "Grow a volume to a new size.")
	static final class Extend extends Base {

		@Parameters(paramLabel = "PATH")
		String path;

		@Option(names = "--size", required = true, converter = SizeConverter.class, paramLabel = "SIZE",
				description = "New size, larger than now, in whole GiB.")
		long size;

		@Override
		void validate() {
			positive(this.size);
		}

		@Override
		int run(CurveClient client, PrintWriter out) {
			FileStat volume = client.extend(this.path, this.size);
			out.println("Extended " + this.path + " to " + Sizes.format(volume.length()) + ".");
			return 0;
		}

	}

	@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a volume or an empty directory.")
	static final class Delete extends Base {

		@Parameters(paramLabel = "PATH")
		String path;

		@Override
		int run(CurveClient client, PrintWriter out) {
			client.delete(this.path);
			out.println("Deleted " + this.path + ".");
			return 0;
		}

	}

}
