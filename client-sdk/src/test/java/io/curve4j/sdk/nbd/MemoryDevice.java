package io.curve4j.sdk.nbd;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;

/**
 * A device in an array that completes each I/O on another thread after a random delay
 * of up to a few milliseconds, so replies come back out of order as they do from the
 * chunkservers. It discards in units of {@link #UNIT}, as a volume frees whole chunks,
 * and remembers what it discarded.
 */
final class MemoryDevice implements BlockDevice {

	static final int UNIT = (int) Sizes.MIB;

	/** Every discard, {offset, length}, in the order they came. */
	final List<long[]> discards = new CopyOnWriteArrayList<>();

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

	@Override
	public int discardUnit() {
		return UNIT;
	}

	@Override
	public CompletableFuture<Void> discard(long offset, long length) {
		return CompletableFuture.runAsync(() -> {
			check(offset, (int) length);
			if (offset % UNIT != 0 || length % UNIT != 0) {
				throw new CurveException(ErrorCode.IO_NOT_ALIGNED, "discard of part of a unit");
			}
			this.discards.add(new long[] { offset, length });
			synchronized (this.data) {
				java.util.Arrays.fill(this.data, (int) offset, (int) (offset + length), (byte) 0);
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
