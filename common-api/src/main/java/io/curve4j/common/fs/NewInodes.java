package io.curve4j.common.fs;

import java.nio.charset.StandardCharsets;

import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;

/**
 * The inode a create makes. The metaservers store it; a client writing metadata back
 * answers with it before the create is committed, and the two must not differ.
 */
public final class NewInodes {

	private NewInodes() {
	}

	/**
	 * @param request the create (its inode id and time are not read: they are the arguments)
	 * @param timeNs the inode's access, modification and change time
	 */
	public static Inode of(int fsId, long inodeId, CreateInodeRequest request, long timeNs) {
		boolean directory = request.getType() == InodeType.DIRECTORY;
		boolean symlink = request.getType() == InodeType.SYMLINK;
		return Inode.newBuilder()
			.setFsId(fsId)
			.setInodeId(inodeId)
			.setType(request.getType())
			.setMode(request.getMode() & 07777)
			.setUid(request.getUid())
			.setGid(request.getGid())
			// a directory is named by its parent and by its own "."
			.setNlink(directory ? 2 : 1)
			.setAtimeNs(timeNs)
			.setMtimeNs(timeNs)
			.setCtimeNs(timeNs)
			.setSymlinkTarget(request.getSymlinkTarget())
			.setLength(symlink ? request.getSymlinkTarget().getBytes(StandardCharsets.UTF_8).length : 0)
			.setRdev(request.getRdev())
			.setParent(request.getParent())
			.build();
	}

}
