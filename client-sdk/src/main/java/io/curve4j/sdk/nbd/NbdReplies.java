package io.curve4j.sdk.nbd;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Transmission-phase replies. A reply with data is one buffer (header and payload
 * composed without a copy), so that it goes out in one write and one flush.
 */
final class NbdReplies {

	private static final int SIMPLE_HEADER = 16;

	private static final int STRUCTURED_HEADER = 20;

	private NbdReplies() {
	}

	/** A simple reply: success ({@code error} 0) or an error, no data. */
	static ByteBuf simple(long handle, int error) {
		ByteBuf header = Unpooled.buffer(SIMPLE_HEADER);
		header.writeInt(NbdProtocol.SIMPLE_REPLY_MAGIC);
		header.writeInt(error);
		header.writeLong(handle);
		return header;
	}

	/** The successful simple reply to a read: the header, then the data. */
	static ByteBuf simpleRead(long handle, byte[] data) {
		return Unpooled.wrappedBuffer(simple(handle, 0), Unpooled.wrappedBuffer(data));
	}

	/** The successful structured reply to a read: one final {@code OFFSET_DATA} chunk (or {@code NONE} if empty). */
	static ByteBuf structuredRead(long handle, long offset, byte[] data) {
		if (data.length == 0) {
			return structuredHeader(handle, NbdProtocol.REPLY_TYPE_NONE, 0);
		}
		ByteBuf header = structuredHeader(handle, NbdProtocol.REPLY_TYPE_OFFSET_DATA, 8 + data.length);
		header.writeLong(offset);
		return Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(data));
	}

	/** A final structured {@code ERROR} chunk with a message for the client's logs. */
	static ByteBuf structuredError(long handle, int error, String message) {
		byte[] text = truncate(message.getBytes(StandardCharsets.UTF_8));
		ByteBuf reply = structuredHeader(handle, NbdProtocol.REPLY_TYPE_ERROR, 6 + text.length);
		reply.writeInt(error);
		reply.writeShort(text.length);
		reply.writeBytes(text);
		return reply;
	}

	private static ByteBuf structuredHeader(long handle, int type, int length) {
		ByteBuf header = Unpooled.buffer(STRUCTURED_HEADER + 8);
		header.writeInt(NbdProtocol.STRUCTURED_REPLY_MAGIC);
		header.writeShort(NbdProtocol.REPLY_FLAG_DONE);
		header.writeShort(type);
		header.writeLong(handle);
		header.writeInt(length);
		return header;
	}

	/** Messages are strings, at most 4096 bytes by the protocol; ours stay well below. */
	private static byte[] truncate(byte[] text) {
		if (text.length <= 1024) {
			return text;
		}
		int end = 1024;
		// do not cut a UTF-8 sequence in half
		while (end > 0 && (text[end] & 0xC0) == 0x80) {
			end--;
		}
		byte[] cut = new byte[end];
		System.arraycopy(text, 0, cut, 0, end);
		return cut;
	}

}
