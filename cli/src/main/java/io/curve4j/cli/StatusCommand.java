package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import io.curve4j.common.size.Sizes;

/** {@code curve status}: cluster health; exit 0 only when everything is healthy. */
@Command(name = "status", mixinStandardHelpOptions = true,
		description = "Cluster health: MDS leader, chunkservers online, copysets healthy/degraded/unavailable, "
				+ "operators in flight and recovery progress. Exits 0 only when all is healthy.")
final class StatusCommand implements Callable<Integer> {

	@Mixin
	ClusterOptions cluster;

	@Mixin
	OutputOptions output;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		JsonNode status = this.cluster.rest().clusterStatus();
		boolean healthy = status.path("healthy").asBoolean(false);
		this.output.print(this.spec.commandLine().getOut(), status, (out) -> print(status, healthy, out));
		return healthy ? 0 : CurveCli.EXIT_ERROR;
	}

	private static void print(JsonNode status, boolean healthy, PrintWriter out) {
		out.println("cluster:      " + (healthy ? "HEALTHY" : "UNHEALTHY"));
		JsonNode leader = status.path("mds").path("leader");
		out.println("MDS leader:   " + (leader.isObject() ? leader.path("http").asString("") + " (gRPC "
				+ leader.path("grpc").asString("") + ", raft " + leader.path("raft").asString("") + ")" : "none"));
		Table members = new Table("MEMBER (HTTP)", "GRPC", "RAFT", "ROLE");
		for (JsonNode m : status.path("mds").path("members")) {
			members.row(m.path("http").asString(""), m.path("grpc").asString(""), m.path("raft").asString(""),
					m.path("leader").asBoolean(false) ? "leader" : "follower");
		}
		if (!members.isEmpty()) {
			members.print(out, "  ");
		}
		JsonNode cs = status.path("chunkServers");
		out.printf("chunkservers: %d/%d online%n", cs.path("online").asLong(0), cs.path("total").asLong(0));
		JsonNode meta = status.path("metaServers");
		if (meta.path("total").asLong(0) > 0) {
			out.printf("metaservers:  %d/%d online%n", meta.path("online").asLong(0), meta.path("total").asLong(0));
		}
		JsonNode copysets = status.path("copysets");
		out.printf("copysets:     %d total, %d healthy, %d degraded, %d unavailable%n",
				copysets.path("total").asLong(0), copysets.path("healthy").asLong(0),
				copysets.path("degraded").asLong(0), copysets.path("unavailable").asLong(0));
		JsonNode operators = status.path("operators");
		out.printf("operators:    %d in flight (recovery %d, copyset balance %d, leader balance %d)%n",
				operators.path("inFlight").asLong(0), operators.path("recovery").asLong(0),
				operators.path("copysetBalance").asLong(0), operators.path("leaderBalance").asLong(0));
		for (JsonNode running : operators.path("running")) {
			out.println("  - " + running.asString(""));
		}
		JsonNode recovery = status.path("recovery");
		out.printf("recovery:     %d copysets with an offline replica, %d recovering, %d recovered%n",
				recovery.path("copysetsToRecover").asLong(0), recovery.path("recovering").asLong(0),
				recovery.path("recovered").asLong(0));
		JsonNode integrity = status.path("integrity");
		out.printf("integrity:    %d bad pages found, %d repairs proposed; scrub: %d passes, %s checked; "
				+ "replicas compared for %d chunks, %d differed%n", integrity.path("badPages").asLong(0),
				integrity.path("repairsProposed").asLong(0), integrity.path("scrubPasses").asLong(0),
				Sizes.format(integrity.path("scrubBytes").asLong(0)), integrity.path("scans").asLong(0),
				integrity.path("scanMismatches").asLong(0));
		JsonNode problems = status.path("problems");
		if (problems.size() > 0) {
			out.println("problems:");
			for (JsonNode problem : problems) {
				out.println("  - " + problem.asString(""));
			}
		}
	}

}
