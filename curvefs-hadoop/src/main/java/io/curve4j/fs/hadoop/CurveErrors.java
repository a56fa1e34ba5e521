package io.curve4j.fs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.apache.hadoop.security.AccessControlException;

import io.curve4j.common.error.CurveException;

/** CurveFS errors as the {@link IOException}s Hadoop's file system callers (and its contract tests) expect. */
final class CurveErrors {

	private CurveErrors() {
	}

	static IOException toIOException(String what, CurveException ex) {
		String message = what + ": " + ex.getMessage();
		IOException mapped = switch (ex.code()) {
			case DENTRY_NOT_FOUND, INODE_NOT_FOUND, FS_NOT_FOUND -> new FileNotFoundException(message);
			case DENTRY_EXISTS, XATTR_EXISTS -> new FileAlreadyExistsException(message);
			case NOT_A_DIRECTORY -> new ParentNotDirectoryException(message);
			case DIRECTORY_NOT_EMPTY -> new PathIsNotEmptyDirectoryException(message);
			case UNAUTHENTICATED, STALE_SIGNATURE, REPLAYED_SIGNATURE, SIGNATURE_REQUIRED, CAPABILITY_DENIED,
					CAPABILITY_EXPIRED, NOT_OWNER, ROOT_REQUIRED, USER_NOT_FOUND -> new AccessControlException(message);
			default -> new IOException(message);
		};
		mapped.initCause(ex);
		return mapped;
	}

}
