package io.curve4j.local;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The local cluster's layout: metaservers with ports of their own and their metadata pool. */
class LocalLayoutTest {

	@Test
	void threeMetaserversOnPortsNoOtherServiceUses() {
		LocalLayout layout = LocalLayout.fixedPorts(3, 3, 6700);
		assertThat(layout.metaServers()).extracting(ServiceSpec::name)
			.containsExactly("metaserver-1", "metaserver-2", "metaserver-3");
		assertThat(layout.metaServers()).allMatch(s -> s.kind() == ServiceSpec.Kind.METASERVER);
		assertThat(layout.metaServers().get(0).grpc()).isEqualTo("127.0.0.1:6801");
		assertThat(layout.metaServers().get(2).raft()).isEqualTo("127.0.0.1:6806");
		List<String> addresses = new ArrayList<>();
		for (ServiceSpec s : layout.services()) {
			for (String a : new String[] { s.http(), s.grpc(), s.raft(), s.nbd() }) {
				if (a != null) {
					addresses.add(a);
				}
			}
		}
		assertThat(new HashSet<>(addresses)).hasSameSizeAs(addresses);
	}

	@Test
	void topologyPutsMetaserversInAPoolOfTheirOwnWithAnFsMetadataLogicalPool() {
		String yaml = LocalLayout.fixedPorts(1, 3, 6700).topologyYaml(true);
		assertThat(yaml).contains("  - name: meta-server-2\n    host: 127.0.0.1\n    zone: meta-zone-2\n"
				+ "    physicalPool: meta-pool\n");
		assertThat(yaml).contains("  - name: fs-meta\n    physicalPool: meta-pool\n    kind: fs-metadata\n"
				+ "    replicas: 3\n    copysets: 8\n    zones: 3\n");
		assertThat(LocalLayout.fixedPorts(1, 3, 6700).topologyYaml(false)).doesNotContain("logicalPools", "fs-meta");
	}

	@Test
	void aHomeFromBeforeCurveFsHasNoMetaservers() {
		LocalLayout old = LocalLayout.fixedPorts(1, 3, 6700);
		LocalLayout withoutMeta = new LocalLayout(old.basePort(), old.mds(), old.chunkServers(), old.gateway(), old.nbd(),
				old.s3(), old.snapshotService(), old.objectStore(), null);
		assertThat(withoutMeta.metaServers()).isEmpty();
		assertThat(withoutMeta.topologyYaml(true)).doesNotContain("meta");
		assertThat(old.withoutMetaServers().metaServers()).isEmpty();
		assertThat(old.withoutMetaServers().services()).hasSize(old.services().size() - 3);
		assertThat(old.withoutMetaServers().topologyYaml(true)).doesNotContain("meta");
	}

}
