package io.curve4j.fs.fuse;

import io.curve4j.common.error.ErrorCode;

/**
 * Linux errno values for CurveFS errors. FUSE handlers return the negated value. The mount runs on Linux only (libfuse2),
 * so the Linux numbers are the ones the kernel expects.
 */
public final class Errno {

	public static final int EPERM = 1;
	public static final int ENOENT = 2;
	public static final int EIO = 5;
	public static final int EAGAIN = 11;
	public static final int EACCES = 13;
	public static final int EEXIST = 17;
	public static final int ENOTDIR = 20;
	public static final int EISDIR = 21;
	public static final int EINVAL = 22;
	public static final int ENOSPC = 28;
	public static final int ERANGE = 34;
	public static final int ENAMETOOLONG = 36;
	public static final int ENOTEMPTY = 39;
	public static final int ENODATA = 61;

	private Errno() {
	}

	/** The errno (positive) for an error code; anything without a POSIX meaning is EIO. */
	public static int of(ErrorCode code) {
		return switch (code) {
			case INODE_NOT_FOUND, DENTRY_NOT_FOUND, DIRECTORY_NOT_FOUND -> ENOENT;
			case DENTRY_EXISTS, FILE_EXISTS, XATTR_EXISTS -> EEXIST;
			case DIRECTORY_NOT_EMPTY -> ENOTEMPTY;
			case NOT_A_DIRECTORY -> ENOTDIR;
			case IS_A_DIRECTORY -> EISDIR;
			case NAME_TOO_LONG -> ENAMETOOLONG;
			case XATTR_NOT_FOUND -> ENODATA;
			case NOT_OWNER, ROOT_REQUIRED -> EPERM;
			case CAPABILITY_DENIED, SIGNATURE_REQUIRED, UNAUTHENTICATED -> EACCES;
			case INVALID_ARGUMENT -> EINVAL;
			case NO_SPACE, PARTITION_FULL -> ENOSPC;
			default -> EIO;
		};
	}
}
