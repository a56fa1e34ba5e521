package io.curve4j.mds.namespace;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStateMachine;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.proto.mds.v1.ApplyTopologyCommand;
import io.curve4j.proto.mds.v1.CreateFileCommand;
import io.curve4j.proto.mds.v1.ExtendVolumeCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.LogicalPoolRecord;
import io.curve4j.proto.mds.v1.MdsCommand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A volume records the geometry of the pool it is created in, and its sizes follow it. */
class VolumeGeometryTest {

	private static final long MIB = 1024 * 1024;

	@TempDir
	Path dir;

	private MdsStore store;

	private MdsStateMachine machine;

	private long index;

	/** Stands in for the topology: one logical pool of 4 MiB chunks in 256 MiB segments. */
	static final class SmallChunkPool implements MdsCommandHandler {

		@Override
		public Set<MdsCommand.CommandCase> commands() {
			return Set.of(MdsCommand.CommandCase.APPLY_TOPOLOGY);
		}

		@Override
		public Object apply(MdsCommand command, MdsTx tx) {
			tx.put(MdsSchema.LOGICAL_POOLS, 1, LogicalPoolRecord.newBuilder()
				.setId(1)
				.setName("lpool-1")
				.setCopysets(3)
				.setChunkSize((int) (4 * MIB))
				.setSegmentSize(256 * MIB)
				.build());
			return null;
		}

	}

	@BeforeEach
	void start() {
		this.store = new MdsStore(this.dir.resolve("db"));
		this.machine = new MdsStateMachine(this.store, List.of(new NamespaceCommands(), new SmallChunkPool()));
	}

	@AfterEach
	void stop() {
		this.store.close();
	}

	@Test
	void aVolumeCreatedBeforeAnyPoolHasTheDefaultGeometry() {
		FileRecord volume = create("/early", 1024 * MIB);
		assertThat(Geometry.of(volume)).isEqualTo(Geometry.DEFAULT);
		assertThat(volume.getChunkSize()).as("recorded, not implied").isEqualTo(16 * MIB);
	}

	@Test
	void aVolumeTakesItsPoolsGeometryAndIsSizedInItsSegments() {
		apply(MdsCommand.newBuilder().setApplyTopology(ApplyTopologyCommand.getDefaultInstance()).build());
		FileRecord volume = create("/small", 512 * MIB);
		assertThat(Geometry.of(volume)).isEqualTo(new Geometry((int) (4 * MIB), 256 * MIB));
		assertThatThrownBy(() -> create("/odd", 384 * MIB)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.SIZE_NOT_SEGMENT_ALIGNED))
			.hasMessageContaining("is not a whole number of 256MiB segments; round up to 512MiB");
		FileRecord extended = (FileRecord) apply(MdsCommand.newBuilder()
			.setExtendVolume(ExtendVolumeCommand.newBuilder().setPath("/small").setNewLength(768 * MIB))
			.build());
		assertThat(extended.getLength()).isEqualTo(768 * MIB);
		assertThat(Geometry.of(extended)).isEqualTo(Geometry.of(volume));
	}

	@Test
	void anExtendIsAlignedToTheVolumesOwnSegments() {
		create("/early", 1024 * MIB);
		assertThatThrownBy(() -> apply(MdsCommand.newBuilder()
			.setExtendVolume(ExtendVolumeCommand.newBuilder().setPath("/early").setNewLength(1536 * MIB))
			.build())).isInstanceOfSatisfying(CurveException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.SIZE_NOT_SEGMENT_ALIGNED));
	}

	private FileRecord create(String path, long length) {
		return (FileRecord) apply(MdsCommand.newBuilder()
			.setCreateFile(CreateFileCommand.newBuilder().setPath(path).setType(FileType.VOLUME).setLength(length))
			.build());
	}

	private Object apply(MdsCommand command) {
		return this.machine.applyCommitted(++this.index, command);
	}

}
