package io.curve4j.mds.topology;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStateMachine;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.LogicalPoolSpec;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.RegisterChunkServerCommand;
import io.curve4j.proto.mds.v1.ServerSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chunk and segment size are properties of a logical pool: recorded with the pool, and
 * checked against the chunk size of the chunkservers that serve it, both ways. Through
 * the state machine on a real RocksDB, without Raft.
 */
class GeometryTest {

	private static final int MIB = 1024 * 1024;

	@TempDir
	Path dir;

	private MdsStore store;

	private MdsStateMachine machine;

	private long index;

	@BeforeEach
	void start() {
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new TopologyCommands()));
		ApplyTopologyCommand.Builder servers = ApplyTopologyCommand.newBuilder();
		for (int i = 1; i <= 3; i++) {
			servers.addServers(ServerSpec.newBuilder()
				.setName("server-" + i)
				.setHost("127.0.0.1")
				.setZone("zone-" + i)
				.setPhysicalPool("pool-1"));
		}
		apply(MdsCommand.newBuilder().setApplyTopology(servers).build());
		for (int i = 1; i <= 3; i++) {
			register("server-" + i, 8200 + i, 4 * MIB);
		}
	}

	@AfterEach
	void stop() {
		this.store.close();
	}

	@Test
	void aPoolRecordsItsGeometryAndAChunkServerItsChunkSize() {
		apply(pool(4 * MIB, 256L * MIB));
		LogicalPoolRecord pool = this.store.list(MdsSchema.LOGICAL_POOLS).get(0);
		assertThat(Geometry.of(pool)).isEqualTo(new Geometry(4 * MIB, 256L * MIB));
		assertThat(Geometry.of(pool).chunksPerSegment()).isEqualTo(64);
		assertThat(this.store.list(MdsSchema.CHUNK_SERVERS)).extracting(Geometry::chunkSizeOf)
			.containsOnly(4 * MIB);
	}

	@Test
	void aPoolWhoseChunksDifferFromItsChunkServersIsRefused() {
		assertThatThrownBy(() -> apply(pool(16 * MIB, 1024L * MIB))).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.CHUNK_SIZE_MISMATCH))
			.hasMessageContaining("has 16MiB chunks, but chunkserver 1 of physical pool 'pool-1' has 4MiB chunk files");
		assertThat(this.store.list(MdsSchema.LOGICAL_POOLS)).as("nothing changed").isEmpty();
	}

	@Test
	void aChunkServerWhoseChunksDifferFromItsPoolsIsRefusedAndNotRecorded() {
		apply(pool(4 * MIB, 256L * MIB));
		assertThatThrownBy(() -> register("server-1", 8299, 16 * MIB)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.CHUNK_SIZE_MISMATCH))
			.hasMessageContaining("this chunkserver has 16MiB chunk files, but logical pool 'lpool-1'");
		assertThat(this.store.list(MdsSchema.CHUNK_SERVERS)).hasSize(3);
		register("server-1", 8298, 4 * MIB);
		assertThat(this.store.list(MdsSchema.CHUNK_SERVERS)).hasSize(4);
	}

	@Test
	void recordsWrittenBeforeGeometryWasRecordedReadAsTheDefaults() {
		assertThat(Geometry.of(LogicalPoolRecord.newBuilder().setId(1).build())).isEqualTo(Geometry.DEFAULT);
		assertThat(Geometry.of(FileRecord.newBuilder().setId(1).build())).isEqualTo(Geometry.DEFAULT);
		assertThat(Geometry.chunkSizeOf(ChunkServerRecord.newBuilder().setId(1).build())).isEqualTo(16 * MIB);
		assertThat(Geometry.DEFAULT).isEqualTo(new Geometry(16 * MIB, 1024L * MIB));
	}

	private static MdsCommand pool(int chunkSize, long segmentSize) {
		return MdsCommand.newBuilder()
			.setApplyTopology(ApplyTopologyCommand.newBuilder()
				.addLogicalPools(LogicalPoolSpec.newBuilder()
					.setName("lpool-1")
					.setPhysicalPool("pool-1")
					.setReplicas(3)
					.setCopysets(6)
					.setZones(3)
					.setChunkSize(chunkSize)
					.setSegmentSize(segmentSize)))
			.build();
	}

	private void register(String server, int raftPort, int chunkSize) {
		apply(MdsCommand.newBuilder()
			.setRegisterChunkServer(RegisterChunkServerCommand.newBuilder()
				.setServerName(server)
				.setHost("127.0.0.1")
				.setPort(raftPort + 100)
				.setRaftPort(raftPort)
				.setDiskPath("/data/" + raftPort)
				.setNewToken("token-" + raftPort)
				.setChunkSize(chunkSize))
			.build());
	}

	private Object apply(MdsCommand command) {
		return this.machine.applyCommitted(++this.index, command);
	}

}
