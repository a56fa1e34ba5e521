package io.curve4j.sdk.nbd;

import java.util.concurrent.CompletableFuture;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.sdk.block.Volume;

/**
 * What an export serves: a fixed-size device addressed in bytes, sector-aligned. Its
 * futures fail with {@link CurveException}; a write's future completes only once the
 * write is durable. A volume in production, an array in the unit tests.
 */
interface BlockDevice extends AutoCloseable {

	long size();

	/** The Curve user who owns the device, which decides who may use it over TLS ({@link ExportAccess}). */
	String owner();

	CompletableFuture<byte[]> read(long offset, int length);

	/** Writes {@code data}, which the caller leaves unchanged until the future completes. */
	CompletableFuture<Void> write(long offset, byte[] data);

	/**
	 * Bytes of the units {@link #discard} frees (a volume's chunk); 0 when the device
	 * cannot discard, and then zeros are written instead.
	 */
	default int discardUnit() {
		return 0;
	}

	/**
	 * Frees whole units, which read as zeros afterwards; offset and length are multiples
	 * of {@link #discardUnit}.
	 */
	default CompletableFuture<Void> discard(long offset, long length) {
		return CompletableFuture.failedFuture(new CurveException(ErrorCode.INVALID_ARGUMENT, "this device cannot discard"));
	}

	@Override
	void close();

	/** The device of an open volume; closing it closes the volume. */
	static BlockDevice of(Volume volume) {
		String owner = volume.stat().owner();
		return new BlockDevice() {

			@Override
			public String owner() {
				return owner;
			}

			@Override
			public long size() {
				return volume.size();
			}

			@Override
			public CompletableFuture<byte[]> read(long offset, int length) {
				try {
					return volume.readAsync(offset, length);
				}
				catch (CurveException ex) {
					return CompletableFuture.failedFuture(ex);
				}
			}

			@Override
			public CompletableFuture<Void> write(long offset, byte[] data) {
				try {
					return volume.writeAsync(offset, data);
				}
				catch (CurveException ex) {
					return CompletableFuture.failedFuture(ex);
				}
			}

			@Override
			public int discardUnit() {
				return volume.chunkSize();
			}

			@Override
			public CompletableFuture<Void> discard(long offset, long length) {
				try {
					return volume.discardAsync(offset, length);
				}
				catch (CurveException ex) {
					return CompletableFuture.failedFuture(ex);
				}
			}

			@Override
			public void close() {
				volume.close();
			}

		};
	}

}
