package io.curve4j.sdk.nbd;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small blocking NBD client for tests: fixed newstyle handshake, STARTTLS, options, raw
 * requests and replies, and raw bytes for sending garbage.
 */
final class NbdTestClient implements AutoCloseable {

	/** The TCP connection, then TLS over it once {@link #startTls} succeeded. */
	private Socket socket;

	private DataInputStream in;

	private DataOutputStream out;

	/** The answer to NBD_OPT_GO or NBD_OPT_INFO: ACK with the export's size, flags and block sizes, or an error. */
	record Go(int reply, long size, int flags, int minimum, int preferred, int maximum, String message) {

		boolean ok() {
			return this.reply == NbdProtocol.REP_ACK;
		}

	}

	/** One reply: simple, or the final chunk of a structured one. */
	record Reply(long handle, int error, byte[] data) {
	}

	NbdTestClient(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(30_000);
		this.socket.setTcpNoDelay(true);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = new DataOutputStream(this.socket.getOutputStream());
		assertThat(this.in.readLong()).isEqualTo(NbdProtocol.INIT_PASSWD);
		assertThat(this.in.readLong()).isEqualTo(NbdProtocol.IHAVEOPT);
		assertThat(this.in.readUnsignedShort() & NbdProtocol.FLAG_FIXED_NEWSTYLE).isNotZero();
		this.out.writeInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
	}

	/**
	 * Sends {@code NBD_OPT_STARTTLS}; on its ACK runs the TLS handshake with {@code tls}
	 * over the same connection, after which everything goes through TLS. Returns the
	 * reply type (ACK, or the error that refused it).
	 */
	int startTls(SSLSocketFactory tls) throws IOException {
		option(NbdProtocol.OPT_STARTTLS, new byte[0]);
		int[] reply = optionReply(NbdProtocol.OPT_STARTTLS);
		this.in.skipNBytes(reply[1]);
		if (reply[0] != NbdProtocol.REP_ACK) {
			return reply[0];
		}
		SSLSocket socket = (SSLSocket) tls.createSocket(this.socket, "127.0.0.1", this.socket.getPort(), true);
		socket.setUseClientMode(true);
		socket.startHandshake();
		this.socket = socket;
		// buffered: Conscrypt's stream blocks even on a read of zero bytes, which readNBytes(0) makes
		this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
		this.out = new DataOutputStream(socket.getOutputStream());
		return reply[0];
	}

	static NbdTestClient attached(int port, String export, boolean structured) throws IOException {
		NbdTestClient client = new NbdTestClient(port);
		if (structured) {
			client.option(NbdProtocol.OPT_STRUCTURED_REPLY, new byte[0]);
			assertThat(client.optionReply(NbdProtocol.OPT_STRUCTURED_REPLY)[0]).isEqualTo(NbdProtocol.REP_ACK);
		}
		assertThat(client.go(export).ok()).isTrue();
		return client;
	}

	void option(int option, byte[] data) throws IOException {
		this.out.writeLong(NbdProtocol.IHAVEOPT);
		this.out.writeInt(option);
		this.out.writeInt(data.length);
		this.out.write(data);
		this.out.flush();
	}

	/** Reads one option reply header; returns {type, length} and leaves the payload unread. */
	int[] optionReply(int option) throws IOException {
		assertThat(this.in.readLong()).isEqualTo(NbdProtocol.OPTION_REPLY_MAGIC);
		assertThat(this.in.readInt()).isEqualTo(option);
		return new int[] { this.in.readInt(), this.in.readInt() };
	}

	Go go(String export) throws IOException {
		return infoOrGo(NbdProtocol.OPT_GO, export);
	}

	Go infoOrGo(int option, String export) throws IOException {
		byte[] name = export.getBytes(StandardCharsets.UTF_8);
		DataOutputStreamBuffer data = new DataOutputStreamBuffer();
		data.writeInt(name.length);
		data.write(name);
		data.writeShort(1);
		data.writeShort(NbdProtocol.INFO_BLOCK_SIZE);
		option(option, data.bytes());
		long size = -1;
		int flags = 0;
		int[] sizes = new int[3];
		while (true) {
			int[] reply = optionReply(option);
			if (reply[0] == NbdProtocol.REP_INFO) {
				int type = this.in.readUnsignedShort();
				if (type == NbdProtocol.INFO_EXPORT) {
					size = this.in.readLong();
					flags = this.in.readUnsignedShort();
				}
				else if (type == NbdProtocol.INFO_BLOCK_SIZE) {
					sizes = new int[] { this.in.readInt(), this.in.readInt(), this.in.readInt() };
				}
				else {
					this.in.skipNBytes(reply[1] - 2);
				}
				continue;
			}
			byte[] message = this.in.readNBytes(reply[1]);
			return new Go(reply[0], size, flags, sizes[0], sizes[1], sizes[2],
					new String(message, StandardCharsets.UTF_8));
		}
	}

	void request(int type, int flags, long handle, long offset, long length, byte[] payload) throws IOException {
		this.out.writeInt(NbdProtocol.REQUEST_MAGIC);
		this.out.writeShort(flags);
		this.out.writeShort(type);
		this.out.writeLong(handle);
		this.out.writeLong(offset);
		this.out.writeInt((int) length);
		if (payload != null) {
			this.out.write(payload);
		}
		this.out.flush();
	}

	/** A simple reply; {@code readLength} bytes of data follow a successful read. */
	Reply simpleReply(int readLength) throws IOException {
		assertThat(this.in.readInt()).isEqualTo(NbdProtocol.SIMPLE_REPLY_MAGIC);
		int error = this.in.readInt();
		long handle = this.in.readLong();
		byte[] data = (error == 0 && readLength > 0) ? this.in.readNBytes(readLength) : new byte[0];
		return new Reply(handle, error, data);
	}

	/** A simple reply to one of many reads in flight, its length known by its handle. */
	Reply simpleReplyFor(Map<Long, byte[]> reads) throws IOException {
		assertThat(this.in.readInt()).isEqualTo(NbdProtocol.SIMPLE_REPLY_MAGIC);
		int error = this.in.readInt();
		long handle = this.in.readLong();
		byte[] data = (error == 0) ? this.in.readNBytes(reads.get(handle).length) : new byte[0];
		return new Reply(handle, error, data);
	}

	DataInputStream in() {
		return this.in;
	}

	/** A reply when structured replies are on: a simple one, or a single final chunk. */
	Reply structuredReply() throws IOException {
		int magic = this.in.readInt();
		if (magic == NbdProtocol.SIMPLE_REPLY_MAGIC) {
			int error = this.in.readInt();
			return new Reply(this.in.readLong(), error, new byte[0]);
		}
		assertThat(magic).isEqualTo(NbdProtocol.STRUCTURED_REPLY_MAGIC);
		assertThat(this.in.readUnsignedShort() & NbdProtocol.REPLY_FLAG_DONE).isNotZero();
		int type = this.in.readUnsignedShort();
		long handle = this.in.readLong();
		int length = this.in.readInt();
		if (type == NbdProtocol.REPLY_TYPE_OFFSET_DATA) {
			this.in.readLong();
			return new Reply(handle, 0, this.in.readNBytes(length - 8));
		}
		if (type == NbdProtocol.REPLY_TYPE_ERROR) {
			int error = this.in.readInt();
			this.in.skipNBytes(length - 4);
			return new Reply(handle, error, new byte[0]);
		}
		assertThat(type).isEqualTo(NbdProtocol.REPLY_TYPE_NONE);
		return new Reply(handle, 0, new byte[0]);
	}

	void raw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/** True once the server closed the connection (reads end), false if it answers within 5 s. */
	boolean closedByServer() throws IOException {
		return closedByServer(Duration.ofSeconds(5));
	}

	/** True once the server closed the connection (reads end), false if it answers within {@code wait}. */
	boolean closedByServer(Duration wait) throws IOException {
		this.socket.setSoTimeout((int) wait.toMillis());
		try {
			return this.in.read() < 0;
		}
		catch (EOFException | SocketException | SSLException ex) {
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
	}

	/** Drops the connection without a word (RST), as a crashed client would. */
	void abort() throws IOException {
		this.socket.setSoLinger(true, 0);
		this.socket.close();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/** Big-endian encoding into an array. */
	private static final class DataOutputStreamBuffer extends DataOutputStream {

		DataOutputStreamBuffer() {
			super(new java.io.ByteArrayOutputStream());
		}

		byte[] bytes() {
			return ((java.io.ByteArrayOutputStream) this.out).toByteArray();
		}

	}

}
