package io.curve4j.fs.hadoop;

import java.io.EOFException;
import java.io.IOException;

import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;

import io.curve4j.common.error.CurveException;
import io.curve4j.fs.client.FsFiles;
import io.curve4j.fs.client.OpenFile;

/**
 * A file open for reading: sequential reads from the position, positioned reads that
 * leave it alone. Reads see what was flushed when the file was opened here, plus what
 * this session writes to it (close-to-open, as on a FUSE mount).
 */
final class CurveInputStream extends FSInputStream {

	private final FsFiles files;

	private final OpenFile file;

	private final Path path;

	private long position;

	private boolean closed;

	CurveInputStream(FsFiles files, OpenFile file, Path path) {
		this.files = files;
		this.file = file;
		this.path = path;
	}

	@Override
	public synchronized void seek(long target) throws IOException {
		checkOpen();
		if (target < 0) {
			throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + ": " + target);
		}
		if (target > length()) {
			throw new EOFException(FSExceptionMessages.CANNOT_SEEK_PAST_EOF + ": " + target + " in " + this.path);
		}
		this.position = target;
	}

	@Override
	public synchronized long getPos() throws IOException {
		return this.position;
	}

	@Override
	public boolean seekToNewSource(long targetPos) {
		return false;
	}

	@Override
	public synchronized int read() throws IOException {
		byte[] one = new byte[1];
		return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
	}

	@Override
	public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
		int n = read(this.position, buffer, offset, length);
		if (n > 0) {
			this.position += n;
		}
		return n;
	}

	@Override
	public int read(long at, byte[] buffer, int offset, int length) throws IOException {
		checkOpen();
		validatePositionedReadArgs(at, buffer, offset, length);
		if (length == 0) {
			return 0;
		}
		byte[] bytes;
		try {
			bytes = this.file.read(at, length);
		}
		catch (CurveException ex) {
			throw CurveErrors.toIOException("read " + this.path, ex);
		}
		if (bytes.length == 0) {
			return -1;
		}
		System.arraycopy(bytes, 0, buffer, offset, bytes.length);
		return bytes.length;
	}

	@Override
	public synchronized int available() throws IOException {
		checkOpen();
		return (int) Math.min(Integer.MAX_VALUE, Math.max(0, length() - this.position));
	}

	@Override
	public synchronized void close() throws IOException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			this.files.release(this.file);
		}
		catch (CurveException ex) {
			throw CurveErrors.toIOException("close " + this.path, ex);
		}
	}

	private long length() {
		return this.file.attributes().getLength();
	}

	private void checkOpen() throws IOException {
		if (this.closed) {
			throw new IOException(FSExceptionMessages.STREAM_IS_CLOSED + ": " + this.path);
		}
	}

}
