package io.curve4j.sdk.nbd;

import java.util.List;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Frames transmission-phase requests: a 28-byte header, then for a write its payload.
 * A bad magic or a write larger than {@code maxPayload} fails the connection
 * ({@link NbdProtocolException}): the stream can no longer be trusted to be in step, and
 * buffering an unbounded payload is not an option.
 */
final class NbdRequestDecoder extends ByteToMessageDecoder {

	private final int maxPayload;

	NbdRequestDecoder(int maxPayload) {
		this.maxPayload = maxPayload;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (in.readableBytes() < 4) {
			return;
		}
		int start = in.readerIndex();
		int magic = in.getInt(start);
		if (magic != NbdProtocol.REQUEST_MAGIC) {
			// nothing after it can be trusted either: drop it so the close does not decode it again
			in.skipBytes(in.readableBytes());
			throw new NbdProtocolException(String.format(Locale.ROOT, "bad request magic 0x%08x", magic));
		}
		if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_SIZE) {
			return;
		}
		int type = in.getUnsignedShort(start + 6);
		long length = in.getUnsignedInt(start + 24);
		int payload = 0;
		if (type == NbdProtocol.CMD_WRITE) {
			if (length > this.maxPayload) {
				in.skipBytes(in.readableBytes());
				throw new NbdProtocolException(
						"write of " + length + " bytes is larger than the maximum of " + this.maxPayload);
			}
			payload = (int) length;
		}
		if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_SIZE + payload) {
			return;
		}
		in.skipBytes(4);
		int flags = in.readUnsignedShort();
		in.skipBytes(2);
		long handle = in.readLong();
		long offset = in.readLong();
		in.skipBytes(4);
		byte[] data = null;
		if (type == NbdProtocol.CMD_WRITE) {
			// one copy out of the socket buffer: the SDK keeps the array until the write is acknowledged
			data = new byte[payload];
			in.readBytes(data);
		}
		out.add(new NbdRequest(flags, type, handle, offset, length, data));
	}

}
