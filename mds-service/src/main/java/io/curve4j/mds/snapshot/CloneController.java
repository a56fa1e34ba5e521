package io.curve4j.mds.snapshot;

import java.net.URI;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.namespace.FileEntry;
import io.curve4j.mds.namespace.FileView;

/**
 * Clones over REST: a new volume that reads its source snapshot until written or
 * flattened, and the flatten that ends the link.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "clones", description = "volumes cloned from a snapshot or a volume, and their flatten")
class CloneController {

	record CreateCloneBody(
			@Schema(description = "a snapshot, /dir/volume@name (DONE), or a volume, /dir/volume (a snapshot named "
					+ "clone-<the clone's id> is taken of it for the clone)", example = "/demo/vol1@nightly") String source,
			@Schema(description = "the clone's path", example = "/demo/vol1-clone") String path,
			@Schema(description = "true: the clone reads its source until flattened on request; false (the "
					+ "default): it is flattened as soon as its source is DONE") Boolean lazy) {
	}

	record FlattenBody(@Schema(description = "the clone's path", example = "/demo/vol1-clone") String path) {
	}

	private final CloneCatalog clones;

	CloneController(CloneCatalog clones) {
		this.clones = clones;
	}

	@PostMapping("/clones")
	@Operation(summary = "Clone a snapshot or a volume into a new volume of yours, at once usable (from a volume: "
			+ "once its snapshot is DONE, WAITING_FOR_SOURCE until then). Refused: a source or path that is not a "
			+ "valid path (INVALID_ARGUMENT), no such volume (VOLUME_NOT_FOUND) or snapshot (SNAPSHOT_NOT_FOUND), "
			+ "a snapshot not DONE (SNAPSHOT_NOT_READY), another user's source (NOT_OWNER), the path taken "
			+ "(VOLUME_EXISTS), a source volume that is itself a clone not yet flattened (CLONE_NOT_FLATTENED); "
			+ "from a volume also the refusals of taking a snapshot (SNAPSHOT_IN_PROGRESS, SNAPSHOT_LIMIT)")
	ResponseEntity<FileView> create(@RequestBody CreateCloneBody body, Caller caller) {
		FileEntry clone = this.clones.create(body.source(), body.path(), Boolean.TRUE.equals(body.lazy()), caller);
		return ResponseEntity.created(URI.create("/api/v1/volumes/" + clone.record().getId()))
			.body(FileView.of(clone));
	}

	@PostMapping("/volumes/{id}/flatten")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Flatten a clone: the snapshot service copies the rest of its source into it (FLATTENING), "
			+ "then the clone no longer reads its source (clone null). Idempotent; a clone WAITING_FOR_SOURCE "
			+ "flattens once its source is DONE. Refused for a volume that is not a linked clone (NOT_A_CLONE)")
	FileView flatten(@PathVariable long id, Caller caller) {
		return FileView.of(this.clones.flatten(id, caller));
	}

	@PostMapping("/volumes/flatten")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Flatten a clone, by path (as POST /api/v1/volumes/{id}/flatten)")
	FileView flattenByPath(@RequestBody FlattenBody body, Caller caller) {
		return FileView.of(this.clones.flatten(body.path(), caller));
	}

}
