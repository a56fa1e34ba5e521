package io.curve4j.sdk.block;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

import io.curve4j.proto.mds.v1.CloneInfo;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FileType;

/** The MDS's FileInfo as the SDK shows it: the clone link. */
class FileStatTest {

	private static final FileInfo VOLUME = FileInfo.newBuilder()
		.setId(9)
		.setName("c")
		.setType(FileType.VOLUME)
		.setLength(1L << 30)
		.setChunkSize(16 << 20)
		.build();

	@Test
	void aLinkedCloneShowsItsSourceStatusAndProgress() {
		FileInfo info = VOLUME.toBuilder()
			.setClone(CloneInfo.newBuilder()
				.setSourceVolumeId(7)
				.setSourcePath("/v")
				.setSnapshotId("s-1")
				.setSnapshotName("nightly")
				.setStatus(CloneStatus.FLATTENING)
				.setNextChunk(16)
				.setSourceChunks(64))
			.build();
		FileStat stat = FileStat.of(info, "/dir");
		assertThat(stat.path()).isEqualTo("/dir/c");
		assertThat(stat.cloneLink()).isEqualTo(
				new FileStat.Clone("/v", 7, "s-1", "nightly", FileStat.CloneStatus.FLATTENING, 16, 64));
		assertThat(stat.cloneLink().progress()).isEqualTo(25);
		assertThat(FileStat.of(info.toBuilder().setClone(info.getClone().toBuilder().setStatus(CloneStatus.WAITING_FOR_SOURCE)).build())
			.cloneLink()
			.status()).isEqualTo(FileStat.CloneStatus.WAITING_FOR_SOURCE);
	}

	@Test
	void aVolumeThatReadsNoSourceHasNoLink() {
		assertThat(FileStat.of(VOLUME).cloneLink()).isNull();
	}

}
