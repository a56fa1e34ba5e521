package io.curve4j.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.curve4j.common.error.ErrorCode;

import org.junit.jupiter.api.Test;

class ErrnoTest {

	@Test
	void mapsFileSystemErrorsToPosix() {
		assertThat(Errno.of(ErrorCode.DENTRY_NOT_FOUND)).isEqualTo(Errno.ENOENT);
		assertThat(Errno.of(ErrorCode.INODE_NOT_FOUND)).isEqualTo(Errno.ENOENT);
		assertThat(Errno.of(ErrorCode.DENTRY_EXISTS)).isEqualTo(Errno.EEXIST);
		assertThat(Errno.of(ErrorCode.DIRECTORY_NOT_EMPTY)).isEqualTo(Errno.ENOTEMPTY);
		assertThat(Errno.of(ErrorCode.NOT_A_DIRECTORY)).isEqualTo(Errno.ENOTDIR);
		assertThat(Errno.of(ErrorCode.IS_A_DIRECTORY)).isEqualTo(Errno.EISDIR);
		assertThat(Errno.of(ErrorCode.NAME_TOO_LONG)).isEqualTo(Errno.ENAMETOOLONG);
		assertThat(Errno.of(ErrorCode.XATTR_NOT_FOUND)).isEqualTo(Errno.ENODATA);
		assertThat(Errno.of(ErrorCode.NOT_OWNER)).isEqualTo(Errno.EPERM);
		assertThat(Errno.of(ErrorCode.CAPABILITY_DENIED)).isEqualTo(Errno.EACCES);
	}

	@Test
	void everythingElseIsEio() {
		assertThat(Errno.of(ErrorCode.TX_ABORTED)).isEqualTo(Errno.EIO);
		assertThat(Errno.of(ErrorCode.PARTITION_NOT_FOUND)).isEqualTo(Errno.EIO);
	}
}
