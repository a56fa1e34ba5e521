package io.curve4j.sdk.nbd;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * A device in an array that completes each I/O on another thread after a random delay
 * of up to a few milliseconds, so replies come back out of order as they do from the
 * chunkservers.
 */
final class MemoryDevice implements BlockDevice {

	private final byte[] data;

	private final String owner;

	volatile boolean closed;

	/** A device of {@code root}. */
	MemoryDevice(int size) {
		this(size, "root");
	}

	MemoryDevice(int size, String owner) {
		this.data = new byte[size];
		this.owner = owner;
	}

	@Override
	public long size() {
		return this.data.length;
	}

	@Override
	public String owner() {
		return this.owner;
	}

	@Override
	public CompletableFuture<byte[]> read(long offset, int length) {
		return CompletableFuture.supplyAsync(() -> {
			check(offset, length);
			byte[] out = new byte[length];
			synchronized (this.data) {
				System.arraycopy(this.data, (int) offset, out, 0, length);
			}
			return out;
		}, delay());
	}

	@Override
	public CompletableFuture<Void> write(long offset, byte[] bytes) {
		return CompletableFuture.runAsync(() -> {
			check(offset, bytes.length);
			synchronized (this.data) {
				System.arraycopy(bytes, 0, this.data, (int) offset, bytes.length);
			}
		}, delay());
	}

	byte[] snapshot(int offset, int length) {
		synchronized (this.data) {
			byte[] out = new byte[length];
			System.arraycopy(this.data, offset, out, 0, length);
			return out;
		}
	}

	@Override
	public void close() {
		this.closed = true;
	}

	private Executor delay() {
		return CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(0, 4), TimeUnit.MILLISECONDS);
	}

	private void check(long offset, int length) {
		if (this.closed) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "device is closed");
		}
		if (offset < 0 || offset + length > this.data.length) {
			throw new CurveException(ErrorCode.IO_OUT_OF_RANGE, "past the end");
		}
	}

}
