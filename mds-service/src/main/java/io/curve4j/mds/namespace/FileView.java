package io.curve4j.mds.namespace;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import io.curve4j.common.size.Sizes;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.proto.mds.v1.CloneInfo;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;

/**
 * A volume or directory as REST shows it; sizes in bytes; throttle null when the volume
 * has no limits, clone null unless it is a clone still linked to its source (a record
 * component cannot be named clone: {@code link} is shown as {@code clone}).
 */
public record FileView(long id, String path, String name, String type, String owner, long size, String sizeText,
		int chunkSize, long segmentSize, long seqNum, Instant ctime, ThrottleLimits throttle,
		@JsonProperty("clone") CloneView link) {

	/** A clone's link to its source snapshot. */
	public record CloneView(@Schema(description = "the source volume's path when the clone was made") String sourcePath,
			long sourceVolumeId, String snapshotId, String snapshotName,
			@Schema(description = "WAITING_FOR_SOURCE (its source snapshot is still being copied; it cannot be "
					+ "opened yet), LAZY (reads what it never wrote from the source), FLATTENING (the rest of the "
					+ "source is being copied in)", allowableValues = { "WAITING_FOR_SOURCE", "LAZY",
							"FLATTENING" }) String status,
			@Schema(description = "FLATTENING: the chunks below it no longer read the source") long nextChunk,
			@Schema(description = "chunks of the source snapshot") long sourceChunks) {

		static CloneView of(CloneInfo c) {
			return new CloneView(c.getSourcePath(), c.getSourceVolumeId(), c.getSnapshotId(), c.getSnapshotName(),
					c.getStatus().name(), c.getNextChunk(), c.getSourceChunks());
		}

	}

	public static FileView of(FileEntry entry) {
		FileRecord r = entry.record();
		String type = r.getType() == FileType.VOLUME ? "VOLUME" : "DIRECTORY";
		Geometry geometry = Geometry.of(r);
		return new FileView(r.getId(), entry.path(), r.getName(), type, r.getOwner(), r.getLength(),
				Sizes.format(r.getLength()), geometry.chunkSize(), geometry.segmentSize(), r.getSeqNum(),
				Instant.ofEpochMilli(r.getCtimeMs()), r.hasThrottle() ? ThrottleLimits.of(r.getThrottle()) : null,
				r.hasClone() ? CloneView.of(r.getClone().getInfo()) : null);
	}

}
