package io.curve4j.sdk.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Where the MDS members of a cluster answer: their HTTP (REST) and gRPC addresses. Read
 * from the connection file {@code $CURVE_HOME/cluster.json} that {@code curve local up}
 * writes, or from an explicit {@code --mds host:httpPort,...} list (gRPC addresses then
 * come from the MDS's own cluster status).
 */
public record ClusterEndpoints(List<String> mdsHttp, List<String> mdsGrpc) {

	public static final String CONNECTION_FILE = "cluster.json";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * {@code $CURVE_HOME}, default {@code ./.curve}; the system property {@code curve.home}
	 * overrides it for programs and tests that drive several clusters in one JVM.
	 */
	public static Path curveHome() {
		String home = System.getProperty("curve.home", System.getenv("CURVE_HOME"));
		return Path.of(home == null || home.isBlank() ? ".curve" : home).toAbsolutePath();
	}

	/**
	 * @param mdsOption value of {@code --mds} (comma-separated HTTP addresses), or null to
	 * use the connection file
	 * @param credentials signs the status call that finds gRPC addresses; null for none
	 */
	public static ClusterEndpoints resolve(String mdsOption, Credentials credentials) {
		if (mdsOption != null && !mdsOption.isBlank()) {
			List<String> http = addresses(mdsOption);
			JsonNode status = MdsRestApi.connect(http, credentials).clusterStatus();
			List<String> grpc = new ArrayList<>();
			for (JsonNode member : status.path("mds").path("members")) {
				grpc.add(member.path("grpc").asString());
			}
			return new ClusterEndpoints(http, grpc);
		}
		return fromConnectionFile(curveHome().resolve(CONNECTION_FILE));
	}

	/** The addresses of a comma-separated {@code --mds} value. */
	public static List<String> addresses(String mdsOption) {
		return Arrays.stream(mdsOption.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
	}

	static ClusterEndpoints fromConnectionFile(Path file) {
		if (!Files.exists(file)) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "no cluster found: " + file
					+ " does not exist; start one with 'bin/curve local up' or pass --mds host:port");
		}
		try {
			JsonNode root = JSON.readTree(Files.readString(file));
			List<String> http = new ArrayList<>();
			List<String> grpc = new ArrayList<>();
			for (JsonNode mds : root.path("mds")) {
				http.add(mds.path("http").asString());
				grpc.add(mds.path("grpc").asString());
			}
			if (http.isEmpty()) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, file + " lists no MDS");
			}
			return new ClusterEndpoints(http, grpc);
		}
		catch (IOException | tools.jackson.core.JacksonException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "cannot read " + file + ": " + ex.getMessage());
		}
	}

}
