package io.curve4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.IoSplitter;
import io.curve4j.sdk.block.Volume;

/**
 * {@code curve volume export PATH FILE [--offset N] [--length N]}: reads a range of a
 * volume (all of it by default) into a local file, 4 MiB reads, eight in flight, each
 * written at its place in the file as it arrives; blocks of zeros are left as holes of a
 * sparse file.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Read a volume into a local file.")
final class ExportCommand extends VolumeCommand.Base {

	@Parameters(index = "0", paramLabel = "PATH", description = "Volume to read.")
	String path;

	@Parameters(index = "1", paramLabel = "FILE", description = "Local file to write (replaced).")
	Path file;

	@Option(names = "--offset", defaultValue = "0", converter = SizeConverter.class, paramLabel = "N",
			description = "Volume offset to start at, a multiple of 512. Default: ${DEFAULT-VALUE}.")
	long offset;

	@Option(names = "--length", converter = SizeConverter.class, paramLabel = "N",
			description = "Bytes to read, a multiple of 512. Default: to the end of the volume.")
	Long length;

	@Override
	int run(CurveClient client, PrintWriter out) throws InterruptedException {
		try (Volume volume = client.open(this.path)) {
			IoSplitter.validate(this.offset, 0, volume.size());
			long total = this.length != null ? this.length : volume.size() - this.offset;
			IoSplitter.validate(this.offset, total, volume.size());
			try (FileChannel channel = open(this.file)) {
				Progress progress = new Progress(out, "exported", total, System.console() != null);
				InFlight inFlight = new InFlight(ImportCommand.DEPTH);
				for (long position = 0; position < total; position += ImportCommand.BLOCK) {
					int len = (int) Math.min(ImportCommand.BLOCK, total - position);
					long filePosition = position;
					inFlight.submit(() -> volume.readAsync(this.offset + filePosition, len).thenAccept((bytes) -> {
						if (!Zeros.isZero(bytes, 0, len)) {
							writeFully(channel, ByteBuffer.wrap(bytes), filePosition);
						}
						progress.add(len);
					}));
				}
				inFlight.await();
				if (channel.size() < total) {
					// the file ends in a hole: one zero byte at its end gives it its length
					writeFully(channel, ByteBuffer.allocate(1), total - 1);
				}
				progress.finish();
			}
			catch (IOException ex) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "cannot write " + this.file + ": " + ex);
			}
		}
		return 0;
	}

	private static FileChannel open(Path file) {
		try {
			return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING);
		}
		catch (IOException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "cannot create " + file + ": " + ex);
		}
	}

	private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) {
		try {
			long at = position;
			while (buffer.hasRemaining()) {
				at += channel.write(buffer, at);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("writing at " + position + " failed: " + ex.getMessage(), ex);
		}
	}

}
