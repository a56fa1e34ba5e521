package io.curve4j.sdk.nbd;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transmission-phase wire format: request framing and reply layouts, byte by byte. */
class NbdCodecTest {

	@Test
	void requestsAreFramedAcrossArbitraryFragments() {
		EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(1 << 20));
		ByteBuf wire = Unpooled.buffer();
		writeRequest(wire, NbdProtocol.CMD_FLAG_FUA, NbdProtocol.CMD_WRITE, 7, 4096, 1024);
		wire.writeBytes(pattern(1024));
		writeRequest(wire, 0, NbdProtocol.CMD_READ, 8, -512L, 512);
		writeRequest(wire, 0, NbdProtocol.CMD_FLUSH, 9, 0, 0);
		// one byte at a time: a request is only emitted once its payload is complete
		while (wire.isReadable()) {
			channel.writeInbound(wire.readRetainedSlice(1));
		}
		wire.release();
		NbdRequest write = channel.readInbound();
		assertThat(write.type()).isEqualTo(NbdProtocol.CMD_WRITE);
		assertThat(write.fua()).isTrue();
		assertThat(write.handle()).isEqualTo(7);
		assertThat(write.offset()).isEqualTo(4096);
		assertThat(write.payload()).isEqualTo(pattern(1024));
		NbdRequest read = channel.readInbound();
		assertThat(read.type()).isEqualTo(NbdProtocol.CMD_READ);
		assertThat(read.offset()).as("offsets are unsigned: past 2^63 reads as negative").isNegative();
		assertThat(read.length()).isEqualTo(512);
		assertThat(read.payload()).isNull();
		NbdRequest flush = channel.readInbound();
		assertThat(flush.type()).isEqualTo(NbdProtocol.CMD_FLUSH);
		Object nothingMore = channel.readInbound();
		assertThat(nothingMore).isNull();
	}

	@Test
	void lengthsAreUnsigned() {
		EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(1 << 20));
		ByteBuf wire = Unpooled.buffer();
		writeRequest(wire, 0, NbdProtocol.CMD_READ, 1, 0, 0xFFFFFE00L);
		channel.writeInbound(wire);
		NbdRequest read = channel.readInbound();
		assertThat(read.length()).isEqualTo(0xFFFFFE00L);
	}

	@Test
	void aBadMagicFailsTheConnection() {
		EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(1 << 20));
		ByteBuf wire = Unpooled.buffer();
		wire.writeBytes("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		assertThatThrownBy(() -> channel.writeInbound(wire)).isInstanceOf(DecoderException.class)
			.hasCauseInstanceOf(NbdProtocolException.class)
			.hasMessageContaining("bad request magic");
	}

	@Test
	void aWriteLargerThanTheMaximumFailsTheConnectionBeforeItsPayloadArrives() {
		EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(1 << 20));
		ByteBuf wire = Unpooled.buffer();
		writeRequest(wire, 0, NbdProtocol.CMD_WRITE, 1, 0, (1 << 20) + 512);
		assertThatThrownBy(() -> channel.writeInbound(wire)).hasCauseInstanceOf(NbdProtocolException.class)
			.hasMessageContaining("larger than the maximum");
	}

	@Test
	void aReadLargerThanTheMaximumIsFramedSoItCanBeAnsweredWithAnError() {
		EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(1 << 20));
		ByteBuf wire = Unpooled.buffer();
		writeRequest(wire, 0, NbdProtocol.CMD_READ, 1, 0, 64 << 20);
		channel.writeInbound(wire);
		assertThat(((NbdRequest) channel.readInbound()).length()).isEqualTo(64 << 20);
	}

	@Test
	void simpleReplies() {
		ByteBuf error = NbdReplies.simple(0x0102030405060708L, NbdProtocol.EINVAL);
		assertThat(error.readInt()).isEqualTo(0x67446698);
		assertThat(error.readInt()).isEqualTo(22);
		assertThat(error.readLong()).isEqualTo(0x0102030405060708L);
		assertThat(error.isReadable()).isFalse();
		ByteBuf read = NbdReplies.simpleRead(5, pattern(512));
		assertThat(read.readableBytes()).isEqualTo(16 + 512);
		read.skipBytes(16);
		assertThat(ByteBufUtil.getBytes(read)).isEqualTo(pattern(512));
	}

	@Test
	void structuredReadIsOneFinalOffsetDataChunk() {
		ByteBuf reply = NbdReplies.structuredRead(9, 8192, pattern(1024));
		assertThat(reply.readInt()).isEqualTo(0x668e33ef);
		assertThat(reply.readUnsignedShort()).isEqualTo(NbdProtocol.REPLY_FLAG_DONE);
		assertThat(reply.readUnsignedShort()).isEqualTo(NbdProtocol.REPLY_TYPE_OFFSET_DATA);
		assertThat(reply.readLong()).isEqualTo(9);
		assertThat(reply.readInt()).isEqualTo(8 + 1024);
		assertThat(reply.readLong()).isEqualTo(8192);
		assertThat(ByteBufUtil.getBytes(reply)).isEqualTo(pattern(1024));
		ByteBuf empty = NbdReplies.structuredRead(9, 0, new byte[0]);
		empty.skipBytes(6);
		assertThat(empty.readUnsignedShort()).isEqualTo(NbdProtocol.REPLY_TYPE_NONE);
	}

	@Test
	void structuredErrorCarriesErrnoAndMessage() {
		ByteBuf reply = NbdReplies.structuredError(3, NbdProtocol.ENOSPC, "past the end");
		reply.skipBytes(4);
		assertThat(reply.readUnsignedShort()).isEqualTo(NbdProtocol.REPLY_FLAG_DONE);
		assertThat(reply.readUnsignedShort()).isEqualTo(0x8001);
		assertThat(reply.readLong()).isEqualTo(3);
		assertThat(reply.readInt()).isEqualTo(6 + 12);
		assertThat(reply.readInt()).isEqualTo(28);
		assertThat(reply.readUnsignedShort()).isEqualTo(12);
		assertThat(reply.toString(StandardCharsets.UTF_8)).isEqualTo("past the end");
		ByteBuf longMessage = NbdReplies.structuredError(3, NbdProtocol.EIO, "é".repeat(3000));
		longMessage.skipBytes(20 + 4);
		assertThat(longMessage.readUnsignedShort()).isLessThanOrEqualTo(1024).isEven();
	}

	private static void writeRequest(ByteBuf wire, int flags, int type, long handle, long offset, long length) {
		wire.writeInt(NbdProtocol.REQUEST_MAGIC);
		wire.writeShort(flags);
		wire.writeShort(type);
		wire.writeLong(handle);
		wire.writeLong(offset);
		wire.writeInt((int) length);
	}

	static byte[] pattern(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (i * 31 + 7);
		}
		return bytes;
	}

}
