package io.curve4j.local;

import io.curve4j.common.net.HostPort;

/**
 * One service of a local cluster: its name ({@code mds-1}, {@code chunkserver-2},
 * {@code metaserver-1}, {@code gateway}, {@code nbd}, {@code s3}, {@code snapshot-service}) and the loopback addresses it listens on; an address a
 * service does not have is null.
 *
 * @param server for chunkservers and metaservers, the topology server it belongs to
 * @param zone for chunkservers and metaservers, the failure zone of that server
 * @param nbd for the NBD server, the address it exports volumes on
 */
public record ServiceSpec(String name, String http, String grpc, String raft, String server, String zone,
		String nbd) {

	/** What runs as the service, and so how it is launched and checked. */
	public enum Kind {

		MDS, CHUNKSERVER, METASERVER, GATEWAY, NBD, S3, SNAPSHOT_SERVICE

	}

	public Kind kind() {
		if (this.name.startsWith(LocalLayout.MDS_PREFIX)) {
			return Kind.MDS;
		}
		if (this.name.startsWith(LocalLayout.CHUNKSERVER_PREFIX)) {
			return Kind.CHUNKSERVER;
		}
		if (this.name.startsWith(LocalLayout.METASERVER_PREFIX)) {
			return Kind.METASERVER;
		}
		return switch (this.name) {
			case LocalLayout.GATEWAY -> Kind.GATEWAY;
			case LocalLayout.S3 -> Kind.S3;
			case LocalLayout.SNAPSHOT_SERVICE -> Kind.SNAPSHOT_SERVICE;
			default -> Kind.NBD;
		};
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

	int nbdPort() {
		return port(this.nbd);
	}

	private static int port(String address) {
		return HostPort.of(address).port();
	}

}
