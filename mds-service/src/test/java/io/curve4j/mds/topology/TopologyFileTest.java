package io.curve4j.mds.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopologyFileTest {

	static final String VALID = """
			servers:
			  - name: server-1
			    host: 127.0.0.1
			    zone: zone-1
			    physicalPool: pool-1
			  - name: server-2
			    host: 127.0.0.1
			    zone: zone-2
			    physicalPool: pool-1
			logicalPools:          # optional
			  - name: lpool-1
			    physicalPool: pool-1
			    replicas: 2
			    copysets: 12
			    zones: 2
			""";

	@Test
	void parsesServersAndLogicalPools() {
		ApplyTopologyCommand command = TopologyFile.parse(VALID);
		assertThat(command.getServersList()).extracting("name").containsExactly("server-1", "server-2");
		assertThat(command.getServers(1).getZone()).isEqualTo("zone-2");
		assertThat(command.getServers(0).getPhysicalPool()).isEqualTo("pool-1");
		assertThat(command.getLogicalPools(0).getCopysets()).isEqualTo(12);
		assertThat(command.getLogicalPools(0).getReplicas()).isEqualTo(2);
	}

	@Test
	void logicalPoolsAreOptional() {
		assertThat(TopologyFile.parse(VALID.substring(0, VALID.indexOf("logicalPools"))).getLogicalPoolsCount())
			.isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "servers: [", "servers:\n  - name: a\n    hst: x\n", "- just a list",
			"servers:\n  - name: a\n    host: h\n    zone: z\n", "servers: {}",
			"servers:\n  - name: a\n    host: h\n    zone: z\n    physicalPool: p\n  - name: a\n    host: h\n    zone: z\n    physicalPool: p\n",
			"servers:\n  - name: a\n    host: h\n    zone: z\n    physicalPool: p\n  - name: b\n    host: h\n    zone: z\n    physicalPool: q\n",
			"logicalPools:\n  - name: l\n    physicalPool: p\n    replicas: 3\n    copysets: 1\n    zones: 2\n",
			"logicalPools:\n  - name: l\n    physicalPool: p\n    replicas: 0\n    copysets: 1\n    zones: 2\n",
			"logicalPools:\n  - name: l\n    physicalPool: p\n    replicas: three\n    copysets: 1\n    zones: 3\n",
			"servers:\n  - name: a\n    name: b\n" })
	void malformedFilesAreRejected(String yaml) {
		assertThatThrownBy(() -> TopologyFile.parse(yaml)).isInstanceOf(CurveException.class)
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(ErrorCode.MALFORMED_TOPOLOGY))
			.satisfies(ex -> assertThat(ex.getMessage()).isNotBlank());
	}

	@Test
	void detailNamesTheMissingField() {
		assertThatThrownBy(() -> TopologyFile.parse("servers:\n  - name: a\n    host: h\n    zone: z\n"))
			.hasMessage("servers[0].physicalPool is missing");
	}

}
