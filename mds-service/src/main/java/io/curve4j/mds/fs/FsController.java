package io.curve4j.mds.fs;

import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.web.Pages;

/** CurveFS file systems over REST, for their owners and root (mounts use gRPC). */
@RestController
@RequestMapping("/api/v1/fs")
@Tag(name = "file systems", description = "CurveFS file systems: create, list, inspect, delete")
class FsController {

	record CreateFsBody(@Schema(description = "1 to 64 of [A-Za-z0-9_.-], unique in the cluster", example = "fs1") String name) {
	}

	record PartitionView(int id, long startInode,
			@Schema(description = "first inode id past the partition") long endInode, int copysetId,
			int logicalPoolId,
			@Schema(description = "CREATING (not yet on its metaservers), READY, DELETING",
					allowableValues = { "CREATING", "READY", "DELETING" }) String status) {
	}

	record MountView(long id, String host, String mountPoint,
			@Schema(description = "when the lease runs out unless the mount refreshes it") Instant expiresAt,
			@Schema(description = "the client's disk cache: off, read-only or write-back (empty: not reported)")
			String cacheMode) {
	}

	/** A file system as users see it. */
	record FsView(int id, String name, String owner, @Schema(description = "bytes per file chunk") long chunkSize,
			@Schema(description = "bytes per S3 object at most") long blockSize, Instant createdAt,
			@Schema(description = "READY once every partition is on its metaservers, else CREATING",
					allowableValues = { "READY", "CREATING" }) String status,
			List<PartitionView> partitions, List<MountView> mounts) {

		static FsView of(FileSystems.FsState state) {
			var fs = state.fs();
			return new FsView(fs.getId(), fs.getName(), fs.getOwner(), fs.getChunkSize(), fs.getBlockSize(),
					Instant.ofEpochMilli(fs.getCtimeMs()), state.ready() ? "READY" : "CREATING",
					state.partitions()
						.stream()
						.map(p -> new PartitionView(p.getPartitionId(), p.getStartInode(), p.getEndInode(),
								p.getCopysetId(), p.getLogicalPoolId(), p.getStatus().name().substring("PARTITION_".length())))
						.toList(),
					state.mounts()
						.stream()
						.map(m -> new MountView(m.getId(), m.getHost(), m.getMountPoint(),
								Instant.ofEpochMilli(m.getExpiresMs()), m.getCacheMode()))
						.toList());
		}

	}

	private static final Map<String, Comparator<FsView>> SORTABLE = Map.of("name",
			Comparator.comparing(FsView::name), "id", Comparator.comparingInt(FsView::id), "createdAt",
			Comparator.comparing(FsView::createdAt), "owner", Comparator.comparing(FsView::owner));

	private final FileSystems fileSystems;

	FsController(FileSystems fileSystems) {
		this.fileSystems = fileSystems;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Create a file system owned by you, with 3 partitions on the fs-metadata pool's "
			+ "copysets. Refused: a name not 1-64 of [A-Za-z0-9_.-] (INVALID_FS_NAME), a name taken (FS_EXISTS), "
			+ "no fs-metadata pool with copysets (NO_METADATA_POOL)")
	ResponseEntity<FsView> create(@RequestBody CreateFsBody body, Caller caller) {
		FsView created = FsView.of(this.fileSystems.create(body.name(), caller));
		return ResponseEntity.created(URI.create("/api/v1/fs/" + created.name())).body(created);
	}

	@GetMapping
	@Operation(summary = "One page of your file systems (all for root), by id unless sorted")
	PagedModel<FsView> list(@ParameterObject Pageable pageable, Caller caller) {
		return Pages.page(this.fileSystems.list(caller).stream().map(FsView::of).toList(), pageable, SORTABLE);
	}

	@GetMapping("/{name}")
	@Operation(summary = "A file system by name with its partitions and mounts (FS_NOT_FOUND when unknown or "
			+ "another user's)")
	FsView get(@PathVariable String name, Caller caller) {
		return FsView.of(this.fileSystems.get(name, caller));
	}

	@DeleteMapping("/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete a file system: its partitions are removed from the metaservers; its data "
			+ "objects in S3 are left to a garbage collection of the bucket. Refused while mounted (FS_MOUNTED), "
			+ "FS_NOT_FOUND when unknown or another user's")
	void delete(@PathVariable String name, Caller caller) {
		this.fileSystems.delete(name, caller);
	}

}
