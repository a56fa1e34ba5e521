package io.curve4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

/** {@code curve topology apply FILE | show}. */
@Command(name = "topology", mixinStandardHelpOptions = true,
		description = "Physical pools, zones, servers, chunkservers and logical pools.",
		subcommands = { TopologyCommand.Apply.class, TopologyCommand.Show.class })
final class TopologyCommand {

	@Command(name = "apply", mixinStandardHelpOptions = true,
			description = "Apply a topology YAML file (pools, zones, servers, logical pools) to the MDS.")
	static final class Apply implements Callable<Integer> {

		@Parameters(paramLabel = "FILE", description = "Topology YAML file.")
		Path file;

		@Mixin
		ClusterOptions cluster;

		@Mixin
		OutputOptions output;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() {
			String yaml = read(this.file);
			JsonNode topology = this.cluster.rest().applyTopology(yaml);
			this.output.print(this.spec.commandLine().getOut(), topology, (out) -> {
				out.println("Applied " + this.file + ".");
				print(topology, out);
			});
			return 0;
		}

		private static String read(Path file) {
			if (!Files.isRegularFile(file)) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "topology file " + file + " does not exist");
			}
			try {
				return Files.readString(file);
			}
			catch (IOException ex) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "cannot read " + file + ": " + ex.getMessage());
			}
		}

	}

	@Command(name = "show", mixinStandardHelpOptions = true,
			description = "Print pools, zones, servers, chunkservers and logical pools.")
	static final class Show implements Callable<Integer> {

		@Mixin
		ClusterOptions cluster;

		@Mixin
		OutputOptions output;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() {
			JsonNode topology = this.cluster.rest().topology();
			this.output.print(this.spec.commandLine().getOut(), topology, (out) -> print(topology, out));
			return 0;
		}

	}

	static void print(JsonNode topology, PrintWriter out) {
		Table pools = new Table("ID", "NAME");
		topology.path("physicalPools").forEach((p) -> pools.row(text(p, "id"), text(p, "name")));
		section(out, "Physical pools", pools);

		Table zones = new Table("ID", "NAME", "POOL");
		topology.path("zones").forEach((z) -> zones.row(text(z, "id"), text(z, "name"), text(z, "physicalPool")));
		section(out, "Zones", zones);

		Table servers = new Table("ID", "NAME", "HOST", "ZONE", "POOL");
		topology.path("servers")
			.forEach((s) -> servers.row(text(s, "id"), text(s, "name"), text(s, "host"), text(s, "zone"),
					text(s, "physicalPool")));
		section(out, "Servers", servers);

		Table chunkServers = new Table("ID", "SERVER", "ADDRESS", "RAFT", "ONLINE", "CAPACITY", "USED", "COPYSETS",
				"LEADERS");
		topology.path("chunkServers")
			.forEach((c) -> chunkServers.row(text(c, "id"), text(c, "server"), text(c, "host") + ":" + text(c, "port"),
					text(c, "raftAddress"), c.path("online").asBoolean(false) ? "yes" : "NO",
					bytes(c.path("diskCapacity")), bytes(c.path("diskUsed")), text(c, "copysets"),
					text(c, "leaders")));
		section(out, "Chunkservers", chunkServers);

		Table logicalPools = new Table("ID", "NAME", "POOL", "REPLICAS", "COPYSETS", "ZONES");
		topology.path("logicalPools")
			.forEach((l) -> logicalPools.row(text(l, "id"), text(l, "name"), text(l, "physicalPool"),
					text(l, "replicas"), text(l, "copysets"), text(l, "zones")));
		section(out, "Logical pools", logicalPools);
	}

	private static void section(PrintWriter out, String title, Table table) {
		out.println(title + ":");
		if (table.isEmpty()) {
			out.println("  (none)");
		}
		else {
			table.print(out, "  ");
		}
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (value.isArray()) {
			StringBuilder joined = new StringBuilder();
			value.forEach((v) -> joined.append(joined.length() == 0 ? "" : ",").append(v.asString("")));
			return joined.toString();
		}
		return value.isMissingNode() || value.isNull() ? "-" : value.asString("");
	}

	private static String bytes(JsonNode value) {
		return value.isNumber() ? formatBytes(value.asLong(0)) : "-";
	}

	/** Rounded binary size for humans: {@code 12.5 GiB}. */
	static String formatBytes(long bytes) {
		String[] units = { "TiB", "GiB", "MiB", "KiB" };
		long[] factors = { Sizes.TIB, Sizes.GIB, Sizes.MIB, Sizes.KIB };
		for (int i = 0; i < units.length; i++) {
			if (bytes >= factors[i]) {
				return String.format(Locale.ROOT, "%.1f %s", (double) bytes / factors[i], units[i]);
			}
		}
		return bytes + " B";
	}

}
