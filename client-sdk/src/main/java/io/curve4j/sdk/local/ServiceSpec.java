package io.curve4j.sdk.local;

/**
 * One service of a local cluster: its name ({@code mds-1}, {@code chunkserver-2}) and
 * the loopback addresses it listens on.
 *
 * @param server for chunkservers, the topology server it belongs to; null for an MDS
 * @param zone for chunkservers, the failure zone of that server; null for an MDS
 */
public record ServiceSpec(String name, String http, String grpc, String raft, String server, String zone) {

	public boolean isMds() {
		return this.name.startsWith(LocalLayout.MDS_PREFIX);
	}

	int httpPort() {
		return port(this.http);
	}

	int grpcPort() {
		return port(this.grpc);
	}

	int raftPort() {
		return port(this.raft);
	}

	private static int port(String address) {
		return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
	}

}
