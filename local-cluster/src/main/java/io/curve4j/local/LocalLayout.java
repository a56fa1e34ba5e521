package io.curve4j.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.curve4j.common.net.HostPort;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.sdk.cluster.Credentials;

/**
 * The shape of a local cluster as written to its connection file
 * ({@code $CURVE_HOME/cluster.json}): every MDS and chunkserver with its ports. Fixed
 * ports derive from a base port (default {@value #DEFAULT_BASE_PORT}):
 *
 * <pre>
 * mds-i           http base+i-1      grpc base+10+i-1   raft base+20+i-1   (i = 1..10)
 * chunkserver-k   http base+30+k-1   grpc base+50+k-1   raft base+70+k-1   (k = 1..20)
 * nbd             nbd base+90 (the NBD export of every volume)   http base+91 (its metrics)
 * gateway         http base+95 (the one REST entry point, Swagger UI)
 * s3              http base+96 (S3Proxy on its filesystem backend: the snapshots' object store)
 * snapshot-service http base+97 (Actuator only: it works the MDS's snapshot tasks)
 * metaserver-k    http base+98+k-1   grpc base+101+k-1  raft base+104+k-1  (k = 1..3)
 * </pre>
 *
 * Chunkserver k runs on topology server {@code server-k} in zone
 * {@code zone-((k-1) mod 3 + 1)}, so three chunkservers give one per zone. Metaserver k
 * (CurveFS metadata) runs on {@code meta-server-k} in {@code meta-zone-k} (a zone belongs to one physical pool), in a physical pool
 * of its own ({@code meta-pool}) whose logical pool {@code fs-meta} has kind
 * {@code fs-metadata}: block volumes never land on it.
 */
public record LocalLayout(int basePort, List<ServiceSpec> mds, List<ServiceSpec> chunkServers, ServiceSpec gateway,
		ServiceSpec nbd, ServiceSpec s3, ServiceSpec snapshotService, ObjectStore objectStore,
		List<ServiceSpec> metaServers) {

	public static final int DEFAULT_BASE_PORT = 6700;

	static final String MDS_PREFIX = "mds-";

	static final String CHUNKSERVER_PREFIX = "chunkserver-";

	static final String GATEWAY = "gateway";

	static final String NBD = "nbd";

	static final String S3 = "s3";

	static final String SNAPSHOT_SERVICE = "snapshot-service";

	static final String METASERVER_PREFIX = "metaserver-";

	/** Metaservers of a local cluster: one per zone, so every metadata copyset has three replicas. */
	static final int METASERVERS = 3;

	/** Copysets of the fs-metadata pool: a few per metaserver, so partitions spread over leaders. */
	static final int METADATA_COPYSETS = 8;

	/** The highest port offset from the base. */
	private static final int LAST_OFFSET = 106;

	static final int ZONES = 3;

	private static final String HOST = "127.0.0.1";

	public static LocalLayout fixedPorts(int mdsCount, int chunkServerCount, int basePort) {
		validate(mdsCount, chunkServerCount);
		if (basePort < 1024 || basePort + LAST_OFFSET > 65535) {
			throw new IllegalArgumentException(
					"--base-port must be between 1024 and " + (65535 - LAST_OFFSET) + ", got " + basePort);
		}
		List<ServiceSpec> mds = new ArrayList<>();
		for (int i = 0; i < mdsCount; i++) {
			mds.add(mdsSpec(i + 1, basePort + i, basePort + 10 + i, basePort + 20 + i));
		}
		List<ServiceSpec> cs = new ArrayList<>();
		for (int k = 0; k < chunkServerCount; k++) {
			cs.add(chunkServerSpec(k + 1, basePort + 30 + k, basePort + 50 + k, basePort + 70 + k));
		}
		List<ServiceSpec> meta = new ArrayList<>();
		for (int k = 0; k < METASERVERS; k++) {
			meta.add(metaServerSpec(k + 1, basePort + 98 + k, basePort + 101 + k, basePort + 104 + k));
		}
		ServiceSpec s3 = httpSpec(S3, basePort + 96);
		return new LocalLayout(basePort, mds, cs, httpSpec(GATEWAY, basePort + 95), nbdSpec(basePort + 90, basePort + 91), s3,
				httpSpec(SNAPSHOT_SERVICE, basePort + 97), ObjectStore.newLocal(s3), meta);
	}

	/**
	 * Where the snapshot service puts snapshots: the local S3 server, with credentials
	 * drawn once per cluster (kept in the connection file, which S3 clients such as
	 * {@code aws --endpoint-url} read them from).
	 */
	public record ObjectStore(String endpoint, String bucket, String region, String accessKey, String secretKey) {

		static final String BUCKET = "curve-snapshots";

		static final String REGION = "us-east-1";

		static ObjectStore newLocal(ServiceSpec s3) {
			return new ObjectStore("http://" + s3.http(), BUCKET, REGION, "curve-" + Credentials.newSecret().substring(0, 8),
					Credentials.newSecret());
		}

		@Override
		public String toString() {
			return "ObjectStore[" + this.endpoint + ", bucket " + this.bucket + "]";
		}

	}

	/**
	 * Fixed ports from a random free base (tests), kept in the connection file across
	 * restarts. The base is drawn below Linux's ephemeral range (32768 and up): a port the
	 * OS hands out for outgoing connections could otherwise be taken between the pick and a
	 * service's bind, which kills that service at start.
	 */
	public static LocalLayout randomPorts(int mdsCount, int chunkServerCount) {
		validate(mdsCount, chunkServerCount);
		for (int attempt = 0; attempt < 100; attempt++) {
			int base = LoopbackPorts.LOW
					+ ThreadLocalRandom.current().nextInt((LoopbackPorts.HIGH - LoopbackPorts.LOW - LAST_OFFSET) / 100) * 100;
			LocalLayout layout = fixedPorts(mdsCount, chunkServerCount, base);
			if (layout.allPortsFree()) {
				return layout;
			}
		}
		throw new IllegalStateException("no free block of ports between " + LoopbackPorts.LOW + " and " + LoopbackPorts.HIGH);
	}

	private boolean allPortsFree() {
		List<Integer> ports = new ArrayList<>();
		for (ServiceSpec spec : services()) {
			for (String address : Arrays.asList(spec.http(), spec.grpc(), spec.raft(), spec.nbd())) {
				if (address != null) {
					ports.add(HostPort.of(address).port());
				}
			}
		}
		return ports.stream().allMatch(LoopbackPorts::isFree);
	}

	/**
	 * This layout without metaservers: a block-only cluster (three JVMs fewer, e.g. for
	 * tests and benchmarks of volumes), no file systems possible.
	 */
	public LocalLayout withoutMetaServers() {
		return new LocalLayout(this.basePort, this.mds, this.chunkServers, this.gateway, this.nbd, this.s3,
				this.snapshotService, this.objectStore, List.of());
	}

	/** The metaservers; none in a home made before CurveFS. */
	@Override
	public List<ServiceSpec> metaServers() {
		return this.metaServers == null ? List.of() : this.metaServers;
	}

	/**
	 * Every service, in start order (a home made before the snapshot service has no s3 and
	 * snapshot-service, one made before CurveFS no metaservers).
	 */
	public List<ServiceSpec> services() {
		List<ServiceSpec> all = new ArrayList<>(this.mds);
		all.addAll(this.chunkServers);
		all.addAll(metaServers());
		all.add(this.gateway);
		all.add(this.nbd);
		if (this.s3 != null) {
			all.add(this.s3);
			all.add(this.snapshotService);
		}
		return all;
	}

	public ServiceSpec service(String name) {
		return services().stream()
			.filter(s -> s.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no service named '" + name + "'; this cluster has "
					+ services().stream().map(ServiceSpec::name).toList()));
	}

	/** The topology YAML of this layout; with the logical pools once chunkservers and metaservers exist. */
	String topologyYaml(boolean withLogicalPool) {
		StringBuilder yaml = new StringBuilder("servers:\n");
		for (ServiceSpec cs : this.chunkServers) {
			yaml.append("  - name: ").append(cs.server()).append('\n');
			yaml.append("    host: ").append(HOST).append('\n');
			yaml.append("    zone: ").append(cs.zone()).append('\n');
			yaml.append("    physicalPool: pool-1\n");
		}
		for (ServiceSpec ms : metaServers()) {
			yaml.append("  - name: ").append(ms.server()).append('\n');
			yaml.append("    host: ").append(HOST).append('\n');
			yaml.append("    zone: ").append(ms.zone()).append('\n');
			yaml.append("    physicalPool: meta-pool\n");
		}
		if (withLogicalPool) {
			int zones = (int) this.chunkServers.stream().map(ServiceSpec::zone).distinct().count();
			yaml.append("logicalPools:\n");
			yaml.append("  - name: lpool-1\n");
			yaml.append("    physicalPool: pool-1\n");
			yaml.append("    replicas: ").append(Math.min(3, zones)).append('\n');
			yaml.append("    copysets: ").append(2 * this.chunkServers.size()).append('\n');
			yaml.append("    zones: ").append(Math.min(3, zones)).append('\n');
			if (!metaServers().isEmpty()) {
				yaml.append("  - name: fs-meta\n");
				yaml.append("    physicalPool: meta-pool\n");
				yaml.append("    kind: fs-metadata\n");
				yaml.append("    replicas: ").append(METASERVERS).append('\n');
				yaml.append("    copysets: ").append(METADATA_COPYSETS).append('\n');
				yaml.append("    zones: ").append(METASERVERS).append('\n');
			}
		}
		return yaml.toString();
	}

	private static ServiceSpec mdsSpec(int i, int http, int grpc, int raft) {
		return new ServiceSpec(MDS_PREFIX + i, HOST + ":" + http, HOST + ":" + grpc, HOST + ":" + raft, null, null,
				null);
	}

	private static ServiceSpec chunkServerSpec(int k, int http, int grpc, int raft) {
		return new ServiceSpec(CHUNKSERVER_PREFIX + k, HOST + ":" + http, HOST + ":" + grpc, HOST + ":" + raft,
				"server-" + k, "zone-" + ((k - 1) % ZONES + 1), null);
	}

	private static ServiceSpec metaServerSpec(int k, int http, int grpc, int raft) {
		return new ServiceSpec(METASERVER_PREFIX + k, HOST + ":" + http, HOST + ":" + grpc, HOST + ":" + raft,
				"meta-server-" + k, "meta-zone-" + k, null);
	}

	private static ServiceSpec httpSpec(String name, int http) {
		return new ServiceSpec(name, HOST + ":" + http, null, null, null, null, null);
	}

	private static ServiceSpec nbdSpec(int port, int metricsPort) {
		return new ServiceSpec(NBD, HOST + ":" + metricsPort, null, null, null, null, HOST + ":" + port);
	}

	private static void validate(int mdsCount, int chunkServerCount) {
		if (mdsCount < 1 || mdsCount > 10 || mdsCount % 2 == 0) {
			throw new IllegalArgumentException("--mds must be 1, 3, 5, 7 or 9 (an odd Raft group), got " + mdsCount);
		}
		if (chunkServerCount < 1 || chunkServerCount > 20) {
			throw new IllegalArgumentException("--chunkservers must be between 1 and 20, got " + chunkServerCount);
		}
	}

}
