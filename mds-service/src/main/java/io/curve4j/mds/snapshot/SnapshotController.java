package io.curve4j.mds.snapshot;

import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PagedModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.web.Pages;
import io.curve4j.proto.mds.v1.SnapshotInfo;

/**
 * Snapshots of volumes over REST, for their owners and root. Taking one answers once its
 * point in time is exact (the volume's clients write with the new sequence number); the
 * snapshot service then copies it to the object store (PENDING until DONE).
 */
@RestController
@RequestMapping("/api/v1/snapshots")
@Tag(name = "snapshots", description = "point-in-time snapshots of volumes: take, list, delete")
class SnapshotController {

	record CreateSnapshotBody(@Schema(description = "path of the volume", example = "/demo/vol1") String volume,
			@Schema(description = "1 to 128 of [A-Za-z0-9._-], unique on the volume", example = "nightly") String name) {
	}

	/** A snapshot as users see it. */
	record SnapshotView(@Schema(description = "assigned by the MDS, a UUID") String id,
			@Schema(description = "the volume's path when the snapshot was taken") String volume, long volumeId,
			String name, @Schema(description = "the volume's sequence number the snapshot reads at") long seq,
			@Schema(description = "PENDING (being copied to the object store), DONE, ERROR, DELETING",
					allowableValues = { "PENDING", "DONE", "ERROR", "DELETING" }) String status,
			@Schema(description = "percent of its chunks copied to the object store") int progress,
			@Schema(description = "the volume's size at the snapshot, in bytes") long size, Instant created,
			@Schema(description = "why the copy failed (status ERROR), else null") String error) {

		static SnapshotView of(SnapshotInfo s) {
			long chunks = SnapshotRecords.chunkCount(s);
			int progress = chunks == 0 ? 100 : (int) Math.min(100, s.getNextChunk() * 100 / chunks);
			return new SnapshotView(s.getId(), s.getVolumePath(), s.getVolumeId(), s.getName(), s.getSeq(),
					s.getStatus().name(), progress, s.getLength(), Instant.ofEpochMilli(s.getCreatedMs()),
					s.getError().isEmpty() ? null : s.getError());
		}

	}

	private static final Map<String, Comparator<SnapshotView>> SORTABLE = Map.of("name",
			Comparator.comparing(SnapshotView::name), "created", Comparator.comparing(SnapshotView::created), "seq",
			Comparator.comparingLong(SnapshotView::seq), "status", Comparator.comparing(SnapshotView::status));

	private final SnapshotCatalog catalog;

	SnapshotController(SnapshotCatalog catalog) {
		this.catalog = catalog;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Take a snapshot of a volume you own; answers once every client of the volume writes "
			+ "with the new sequence number (at most a session lease). Refused: a name not 1-128 of [A-Za-z0-9._-] "
			+ "(INVALID_SNAPSHOT_NAME), no such volume (VOLUME_NOT_FOUND), a directory (NOT_A_VOLUME), another "
			+ "user's volume (NOT_OWNER), the name taken on the volume (SNAPSHOT_EXISTS), the previous snapshot "
			+ "still being copied out (SNAPSHOT_IN_PROGRESS), the volume at its limit (SNAPSHOT_LIMIT)")
	ResponseEntity<SnapshotView> create(@RequestBody CreateSnapshotBody body, Caller caller) {
		SnapshotInfo created = this.catalog.create(body.volume(), body.name(), caller);
		return ResponseEntity.created(URI.create("/api/v1/snapshots/" + created.getId()))
			.body(SnapshotView.of(created));
	}

	@GetMapping
	@Operation(summary = "One page of a volume's snapshots (optionally only the one named name), oldest first "
			+ "unless sorted; refused for a volume that is not yours (NOT_OWNER) or does not exist (VOLUME_NOT_FOUND)")
	PagedModel<SnapshotView> list(@RequestParam String volume, @RequestParam(required = false) String name,
			@ParameterObject Pageable pageable, Caller caller) {
		return Pages.page(this.catalog.list(volume, name, caller).stream().map(SnapshotView::of).toList(), pageable,
				SORTABLE);
	}

	@GetMapping("/{id}")
	@Operation(summary = "A snapshot by id (SNAPSHOT_NOT_FOUND when unknown or another user's)")
	SnapshotView get(@PathVariable String id, Caller caller) {
		return SnapshotView.of(this.catalog.get(id, caller));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Delete a snapshot: it becomes DELETING (a copy under way stops) and goes once the "
			+ "snapshot service has removed its objects (SNAPSHOT_NOT_FOUND when unknown or another user's)")
	SnapshotView delete(@PathVariable String id, Caller caller) {
		return SnapshotView.of(this.catalog.delete(id, caller));
	}

}
