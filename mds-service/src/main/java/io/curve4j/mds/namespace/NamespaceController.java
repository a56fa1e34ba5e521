package io.curve4j.mds.namespace;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.curve4j.common.size.Sizes;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;

/**
 * Directories and volumes over REST. Sizes are bytes (whole 1 GiB segments). Served by
 * the leader; followers redirect.
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

	/** A volume or directory as REST shows it; sizes in bytes. */
	record FileView(long id, String path, String name, String type, String owner, long size, String sizeText,
			int chunkSize, long segmentSize, long seqNum, Instant ctime) {

		static FileView of(FileEntry entry) {
			FileRecord r = entry.record();
			String type = r.getType() == FileType.VOLUME ? "VOLUME" : "DIRECTORY";
			return new FileView(r.getId(), entry.path(), r.getName(), type, r.getOwner(), r.getLength(),
					Sizes.format(r.getLength()), Sizes.CHUNK_SIZE, Sizes.SEGMENT_SIZE, r.getSeqNum(),
					Instant.ofEpochMilli(r.getCtimeMs()));
		}

	}

	private final Namespace namespace;

	NamespaceController(Namespace namespace) {
		this.namespace = namespace;
	}

	@PostMapping("/directories")
	@Operation(summary = "Create a directory (its parent must exist)")
	ResponseEntity<FileView> createDirectory(@Valid @RequestBody CreateDirectoryBody body) {
		FileEntry created = this.namespace.createDirectory(body.path(), body.owner());
		return ResponseEntity.created(location("/api/v1/directories/list", created)).body(FileView.of(created));
	}

	@PostMapping("/volumes")
	@Operation(summary = "Create a volume; size in bytes, a positive whole number of 1 GiB segments")
	ResponseEntity<FileView> createVolume(@Valid @RequestBody CreateVolumeBody body) {
		FileEntry created = this.namespace.createVolume(body.path(), body.size(), body.owner());
		return ResponseEntity.created(location("/api/v1/volumes/info", created)).body(FileView.of(created));
	}

	@GetMapping("/volumes/info")
	@Operation(summary = "Stat a volume or directory")
	FileView info(@RequestParam String path) {
		return FileView.of(this.namespace.stat(path));
	}

	@GetMapping("/directories/list")
	@Operation(summary = "List a directory in name order")
	List<FileView> list(@RequestParam(defaultValue = "/") String path) {
		return this.namespace.list(path).stream().map(FileView::of).toList();
	}

	@PostMapping("/volumes/rename")
	@Operation(summary = "Rename or move a volume or directory")
	FileView rename(@Valid @RequestBody RenameBody body) {
		return FileView.of(this.namespace.rename(body.path(), body.newPath()));
	}

	@PostMapping("/volumes/extend")
	@Operation(summary = "Grow a volume to size bytes (whole segments, larger than now)")
	FileView extend(@Valid @RequestBody ExtendBody body) {
		return FileView.of(this.namespace.extend(body.path(), body.size()));
	}

	@DeleteMapping("/volumes")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete a volume that no client has open")
	void deleteVolume(@RequestParam String path) {
		this.namespace.delete(path, FileType.VOLUME);
	}

	@DeleteMapping("/directories")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete an empty directory")
	void deleteDirectory(@RequestParam String path) {
		this.namespace.delete(path, FileType.DIRECTORY);
	}

	private static URI location(String endpoint, FileEntry entry) {
		return UriComponentsBuilder.fromPath(endpoint).queryParam("path", entry.path()).encode().build().toUri();
	}

}
