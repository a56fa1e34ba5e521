package io.curve4j.mds.recycle;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PagedModel;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.common.size.Sizes;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.namespace.FileEntry;
import io.curve4j.mds.namespace.Namespace;
import io.curve4j.mds.web.Pages;
import io.curve4j.proto.mds.v1.FileRecord;

/**
 * The recycle bin over REST: deleted volumes (yours only unless you are root), restored
 * to the path they were deleted from, or purged before their retention ends. Served by
 * the leader; followers redirect.
 */
@RestController
@RequestMapping("/api/v1/recycle-bin")
@Tag(name = "recycle-bin", description = "deleted volumes: list, restore, purge")
class RecycleController {

	record RestoreBody(@NotBlank String path) {
	}

	record PurgeBody(String path) {
	}

	/**
	 * A volume in the recycle bin (or just restored, then without deleted and expires).
	 * @param purging its chunks are being deleted: it can no longer be restored
	 */
	record RecycledView(long id, String path, String owner, long size, String sizeText, Instant deleted,
			Instant expires, boolean purging) {

		static RecycledView of(FileEntry entry) {
			FileRecord r = entry.record();
			boolean recycled = r.hasRecycle();
			return new RecycledView(r.getId(), entry.path(), r.getOwner(), r.getLength(), Sizes.format(r.getLength()),
					recycled ? Instant.ofEpochMilli(r.getRecycle().getDeletedMs()) : null,
					recycled ? Instant.ofEpochMilli(r.getRecycle().getExpiresMs()) : null,
					recycled && r.getRecycle().getPurging());
		}

	}

	private static final Map<String, Comparator<RecycledView>> SORTABLE = Map.of("id",
			Comparator.comparingLong(RecycledView::id), "path", Comparator.comparing(RecycledView::path), "owner",
			Comparator.comparing(RecycledView::owner), "size", Comparator.comparingLong(RecycledView::size), "deleted",
			Comparator.comparing(RecycledView::deleted), "expires", Comparator.comparing(RecycledView::expires));

	private final Namespace namespace;

	RecycleController(Namespace namespace) {
		this.namespace = namespace;
	}

	@GetMapping
	@Operation(summary = "One page of the deleted volumes you own (root: all), by id unless sorted")
	PagedModel<RecycledView> list(@ParameterObject Pageable pageable, Caller caller) {
		return Pages.page(this.namespace.recycled(caller).stream().map(RecycledView::of).toList(), pageable, SORTABLE);
	}

	@PostMapping("/restore")
	@Operation(summary = "Put the volume last deleted from path back there, data intact (refused when the path "
			+ "is taken again, VOLUME_EXISTS, or the volume is being purged, VOLUME_PURGING)")
	RecycledView restore(@Valid @RequestBody RestoreBody body, Caller caller) {
		return RecycledView.of(this.namespace.restore(body.path(), caller));
	}

	@PostMapping("/purge")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Purge the volumes deleted from path, or without a path every one you may: their "
			+ "chunks are deleted in the background and they leave the list once all are gone")
	List<RecycledView> purge(@RequestBody(required = false) PurgeBody body, Caller caller) {
		return this.namespace.purge(body == null ? null : body.path(), caller)
			.stream()
			.map(RecycledView::of)
			.toList();
	}

}
