package io.curve4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.IoSplitter;
import io.curve4j.sdk.block.Volume;

/**
 * {@code curve volume import PATH FILE [--offset N]}: streams a local file into a volume
 * in 4 MiB writes, eight in flight. A block of zeros (a hole of a sparse image) is written
 * only where the volume does not already read as zeros, so importing a sparse image into
 * a new volume allocates and writes only its data.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Write a local file into a volume.")
final class ImportCommand extends VolumeCommand.Base {

	static final int BLOCK = (int) (4 * Sizes.MIB);

	static final int DEPTH = 8;

	@Parameters(index = "0", paramLabel = "PATH", description = "Volume to write.")
	String path;

	@Parameters(index = "1", paramLabel = "FILE", description = "Local file to read.")
	Path file;

	@Option(names = "--offset", defaultValue = "0", converter = SizeConverter.class, paramLabel = "N",
			description = "Volume offset to write at, a multiple of 512. Default: ${DEFAULT-VALUE}.")
	long offset;

	@Override
	void validate() {
		if (!Files.isRegularFile(this.file)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "file " + this.file + " does not exist");
		}
	}

	@Override
	int run(CurveClient client, PrintWriter out) throws IOException, InterruptedException {
		long length = Files.size(this.file);
		long padded = (length + Sizes.SECTOR_SIZE - 1) / Sizes.SECTOR_SIZE * Sizes.SECTOR_SIZE;
		try (Volume volume = client.open(this.path);
				FileChannel channel = FileChannel.open(this.file, StandardOpenOption.READ)) {
			IoSplitter.validate(this.offset, 0, volume.size());
			if (padded > volume.size() - this.offset) {
				throw new CurveException(ErrorCode.IO_OUT_OF_RANGE, this.file + " (" + length + " bytes) does not fit in "
						+ this.path + " (" + Sizes.format(volume.size()) + ") at offset " + this.offset);
			}
			if (padded != length) {
				PrintWriter err = this.spec.commandLine().getErr();
				err.println("note: " + this.file + " is " + length + " bytes, not a multiple of " + Sizes.SECTOR_SIZE
						+ "; the last sector is padded with " + (padded - length) + " zero bytes");
				err.flush();
			}
			Progress progress = new Progress(out, "imported", padded, System.console() != null);
			InFlight inFlight = new InFlight(DEPTH);
			for (long position = 0; position < padded; position += BLOCK) {
				int len = (int) Math.min(BLOCK, padded - position);
				ByteBuffer buffer = ByteBuffer.allocate(len);
				readFully(channel, buffer, position);
				buffer.clear();
				long at = this.offset + position;
				if (Zeros.isZero(buffer.array(), 0, len)) {
					inFlight.submit(() -> volume.readAsync(at, len)
						.thenCompose((current) -> Zeros.isZero(current, 0, len) ? CompletableFuture.completedFuture(null)
								: volume.writeAsync(at, buffer))
						.thenRun(() -> progress.add(len)));
				}
				else {
					inFlight.submit(() -> volume.writeAsync(at, buffer).thenRun(() -> progress.add(len)));
				}
			}
			inFlight.await();
			progress.finish();
		}
		return 0;
	}

	/** Reads until the buffer is full or the file ends; past the end the buffer keeps its zeros. */
	private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			int n = channel.read(buffer, at);
			if (n < 0) {
				return;
			}
			at += n;
		}
	}

}
