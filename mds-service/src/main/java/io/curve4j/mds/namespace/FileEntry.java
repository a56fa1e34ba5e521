package io.curve4j.mds.namespace;

import io.curve4j.mds.topology.Geometry;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FileRecord;

/**
 * A stored file or directory with the path it was reached by.
 */
public record FileEntry(String path, FileRecord record) {

	public FileInfo toProto() {
		Geometry geometry = Geometry.of(this.record);
		FileInfo.Builder info = FileInfo.newBuilder()
			.setId(this.record.getId())
			.setParentId(this.record.getParentId())
			.setName(this.record.getName())
			.setType(this.record.getType())
			.setOwner(this.record.getOwner())
			.setLength(this.record.getLength())
			.setChunkSize(geometry.chunkSize())
			.setSegmentSize(geometry.segmentSize())
			.setSeqNum(this.record.getSeqNum())
			.setCtime(this.record.getCtimeMs())
			.setPath(this.path)
			.addAllSnapshotSeqs(this.record.getSnapshotSeqsList());
		if (this.record.hasThrottle()) {
			info.setThrottle(this.record.getThrottle());
		}
		if (this.record.hasClone()) {
			info.setClone(this.record.getClone().getInfo());
		}
		return info.build();
	}

}
