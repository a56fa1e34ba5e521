package io.curve4j.common.auth;

import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.proto.common.v1.CloneSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkCapabilitiesTest {

	private static final long NOW = 1_700_000_000_000L;

	private final ChunkCapabilities mds = ChunkCapabilities.fromSecret("the-cluster-data-key");

	private final ChunkCapability segment = this.mds.issue(7, 100, 64, ChunkCapabilities.READ | ChunkCapabilities.WRITE,
			NOW + 60_000);

	@Test
	void grantsTheRightsOnTheSegmentsChunksUntilItExpires() {
		assertThatCode(() -> this.mds.check(this.segment, 100, ChunkCapabilities.READ, NOW)).doesNotThrowAnyException();
		assertThatCode(() -> this.mds.check(this.segment, 163, ChunkCapabilities.WRITE, NOW)).doesNotThrowAnyException();
		// a chunkserver with the same key checks what the MDS issued
		assertThatCode(() -> ChunkCapabilities.fromSecret("the-cluster-data-key").check(this.segment, 120,
				ChunkCapabilities.READ, NOW)).doesNotThrowAnyException();
	}

	@Test
	void refusesWhatItDoesNotGrant() {
		refused(ChunkCapability.getDefaultInstance(), 100, ChunkCapabilities.READ, NOW, ErrorCode.UNAUTHENTICATED);
		refused(this.segment.toBuilder().setChunkCount(1000).build(), 500, ChunkCapabilities.READ, NOW,
				ErrorCode.UNAUTHENTICATED);
		refused(this.segment, 100, ChunkCapabilities.READ, NOW, ErrorCode.UNAUTHENTICATED,
				ChunkCapabilities.fromSecret("another-cluster-key"));
		refused(this.segment, 99, ChunkCapabilities.READ, NOW, ErrorCode.CAPABILITY_DENIED);
		refused(this.segment, 164, ChunkCapabilities.READ, NOW, ErrorCode.CAPABILITY_DENIED);
		refused(this.segment, 100, ChunkCapabilities.DELETE, NOW, ErrorCode.CAPABILITY_DENIED);
		refused(this.segment, 100, ChunkCapabilities.READ, NOW + 60_001, ErrorCode.CAPABILITY_EXPIRED);
	}

	@Test
	void aCloneSourceIsSignedWithTheRest() {
		CloneSource source = CloneSource.newBuilder().setVolumeId(3).setSnapshotId("snap-1").setFirstChunkIndex(64).build();
		ChunkCapability clone = this.mds.issue(7, 100, 64, ChunkCapabilities.READ, NOW + 60_000, source);
		assertThatCode(() -> this.mds.check(clone, 100, ChunkCapabilities.READ, NOW)).doesNotThrowAnyException();
		// pointed at another volume's data, or added to a plain segment's capability: forged
		refused(clone.toBuilder().setCloneSource(source.toBuilder().setVolumeId(4)).build(), 100,
				ChunkCapabilities.READ, NOW, ErrorCode.UNAUTHENTICATED);
		refused(clone.toBuilder().setCloneSource(source.toBuilder().setSnapshotId("snap-2")).build(), 100,
				ChunkCapabilities.READ, NOW, ErrorCode.UNAUTHENTICATED);
		refused(clone.toBuilder().setCloneSource(source.toBuilder().setFirstChunkIndex(0)).build(), 100,
				ChunkCapabilities.READ, NOW, ErrorCode.UNAUTHENTICATED);
		refused(this.segment.toBuilder().setCloneSource(source).build(), 100, ChunkCapabilities.READ, NOW,
				ErrorCode.UNAUTHENTICATED);
		refused(clone.toBuilder().clearCloneSource().build(), 100, ChunkCapabilities.READ, NOW,
				ErrorCode.UNAUTHENTICATED);
	}

	@Test
	void aShortSecretIsRefused() {
		assertThatThrownBy(() -> ChunkCapabilities.fromSecret("short")).isInstanceOf(IllegalArgumentException.class);
	}

	private void refused(ChunkCapability capability, long chunk, int right, long now, ErrorCode code) {
		refused(capability, chunk, right, now, code, this.mds);
	}

	private static void refused(ChunkCapability capability, long chunk, int right, long now, ErrorCode code,
			ChunkCapabilities checker) {
		assertThatThrownBy(() -> checker.check(capability, chunk, right, now))
			.isInstanceOfSatisfying(CurveException.class, ex -> assertThat(ex.code())
				.isEqualTo(code));
	}

}
