package io.curve4j.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import io.curve4j.sdk.cluster.MdsRestApi;

/** A subcommand that calls the MDS REST API of the cluster and prints to the command line's output. */
abstract class RestSubcommand implements Runnable {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
		.withZone(ZoneId.systemDefault());

	@Mixin
	ClusterOptions cluster;

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		PrintWriter out = this.spec.commandLine().getOut();
		run(this.cluster.rest(), out);
		out.flush();
	}

	abstract void run(MdsRestApi rest, PrintWriter out);

	/** A time as the tables show it, in the local zone; "-" for none. */
	static String time(Instant instant) {
		return instant == null ? "-" : TIME.format(instant);
	}

}
