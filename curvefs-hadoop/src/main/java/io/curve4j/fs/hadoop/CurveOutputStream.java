package io.curve4j.fs.hadoop;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;

import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;

import io.curve4j.common.error.CurveException;
import io.curve4j.fs.client.FsFiles;
import io.curve4j.fs.client.OpenFile;

/**
 * A file open for writing from a position on. Small writes gather here and go to the open
 * file's buffer in {@link #GATHER} pieces. {@link #hflush()} and {@link #hsync()} promise
 * the same thing: when they return, every byte written is in the object store and
 * recorded on a Raft majority of the metaservers, so a client that opens the file
 * afterwards reads it; close does the same.
 */
final class CurveOutputStream extends OutputStream implements Syncable, StreamCapabilities {

	/** Bytes gathered before handing them to the open file (one copy per this many, not per write). */
	private static final int GATHER = 64 * 1024;

	private final FsFiles files;

	private final OpenFile file;

	private final byte[] gathered = new byte[GATHER];

	private int gatheredBytes;

	/** Where the gathered bytes go. */
	private long position;

	private boolean closed;

	CurveOutputStream(FsFiles files, OpenFile file, long position) {
		this.files = files;
		this.file = file;
		this.position = position;
	}

	@Override
	public synchronized void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
		checkOpen();
		if (length > GATHER - this.gatheredBytes) {
			drain();
		}
		if (length >= GATHER) {
			handOver(Arrays.copyOfRange(bytes, offset, offset + length));
			return;
		}
		System.arraycopy(bytes, offset, this.gathered, this.gatheredBytes, length);
		this.gatheredBytes += length;
	}

	/** Hands gathered bytes to the open file (visible to readers through this session). */
	@Override
	public synchronized void flush() throws IOException {
		checkOpen();
		drain();
	}

	@Override
	public synchronized void hflush() throws IOException {
		hsync();
	}

	@Override
	public synchronized void hsync() throws IOException {
		checkOpen();
		drain();
		try {
			this.file.flush();
		}
		catch (CurveException ex) {
			throw CurveErrors.toIOException("sync", ex);
		}
	}

	@Override
	public boolean hasCapability(String capability) {
		// "hflush" (StreamCapabilities.HFLUSH is deprecated, the name is not) and "hsync"
		return switch (capability.toLowerCase(Locale.ROOT)) {
			case "hflush", StreamCapabilities.HSYNC -> true;
			default -> false;
		};
	}

	@Override
	public synchronized void close() throws IOException {
		if (this.closed) {
			return;
		}
		try {
			drain();
			this.closed = true;
			this.files.release(this.file);
		}
		catch (CurveException ex) {
			throw CurveErrors.toIOException("close", ex);
		}
	}

	private void drain() throws IOException {
		if (this.gatheredBytes > 0) {
			handOver(Arrays.copyOf(this.gathered, this.gatheredBytes));
			this.gatheredBytes = 0;
		}
	}

	private void handOver(byte[] bytes) throws IOException {
		try {
			this.file.write(this.position, bytes);
		}
		catch (CurveException ex) {
			throw CurveErrors.toIOException("write", ex);
		}
		this.position += bytes.length;
	}

	private void checkOpen() throws IOException {
		if (this.closed) {
			throw new IOException(FSExceptionMessages.STREAM_IS_CLOSED);
		}
	}

}
