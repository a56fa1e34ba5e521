package io.curve4j.fs.hadoop.example;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a file through the Hadoop API and reads it back:
 * {@code WriteAndRead curvefs://fs1/hello.txt} with {@code fs.curvefs.mds} and
 * {@code fs.curvefs.secret.file} (or {@code fs.curvefs.password}) as system properties
 * ({@code -Dfs.curvefs.mds=127.0.0.1:6700}).
 */
public final class WriteAndRead {

	private WriteAndRead() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 1) {
			System.err.println("usage: WriteAndRead curvefs://FS/path");
			System.exit(2);
		}
		URI uri = URI.create(args[0]);
		Configuration conf = ExampleSettings.fromSystemProperties();
		byte[] written = ("hello from Hadoop at " + System.currentTimeMillis() + "\n").getBytes(StandardCharsets.UTF_8);
		try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
			Path path = new Path(uri);
			try (FSDataOutputStream out = fs.create(path, true)) {
				out.write(written);
			}
			byte[] read = new byte[written.length];
			try (FSDataInputStream in = fs.open(path)) {
				in.readFully(0, read);
			}
			if (!Arrays.equals(written, read)) {
				throw new IOException("read back differs from what was written to " + path);
			}
			System.out.print("wrote and read " + path + " (" + fs.getFileStatus(path).getLen() + " bytes): "
					+ new String(read, StandardCharsets.UTF_8));
		}
	}

}
