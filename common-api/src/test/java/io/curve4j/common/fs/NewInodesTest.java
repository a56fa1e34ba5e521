package io.curve4j.common.fs;

import org.junit.jupiter.api.Test;

import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;

import static org.assertj.core.api.Assertions.assertThat;

class NewInodesTest {

	@Test
	void aFileHasOneLinkItsPermissionBitsOnlyAndTheGivenTime() {
		CreateInodeRequest request = CreateInodeRequest.newBuilder().setType(InodeType.FILE).setMode(0100644 | 04000)
			.setUid(1000).setGid(100).setParent(7).setName("a").setTimeNs(1).build();
		Inode inode = NewInodes.of(3, 42, request, 5_000);
		assertThat(inode.getFsId()).isEqualTo(3);
		assertThat(inode.getInodeId()).isEqualTo(42);
		assertThat(inode.getMode()).isEqualTo(04644);
		assertThat(inode.getNlink()).isEqualTo(1);
		assertThat(inode.getLength()).isZero();
		assertThat(inode.getParent()).isEqualTo(7);
		assertThat(inode.getAtimeNs()).isEqualTo(5_000);
		assertThat(inode.getMtimeNs()).isEqualTo(5_000);
		assertThat(inode.getCtimeNs()).isEqualTo(5_000);
		assertThat(inode.getUid()).isEqualTo(1000);
		assertThat(inode.getGid()).isEqualTo(100);
	}

	@Test
	void aDirectoryHasTwoLinksAndASymlinkTheByteLengthOfItsTarget() {
		CreateInodeRequest directory = CreateInodeRequest.newBuilder().setType(InodeType.DIRECTORY).setMode(0755).build();
		assertThat(NewInodes.of(1, 2, directory, 0).getNlink()).isEqualTo(2);

		CreateInodeRequest symlink = CreateInodeRequest.newBuilder().setType(InodeType.SYMLINK).setMode(0777)
			.setSymlinkTarget("caf\u00e9/x").build();
		Inode link = NewInodes.of(1, 3, symlink, 0);
		assertThat(link.getLength()).isEqualTo(7);
		assertThat(link.getSymlinkTarget()).isEqualTo("caf\u00e9/x");
		assertThat(link.getNlink()).isEqualTo(1);
	}

}
