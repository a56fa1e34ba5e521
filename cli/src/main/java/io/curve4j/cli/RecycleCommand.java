package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.cluster.MdsRestApi;

/**
 * {@code curve recycle list|restore|purge}: deleted volumes wait in the recycle bin for
 * the cluster's retention time (a day by default), then their chunks are deleted. A user
 * sees, restores and purges its own; root all.
 */
@Command(name = "recycle", mixinStandardHelpOptions = true, description = "The recycle bin of deleted volumes.",
		subcommands = { RecycleCommand.ListBin.class, RecycleCommand.Restore.class, RecycleCommand.Purge.class })
final class RecycleCommand {

	@Command(name = "list", mixinStandardHelpOptions = true,
			description = "List deleted volumes: path, owner, size, when deleted and when purged.")
	static final class ListBin extends RestSubcommand {

		@Mixin
		OutputOptions output;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			List<MdsRestApi.Recycled> bin = MdsRestApi.Page.all((page) -> rest.recycleBin(page, 1000, "deleted"));
			this.output.print(out, bin, (text) -> print(bin, text));
		}

		private static void print(List<MdsRestApi.Recycled> bin, PrintWriter out) {
			Table table = new Table("PATH", "OWNER", "SIZE", "DELETED", "EXPIRES");
			for (MdsRestApi.Recycled v : bin) {
				table.row(v.path(), v.owner(), Sizes.format(v.size()), time(v.deleted()),
						v.purging() ? "purging" : time(v.expires()));
			}
			if (table.isEmpty()) {
				out.println("The recycle bin is empty.");
				return;
			}
			table.print(out, "");
		}

	}

	@Command(name = "restore", mixinStandardHelpOptions = true,
			description = "Put the volume last deleted from PATH back there, with its data.")
	static final class Restore extends RestSubcommand {

		@Parameters(paramLabel = "PATH")
		String path;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			MdsRestApi.Recycled restored = rest.restore(new MdsRestApi.PathBody(this.path));
			out.println("Restored " + restored.path() + " (" + Sizes.format(restored.size()) + ").");
		}

	}

	@Command(name = "purge", mixinStandardHelpOptions = true,
			description = "Delete for good the volumes deleted from PATH, or without PATH every one you may; "
					+ "their chunks are freed in the background.")
	static final class Purge extends RestSubcommand {

		@Parameters(paramLabel = "PATH", arity = "0..1")
		String path;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			List<MdsRestApi.Recycled> purged = rest.purge(new MdsRestApi.PathBody(this.path));
			if (purged.isEmpty()) {
				out.println("Nothing to purge.");
				return;
			}
			for (MdsRestApi.Recycled v : purged) {
				out.println("Purging " + v.path() + " (" + Sizes.format(v.size()) + ").");
			}
		}

	}

}
