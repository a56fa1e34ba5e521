package io.curve4j.mds.namespace;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

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
import org.springframework.web.util.UriComponentsBuilder;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsMembers;
import io.curve4j.mds.web.Pages;
import io.curve4j.proto.mds.v1.FileType;

/**
 * Directories and volumes over REST, on behalf of the authenticated caller. Volumes are
 * resources by id ({@code /api/v1/volumes/{id}}, stable across renames); the by-path
 * operations stay for tools that know paths. Sizes are bytes (whole 1 GiB segments).
 * Served by the leader; followers redirect.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "namespace", description = "directories and volumes")
class NamespaceController {

	record CreateDirectoryBody(@NotBlank String path, String owner) {
	}

	record CreateVolumeBody(@NotBlank String path, @NotNull Long size, String owner) {
	}

	record RenameBody(@NotBlank String path, @NotBlank String newPath) {
	}

	record ExtendBody(@NotBlank String path, @NotNull Long size) {
	}

	record MoveBody(@NotBlank String path) {
	}

	record ResizeBody(@NotNull Long size) {
	}

	/**
	 * What a host needs to reach a volume: the MDS gRPC addresses for the SDK (and QEMU's
	 * driver), and the NBD export when the cluster runs an NBD server.
	 */
	record Attachment(long volumeId, String path, long size, String driverVolumeType, List<String> mdsAddresses,
			String nbdUri, int blockSize) {
	}

	private static final Map<String, Comparator<FileView>> SORTABLE = Map.of("id",
			Comparator.comparingLong(FileView::id), "path", Comparator.comparing(FileView::path), "name",
			Comparator.comparing(FileView::name), "owner", Comparator.comparing(FileView::owner), "size",
			Comparator.comparingLong(FileView::size), "ctime", Comparator.comparing(FileView::ctime), "type",
			Comparator.comparing(FileView::type));

	private final Namespace namespace;

	private final MdsMembers members;

	private final MdsProperties.Attach attach;

	NamespaceController(Namespace namespace, MdsMembers members, MdsProperties properties) {
		this.namespace = namespace;
		this.members = members;
		this.attach = properties.getAttach();
	}

	@PostMapping("/directories")
	@Operation(summary = "Create a directory (its parent must exist and be yours, or be /)")
	ResponseEntity<FileView> createDirectory(@Valid @RequestBody CreateDirectoryBody body, Caller caller) {
		FileEntry created = this.namespace.createDirectory(body.path(), body.owner(), caller);
		return ResponseEntity.created(byPath("/api/v1/directories", created)).body(FileView.of(created));
	}

	@GetMapping("/directories")
	@Operation(summary = "One page of a directory's entries (yours only unless you are root)")
	PagedModel<FileView> directory(@RequestParam(defaultValue = "/") String path, @ParameterObject Pageable pageable,
			Caller caller) {
		return Pages.page(this.namespace.list(path, caller).stream().map(FileView::of).toList(), pageable, SORTABLE);
	}

	@GetMapping("/directories/list")
	@Operation(summary = "A whole directory in name order (unpaged)")
	List<FileView> list(@RequestParam(defaultValue = "/") String path, Caller caller) {
		return this.namespace.list(path, caller).stream().map(FileView::of).toList();
	}

	@DeleteMapping("/directories")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete an empty directory")
	void deleteDirectory(@RequestParam String path, Caller caller) {
		this.namespace.delete(path, FileType.DIRECTORY, caller);
	}

	@PostMapping("/volumes")
	@Operation(summary = "Create a volume; size in bytes, a positive whole number of 1 GiB segments up to 1 PiB")
	ResponseEntity<FileView> createVolume(@Valid @RequestBody CreateVolumeBody body, Caller caller) {
		FileEntry created = this.namespace.createVolume(body.path(), body.size(), body.owner(), caller);
		URI location = URI.create("/api/v1/volumes/" + created.record().getId());
		return ResponseEntity.created(location).body(FileView.of(created));
	}

	@GetMapping("/volumes")
	@Operation(summary = "One page of every volume you own (root: every volume), by id unless sorted")
	PagedModel<FileView> volumes(@ParameterObject Pageable pageable, Caller caller) {
		return Pages.page(this.namespace.volumes(caller).stream().map(FileView::of).toList(), pageable, SORTABLE);
	}

	@GetMapping("/volumes/{id}")
	@Operation(summary = "A volume (or directory) by id")
	FileView volume(@PathVariable long id, Caller caller) {
		return FileView.of(this.namespace.byId(id, caller));
	}

	@PostMapping("/volumes/{id}/rename")
	@Operation(summary = "Rename or move a volume to a new path")
	FileView move(@PathVariable long id, @Valid @RequestBody MoveBody body, Caller caller) {
		return FileView.of(this.namespace.rename(this.namespace.byId(id, caller).path(), body.path(), caller));
	}

	@PostMapping("/volumes/{id}/extend")
	@Operation(summary = "Grow a volume to size bytes (whole segments, larger than now)")
	FileView resize(@PathVariable long id, @Valid @RequestBody ResizeBody body, Caller caller) {
		return FileView.of(this.namespace.extend(volumePath(id, caller), body.size(), caller));
	}

	@DeleteMapping("/volumes/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete a volume that no client has open: it moves to the recycle bin for the retention time")
	void delete(@PathVariable long id, Caller caller) {
		this.namespace.delete(volumePath(id, caller), FileType.VOLUME, caller);
	}

	@PostMapping("/volumes/{id}/attachments")
	@Operation(summary = "Connection information for a host that attaches the volume (Cinder's initialize_connection)")
	Attachment attach(@PathVariable long id, Caller caller) {
		FileEntry volume = this.namespace.byId(id, caller);
		String nbd = this.attach.getNbdAddress();
		return new Attachment(id, volume.path(), volume.record().getLength(), "curve",
				this.members.all().stream().map(MdsMembers.Member::grpc).toList(),
				nbd == null || nbd.isBlank() ? null : "nbd://" + nbd + volume.path(), Sizes.SECTOR_SIZE);
	}

	@DeleteMapping("/volumes/{id}/attachments")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Detach (Cinder's terminate_connection): the host's client closes its session; nothing "
			+ "is held on the MDS, so this only checks the volume is yours")
	void detach(@PathVariable long id, Caller caller) {
		volumePath(id, caller);
	}

	@GetMapping("/volumes/info")
	@Operation(summary = "Stat a volume or directory by path")
	FileView info(@Parameter(description = "absolute path") @RequestParam String path, Caller caller) {
		return FileView.of(this.namespace.stat(path, caller));
	}

	@PostMapping("/volumes/rename")
	@Operation(summary = "Rename or move a volume or directory by path")
	FileView rename(@Valid @RequestBody RenameBody body, Caller caller) {
		return FileView.of(this.namespace.rename(body.path(), body.newPath(), caller));
	}

	@PostMapping("/volumes/extend")
	@Operation(summary = "Grow a volume, by path, to size bytes (whole segments, larger than now)")
	FileView extend(@Valid @RequestBody ExtendBody body, Caller caller) {
		return FileView.of(this.namespace.extend(body.path(), body.size(), caller));
	}

	@DeleteMapping("/volumes")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete a volume, by path, that no client has open: it moves to the recycle bin")
	void deleteVolume(@RequestParam String path, Caller caller) {
		this.namespace.delete(path, FileType.VOLUME, caller);
	}

	private String volumePath(long id, Caller caller) {
		FileEntry entry = this.namespace.byId(id, caller);
		if (entry.record().getType() != FileType.VOLUME) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME,
					entry.path() + " (id " + id + ") is a directory, not a volume");
		}
		return entry.path();
	}

	private static URI byPath(String endpoint, FileEntry entry) {
		return UriComponentsBuilder.fromPath(endpoint).queryParam("path", entry.path()).encode().build().toUri();
	}

}
