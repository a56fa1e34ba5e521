package io.curve4j.fs.hadoop.example;

import java.io.IOException;
import java.net.URI;
import java.util.Random;
import java.util.zip.CRC32C;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Streams a file of {@code MIB} MiB through the Hadoop API in 1 MiB calls, then reads it
 * back through a second client (so nothing comes from the writer's memory), checks the
 * bytes and prints both rates: {@code StreamThroughput curvefs://fs1/big.bin 256}, settings
 * as for {@link WriteAndRead}. {@code bench/fs/sdk_vs_fuse.sh} sets it beside fio on a FUSE
 * mount of the same file system.
 */
public final class StreamThroughput {

	private static final int CALL = 1 << 20;

	private StreamThroughput() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 2 || !args[1].matches("[1-9][0-9]{0,5}")) {
			System.err.println("usage: StreamThroughput curvefs://FS/path MIB");
			System.exit(2);
		}
		URI uri = URI.create(args[0]);
		int mib = Integer.parseInt(args[1]);
		Configuration conf = ExampleSettings.fromSystemProperties();
		Path path = new Path(uri);
		byte[] buffer = new byte[CALL];
		new Random(mib).nextBytes(buffer);
		CRC32C written = new CRC32C();
		long writeNanos;
		try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
			long start = System.nanoTime();
			try (FSDataOutputStream out = fs.create(path, true)) {
				for (int i = 0; i < mib; i++) {
					buffer[0] = (byte) i;
					out.write(buffer);
					written.update(buffer);
				}
			}
			writeNanos = System.nanoTime() - start;
		}
		CRC32C read = new CRC32C();
		long readNanos;
		try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
			long start = System.nanoTime();
			long total = 0;
			try (FSDataInputStream in = fs.open(path)) {
				for (int n; (n = in.read(buffer)) > 0; total += n) {
					read.update(buffer, 0, n);
				}
			}
			readNanos = System.nanoTime() - start;
			if (total != (long) mib * CALL || read.getValue() != written.getValue()) {
				throw new IOException("read back " + total + " bytes of " + path + " that differ from the "
						+ (long) mib * CALL + " written");
			}
			fs.delete(path, false);
		}
		System.out.printf("write_mib_s %.1f%nread_mib_s %.1f%n", mib / (writeNanos / 1e9), mib / (readNanos / 1e9));
	}

}
