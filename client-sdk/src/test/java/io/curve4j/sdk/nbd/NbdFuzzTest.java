package io.curve4j.sdk.nbd;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NBD parser under a corpus generated here: well-formed sessions (handshake options,
 * transmission requests) with random bytes flipped, inserted, dropped or cut off, sent
 * over raw sockets in random fragments, for a bounded number of cases (a fixed seed, so a
 * failure repeats). Whatever arrives, the server answers or closes that connection and
 * stays up for the next: a clean client attaches at the end.
 */
class NbdFuzzTest {

	private static final int SIZE = 1 << 20;

	private static final int CASES = 150;

	private final MemoryDevice disk = new MemoryDevice(SIZE);

	private NbdServer server;

	@BeforeEach
	void start() {
		this.server = NbdServer.start(new Exports((path) -> {
			if (!path.equals("/vm/disk")) {
				throw new CurveException(ErrorCode.VOLUME_NOT_FOUND, "volume " + path + " does not exist");
			}
			return this.disk;
		}, List::of), "127.0.0.1", 0);
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void mangledSessionsAreAnsweredOrClosedAndTheServerGoesOn() throws IOException {
		Random random = new Random(20261203);
		List<byte[]> corpus = corpus();
		for (int i = 0; i < CASES; i++) {
			byte[] session = mutate(corpus.get(random.nextInt(corpus.size())), random);
			send(session, random);
		}
		// still serving
		try (NbdTestClient client = new NbdTestClient(this.server.address().getPort())) {
			assertThat(client.go("vm/disk").ok()).isTrue();
		}
	}

	/** Sends a session in random fragments and drains the answer until the server closes or goes quiet. */
	private void send(byte[] session, Random random) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.server.address().getPort())) {
			socket.setSoTimeout(100);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			int at = 0;
			try {
				while (at < session.length) {
					int n = Math.min(session.length - at, 1 + random.nextInt(64));
					out.write(session, at, n);
					at += n;
				}
				out.flush();
				byte[] sink = new byte[8192];
				while (in.read(sink) >= 0) {
					// drained
				}
			}
			catch (SocketTimeoutException ex) {
				// the server waits for more: fine, this client leaves
			}
			catch (IOException ex) {
				// the server closed the connection on bad input: fine
			}
		}
	}

	private static byte[] mutate(byte[] seed, Random random) {
		byte[] bytes = seed.clone();
		switch (random.nextInt(4)) {
			case 0 -> {
				for (int k = 0; k < 1 + random.nextInt(4); k++) {
					bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
				}
			}
			case 1 -> {
				int cut = random.nextInt(bytes.length);
				byte[] shorter = new byte[cut];
				System.arraycopy(bytes, 0, shorter, 0, cut);
				bytes = shorter;
			}
			case 2 -> {
				int at = random.nextInt(bytes.length);
				byte[] junk = new byte[1 + random.nextInt(16)];
				random.nextBytes(junk);
				byte[] longer = new byte[bytes.length + junk.length];
				System.arraycopy(bytes, 0, longer, 0, at);
				System.arraycopy(junk, 0, longer, at, junk.length);
				System.arraycopy(bytes, at, longer, at + junk.length, bytes.length - at);
				bytes = longer;
			}
			default -> {
				// a length field set to something huge
				if (bytes.length > 24) {
					int at = 4 + random.nextInt(bytes.length - 8);
					bytes[at] = (byte) 0x7f;
					bytes[at + 1] = (byte) 0xff;
				}
			}
		}
		return bytes;
	}

	/** Well-formed sessions: options alone, and options then transmission requests. */
	private static List<byte[]> corpus() throws IOException {
		List<byte[]> corpus = new ArrayList<>();
		corpus.add(session(out -> option(out, NbdProtocol.OPT_LIST, new byte[0])));
		corpus.add(session(out -> option(out, NbdProtocol.OPT_INFO, goData("vm/disk"))));
		corpus.add(session(out -> {
			option(out, NbdProtocol.OPT_GO, goData("vm/disk"));
			request(out, NbdProtocol.CMD_WRITE, 1, 4096, 512);
			out.write(new byte[512]);
			request(out, NbdProtocol.CMD_READ, 2, 0, 4096);
			request(out, NbdProtocol.CMD_FLUSH, 3, 0, 0);
			request(out, NbdProtocol.CMD_DISC, 4, 0, 0);
		}));
		corpus.add(session(out -> {
			option(out, NbdProtocol.OPT_EXPORT_NAME, "vm/disk".getBytes(StandardCharsets.UTF_8));
			request(out, NbdProtocol.CMD_READ, 5, SIZE - 512, 512);
		}));
		return corpus;
	}

	private interface Writes {

		void to(DataOutputStream out) throws IOException;

	}

	private static byte[] session(Writes body) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		DataOutputStream out = new DataOutputStream(bytes);
		out.writeInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
		body.to(out);
		out.flush();
		return bytes.toByteArray();
	}

	private static void option(DataOutputStream out, int option, byte[] data) throws IOException {
		out.writeLong(NbdProtocol.IHAVEOPT);
		out.writeInt(option);
		out.writeInt(data.length);
		out.write(data);
	}

	private static byte[] goData(String name) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		DataOutputStream out = new DataOutputStream(bytes);
		byte[] n = name.getBytes(StandardCharsets.UTF_8);
		out.writeInt(n.length);
		out.write(n);
		out.writeShort(0);
		return bytes.toByteArray();
	}

	private static void request(DataOutputStream out, int type, long handle, long offset, int length)
			throws IOException {
		out.writeInt(NbdProtocol.REQUEST_MAGIC);
		out.writeShort(0);
		out.writeShort(type);
		out.writeLong(handle);
		out.writeLong(offset);
		out.writeInt(length);
	}

}
