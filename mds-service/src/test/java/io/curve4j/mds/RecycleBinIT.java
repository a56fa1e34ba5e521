package io.curve4j.mds;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.LoopbackPorts;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.MdsNode.Response;
import io.curve4j.proto.mds.v1.DeleteFileRequest;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;

import static io.curve4j.mds.MdsIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recycle bin on one MDS over real REST and gRPC: a deleted volume leaves the
 * namespace, comes back with a restore, is purged on demand or when its (short, here)
 * retention ends, and every refusal has its code. Volumes here have no segments, so a
 * purge needs no chunkserver; chunk deletion is covered end to end in the cli module.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class RecycleBinIT {

	private static final Duration RETENTION = Duration.ofSeconds(8);

	@TempDir
	static Path dir;

	private MdsNode mds;

	@BeforeAll
	void start() {
		this.mds = MdsNode.start(dir.resolve("mds"), LoopbackPorts.free(), 0, 0,
				"--curve.mds.recycle.retention=" + RETENTION.toSeconds() + "s", "--curve.mds.recycle.interval=200ms");
		await().atMost(Duration.ofSeconds(15)).until(this.mds::isLeader);
	}

	@AfterAll
	void stop() {
		if (this.mds != null) {
			this.mds.close();
		}
	}

	@Test
	void deleteMovesToTheBinAndRestoreBringsItBack() {
		this.mds.postJson("/api/v1/directories", Map.of("path", "/r"));
		long old = createVolume("/r/v1");
		assertThat(this.mds.delete("/api/v1/volumes/" + old).status()).isEqualTo(204);
		assertProblem(this.mds.get("/api/v1/volumes/info?path=/r/v1"), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertProblem(this.mds.get("/api/v1/volumes/" + old), 404, ErrorCode.VOLUME_NOT_FOUND);
		assertThat(this.mds.get("/api/v1/directories/list?path=/r").body()).isEmpty();
		JsonNode recycled = inBin(old);
		assertThat(recycled.path("path").asString()).isEqualTo("/r/v1");
		assertThat(recycled.path("owner").asString()).isEqualTo("root");
		assertThat(recycled.path("size").asLong()).isEqualTo(Sizes.GIB);
		assertThat(recycled.path("purging").asBoolean()).isFalse();
		assertThat(Duration.between(Instant.parse(recycled.path("deleted").asString()),
				Instant.parse(recycled.path("expires").asString())))
			.isEqualTo(RETENTION);

		// the old path is free for a new volume; restoring over it is refused
		long reused = createVolume("/r/v1");
		assertProblem(restore("/r/v1"), 409, ErrorCode.VOLUME_EXISTS);
		// over gRPC too a delete moves the volume into the bin
		NamespaceServiceGrpc.newBlockingStub(this.mds.channel())
			.deleteFile(DeleteFileRequest.newBuilder().setPath("/r/v1").build());
		assertThat(inBin(reused).path("path").asString()).isEqualTo("/r/v1");
		// the last one deleted from a path comes back first
		Response restored = restore("/r/v1");
		assertThat(restored.status()).isEqualTo(200);
		assertThat(restored.body().path("id").asLong()).isEqualTo(reused);
		assertThat(restored.body().path("deleted").isNull() || restored.body().path("deleted").isMissingNode()).isTrue();
		assertThat(this.mds.get("/api/v1/volumes/info?path=/r/v1").body().path("id").asLong()).isEqualTo(reused);
		this.mds.postJson("/api/v1/volumes/rename", Map.of("path", "/r/v1", "newPath", "/r/v1b"));
		assertThat(restore("/r/v1").body().path("id").asLong()).isEqualTo(old);
		assertThat(listed(old)).isFalse();
	}

	@Test
	void refusalsHaveTheirCodes() {
		this.mds.postJson("/api/v1/directories", Map.of("path", "/gone"));
		long id = createVolume("/gone/x");
		assertThat(this.mds.delete("/api/v1/volumes?path=/gone/x").status()).isEqualTo(204);
		assertProblem(restore("relative"), 400, ErrorCode.INVALID_PATH);
		assertProblem(this.mds.postJson("/api/v1/recycle-bin/restore", Map.of()), 400, ErrorCode.INVALID_ARGUMENT);
		assertProblem(restore("/gone/never"), 404, ErrorCode.NOT_IN_RECYCLE_BIN);
		assertProblem(this.mds.postJson("/api/v1/recycle-bin/purge", Map.of("path", "/gone/never")), 404,
				ErrorCode.NOT_IN_RECYCLE_BIN);
		assertProblem(this.mds.get("/api/v1/recycle-bin?sort=colour"), 400, ErrorCode.INVALID_ARGUMENT);
		// the directory it came from may go; a restore then needs it back first
		assertThat(this.mds.delete("/api/v1/directories?path=/gone").status()).isEqualTo(204);
		assertProblem(restore("/gone/x"), 404, ErrorCode.DIRECTORY_NOT_FOUND);
		assertThat(inBin(id).path("purging").asBoolean()).isFalse();

		Response purged = this.mds.postJson("/api/v1/recycle-bin/purge", Map.of("path", "/gone/x"));
		assertThat(purged.status()).isEqualTo(202);
		assertThat(purged.body().get(0).path("id").asLong()).isEqualTo(id);
		assertThat(purged.body().get(0).path("purging").asBoolean()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !listed(id));
		assertProblem(restore("/gone/x"), 404, ErrorCode.NOT_IN_RECYCLE_BIN);
	}

	@Test
	void volumesLeaveTheBinWhenTheirRetentionEnds() {
		this.mds.postJson("/api/v1/directories", Map.of("path", "/e"));
		long id = createVolume("/e/v");
		assertThat(this.mds.delete("/api/v1/volumes/" + id).status()).isEqualTo(204);
		assertThat(listed(id)).isTrue();
		await().atMost(RETENTION.plusSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> !listed(id));
		assertProblem(restore("/e/v"), 404, ErrorCode.NOT_IN_RECYCLE_BIN);
		assertThat(this.mds.text("/actuator/prometheus")).contains("curve4j_mds_volumes_purged_total");
	}

	private long createVolume(String path) {
		Response created = this.mds.postJson("/api/v1/volumes", Map.of("path", path, "size", Sizes.GIB));
		assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
		return created.body().path("id").asLong();
	}

	private Response restore(String path) {
		return this.mds.postJson("/api/v1/recycle-bin/restore", Map.of("path", path));
	}

	private JsonNode inBin(long id) {
		for (JsonNode v : this.mds.get("/api/v1/recycle-bin?size=1000").body().path("content")) {
			if (v.path("id").asLong() == id) {
				return v;
			}
		}
		throw new AssertionError("volume " + id + " is not in the recycle bin");
	}

	private boolean listed(long id) {
		for (JsonNode v : this.mds.get("/api/v1/recycle-bin?size=1000").body().path("content")) {
			if (v.path("id").asLong() == id) {
				return true;
			}
		}
		return false;
	}

}
