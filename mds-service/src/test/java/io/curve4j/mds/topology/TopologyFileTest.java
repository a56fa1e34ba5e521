package io.curve4j.mds.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.LogicalPoolKind;

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
	void aLogicalPoolIsForVolumesUnlessItSaysFsMetadata() {
		assertThat(TopologyFile.parse(VALID).getLogicalPools(0).getKind()).isEqualTo(LogicalPoolKind.LOGICAL_POOL_KIND_BLOCK);
		assertThat(TopologyFile.parse(VALID + "    kind: fs-metadata\n").getLogicalPools(0).getKind())
			.isEqualTo(LogicalPoolKind.LOGICAL_POOL_KIND_FS_METADATA);
		assertThatThrownBy(() -> TopologyFile.parse(VALID + "    kind: files\n"))
			.hasMessage("logicalPools[0].kind is 'block' or 'fs-metadata', not 'files'");
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
			// a committed entry that asks for two billion copysets would stop every member on replay
			"logicalPools:\n  - name: l\n    physicalPool: p\n    replicas: 3\n    copysets: 2000000000\n    zones: 3\n",
			"servers:\n  - name: a\n    name: b\n" })
	void malformedFilesAreRejected(String yaml) {
		assertThatThrownBy(() -> TopologyFile.parse(yaml)).isInstanceOf(CurveException.class)
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(ErrorCode.MALFORMED_TOPOLOGY))
			.satisfies(ex -> assertThat(ex.getMessage()).isNotBlank());
	}

	@Test
	void aLogicalPoolMaySetItsGeometryAndDefaultsToSixteenMibChunksInGibSegments() {
		assertThat(TopologyFile.parse(VALID).getLogicalPools(0).getChunkSize()).isEqualTo(16 * 1024 * 1024);
		assertThat(TopologyFile.parse(VALID).getLogicalPools(0).getSegmentSize()).isEqualTo(1024L * 1024 * 1024);
		ApplyTopologyCommand command = TopologyFile.parse(VALID + "    chunkSize: 4MiB\n    segmentSize: 256MiB\n");
		assertThat(command.getLogicalPools(0).getChunkSize()).isEqualTo(4 * 1024 * 1024);
		assertThat(command.getLogicalPools(0).getSegmentSize()).isEqualTo(256L * 1024 * 1024);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"chunkSize: 3MiB | logicalPools[0].chunkSize must be a power of two from 64KiB to 1GiB, not 3145728 bytes",
			"chunkSize: 32KiB | logicalPools[0].chunkSize must be a power of two from 64KiB to 1GiB, not 32768 bytes",
			"chunkSize: 2GiB | logicalPools[0].chunkSize must be a power of two from 64KiB to 1GiB, not 2147483648 bytes",
			"segmentSize: 8MiB | logicalPools[0].segmentSize must be a power of two from the chunk size (16MiB) to 4096 chunks, not 8388608 bytes",
			"segmentSize: 128GiB | logicalPools[0].segmentSize must be a power of two from the chunk size (16MiB) to 4096 chunks, not 137438953472 bytes",
			"chunkSize: lots | logicalPools[0].chunkSize: 'lots' is not a size; write a whole number with B, KiB, MiB, GiB or TiB (e.g. 10GiB)" })
	void aBadGeometryIsRefusedWithWhatToChange(String line, String detail) {
		assertThatThrownBy(() -> TopologyFile.parse(VALID + "    " + line + "\n")).isInstanceOf(CurveException.class)
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(ErrorCode.MALFORMED_TOPOLOGY))
			.hasMessage(detail);
	}

	@Test
	void detailNamesTheMissingField() {
		assertThatThrownBy(() -> TopologyFile.parse("servers:\n  - name: a\n    host: h\n    zone: z\n"))
			.hasMessage("servers[0].physicalPool is missing");
	}

}
