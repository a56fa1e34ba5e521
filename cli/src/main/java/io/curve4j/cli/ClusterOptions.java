package io.curve4j.cli;

import java.util.List;

import picocli.CommandLine.Option;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.cluster.ClusterEndpoints;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;

/**
 * Options of every command that talks to a cluster: where its MDS is (else the
 * connection file of {@code curve local up}), and whether errors show stack traces.
 */
final class ClusterOptions {

	@Option(names = "--mds", paramLabel = "HOST:PORT[,...]",
			description = "HTTP addresses of the MDS members. Default: from $CURVE_HOME/cluster.json.")
	String mds;

	@Option(names = { "-v", "--verbose" }, description = "Print stack traces of errors.")
	boolean verbose;

	@Option(names = "--user", paramLabel = "NAME",
			description = "Act as this user (password from $CURVE_PASSWORD; root's from $CURVE_HOME/root.secret). "
					+ "Default: root.")
	String user;

	private Credentials credentials;

	private ClusterEndpoints endpoints;

	ClusterEndpoints endpoints() {
		if (this.endpoints == null) {
			this.endpoints = ClusterEndpoints.resolve(this.mds, credentials());
		}
		return this.endpoints;
	}

	/** The REST API; an explicit --mds is used as is (no status call needed to learn gRPC addresses). */
	MdsRestApi rest() {
		if (this.mds != null && !this.mds.isBlank()) {
			return MdsRestApi.connect(ClusterEndpoints.addresses(this.mds), credentials());
		}
		return MdsRestApi.connect(endpoints().mdsHttp(), credentials());
	}

	CurveClient client() {
		return clientBuilder().build();
	}

	/** A client of this cluster as {@link #client()} builds it, for a caller that sets more. */
	CurveClient.Builder clientBuilder() {
		List<String> grpc = endpoints().mdsGrpc().stream().filter((a) -> !a.isBlank()).toList();
		if (grpc.isEmpty()) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "the cluster lists no MDS gRPC address");
		}
		CurveClient.Builder builder = CurveClient.builder().mdsAddresses(grpc);
		Credentials c = credentials();
		if (c != null) {
			builder.credentials(c.user(), c.password());
		}
		return builder;
	}

	Credentials credentials() {
		if (this.credentials == null) {
			this.credentials = Credentials.resolve(this.user, ClusterEndpoints.curveHome());
		}
		return this.credentials;
	}

}
