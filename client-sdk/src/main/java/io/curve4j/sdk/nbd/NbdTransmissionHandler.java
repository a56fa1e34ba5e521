package io.curve4j.sdk.nbd;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.size.Sizes;

/**
 * The transmission phase of one connection: every request starts at once on the shared
 * {@link Export} and is answered when it completes, so replies go out in completion
 * order, matched by handle. Counters and replies live on the channel's event loop.
 * <p>
 * Reading pauses while too many requests or bytes are in flight, or while the client is
 * not reading its replies, so that one connection cannot make the server buffer without
 * bound. Bad requests get their error reply and the connection goes on; after
 * {@code NBD_CMD_DISC} the outstanding requests are answered and the connection closed.
 */
final class NbdTransmissionHandler extends SimpleChannelInboundHandler<NbdRequest> {

	private static final Logger log = LoggerFactory.getLogger(NbdTransmissionHandler.class);

	static final int MAX_REQUESTS_IN_FLIGHT = 256;

	static final long MAX_BYTES_IN_FLIGHT = 64 * Sizes.MIB;

	private final Exports exports;

	private final Export export;

	/** The size told to the client at the handshake: an extend shows on its next connection. */
	private final long size;

	private final boolean structured;

	private final int maxPayload;

	private int requestsInFlight;

	private long bytesInFlight;

	private boolean disconnecting;

	private boolean released;

	private final NbdMemory memory;

	/** Waiting for the server's byte budget to make room: one wake-up registered at a time. */
	private boolean waitingForRoom;

	NbdTransmissionHandler(Exports exports, Export export, long size, boolean structured, int maxPayload,
			NbdMemory memory) {
		this.exports = exports;
		this.memory = memory;
		this.export = export;
		this.size = size;
		this.structured = structured;
		this.maxPayload = maxPayload;
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, NbdRequest request) {
		if (this.disconnecting) {
			// the client promised to send nothing after NBD_CMD_DISC
			return;
		}
		switch (request.type()) {
			case NbdProtocol.CMD_READ -> read(ctx, request);
			case NbdProtocol.CMD_WRITE -> write(ctx, request);
			case NbdProtocol.CMD_WRITE_ZEROES -> writeZeroes(ctx, request);
			case NbdProtocol.CMD_FLUSH -> submit(ctx, request, 0, this.export.flush().thenApply((ignored) -> done(request)));
			case NbdProtocol.CMD_TRIM -> trim(ctx, request);
			case NbdProtocol.CMD_DISC -> disconnect(ctx);
			default -> reject(ctx, request, NbdProtocol.EINVAL, "command " + request.type() + " is not supported");
		}
	}

	private void read(ChannelHandlerContext ctx, NbdRequest request) {
		if (request.length() > this.maxPayload) {
			reject(ctx, request, NbdProtocol.EINVAL,
					"read of " + request.length() + " bytes is larger than the maximum of " + this.maxPayload);
			return;
		}
		if (invalid(ctx, request, NbdProtocol.EINVAL)) {
			return;
		}
		CompletableFuture<ByteBuf> reply = this.export.read(request.offset(), (int) request.length())
			.thenApply((data) -> this.structured ? NbdReplies.structuredRead(request.handle(), request.offset(), data)
					: NbdReplies.simpleRead(request.handle(), data));
		submit(ctx, request, request.length(), reply);
	}

	/** FUA needs nothing more: a write is answered only once a Raft majority has it. */
	private void write(ChannelHandlerContext ctx, NbdRequest request) {
		if (invalid(ctx, request, NbdProtocol.ENOSPC)) {
			return;
		}
		CompletableFuture<Void> write = request.length() == 0 ? CompletableFuture.completedFuture(null)
				: this.export.write(request.offset(), request.payload());
		submit(ctx, request, request.length(), write.thenApply((ignored) -> done(request)));
	}

	private void writeZeroes(ChannelHandlerContext ctx, NbdRequest request) {
		if (invalid(ctx, request, NbdProtocol.ENOSPC)) {
			return;
		}
		submit(ctx, request, 0,
				this.export.writeZeroes(request.offset(), request.length(), !request.noHole()).thenApply((ignored) -> done(request)));
	}

	/** Frees the whole chunks of the range (see {@link Export#trim}). */
	private void trim(ChannelHandlerContext ctx, NbdRequest request) {
		if (!invalid(ctx, request, NbdProtocol.EINVAL)) {
			submit(ctx, request, 0,
					this.export.trim(request.offset(), request.length()).thenApply((ignored) -> done(request)));
		}
	}

	/** Answers the request with {@code error} if it is unaligned or not inside the export. */
	private boolean invalid(ChannelHandlerContext ctx, NbdRequest request, int pastEndError) {
		long offset = request.offset();
		long length = request.length();
		if (offset % Sizes.SECTOR_SIZE != 0 || length % Sizes.SECTOR_SIZE != 0) {
			reject(ctx, request, NbdProtocol.EINVAL, "offset " + Long.toUnsignedString(offset) + " and length "
					+ length + " must be multiples of " + Sizes.SECTOR_SIZE);
			return true;
		}
		if (offset < 0 || offset > this.size || length > this.size - offset) {
			reject(ctx, request, pastEndError, "[" + Long.toUnsignedString(offset) + ", +" + length
					+ ") is past the end of the export (" + this.size + " bytes)");
			return true;
		}
		return false;
	}

	private void submit(ChannelHandlerContext ctx, NbdRequest request, long bytes, CompletableFuture<ByteBuf> reply) {
		this.requestsInFlight++;
		this.bytesInFlight += bytes;
		this.memory.acquire(bytes);
		updateReading(ctx);
		reply.whenComplete((buffer, failure) -> {
			try {
				ctx.executor().execute(() -> complete(ctx, request, bytes, buffer, failure));
			}
			catch (RejectedExecutionException ex) {
				// the server is stopping and the connection with it
				if (buffer != null) {
					buffer.release();
				}
			}
		});
	}

	private void complete(ChannelHandlerContext ctx, NbdRequest request, long bytes, ByteBuf buffer,
			Throwable failure) {
		this.requestsInFlight--;
		this.bytesInFlight -= bytes;
		this.memory.release(bytes);
		if (failure == null) {
			ctx.writeAndFlush(buffer);
		}
		else {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			log.warn("{} of {} bytes at {} on {} failed: {}", command(request.type()), request.length(),
					Long.toUnsignedString(request.offset()), this.export.name(), cause.toString());
			ctx.writeAndFlush(error(request, errno(request, cause), String.valueOf(cause)));
		}
		if (this.disconnecting && this.requestsInFlight == 0) {
			ctx.close();
			return;
		}
		updateReading(ctx);
	}

	private static String command(int type) {
		return switch (type) {
			case NbdProtocol.CMD_READ -> "read";
			case NbdProtocol.CMD_WRITE -> "write";
			case NbdProtocol.CMD_WRITE_ZEROES -> "write zeroes";
			case NbdProtocol.CMD_FLUSH -> "flush";
			default -> "command " + type;
		};
	}

	private void reject(ChannelHandlerContext ctx, NbdRequest request, int error, String message) {
		ctx.writeAndFlush(error(request, error, message));
	}

	private void disconnect(ChannelHandlerContext ctx) {
		this.disconnecting = true;
		ctx.channel().config().setAutoRead(false);
		if (this.requestsInFlight == 0) {
			ctx.close();
		}
	}

	private ByteBuf done(NbdRequest request) {
		return NbdReplies.simple(request.handle(), 0);
	}

	/** Simple replies carry only an errno; structured ones say why as well. */
	private ByteBuf error(NbdRequest request, int error, String message) {
		return this.structured ? NbdReplies.structuredError(request.handle(), error, message)
				: NbdReplies.simple(request.handle(), error);
	}

	private static int errno(NbdRequest request, Throwable cause) {
		if (!(cause instanceof CurveException curve)) {
			return NbdProtocol.EIO;
		}
		return switch (curve.code()) {
			case IO_OUT_OF_RANGE -> (request.type() == NbdProtocol.CMD_READ) ? NbdProtocol.EINVAL : NbdProtocol.ENOSPC;
			case IO_NOT_ALIGNED, INVALID_ARGUMENT -> NbdProtocol.EINVAL;
			case NO_SPACE -> NbdProtocol.ENOSPC;
			default -> NbdProtocol.EIO;
		};
	}

	private void updateReading(ChannelHandlerContext ctx) {
		boolean read = !this.disconnecting && this.requestsInFlight < MAX_REQUESTS_IN_FLIGHT
				&& this.bytesInFlight < MAX_BYTES_IN_FLIGHT && ctx.channel().isWritable() && serverHasRoom(ctx);
		if (ctx.channel().config().isAutoRead() != read) {
			ctx.channel().config().setAutoRead(read);
		}
	}

	/** The server-wide budget; when it is spent, this connection is woken once a request anywhere completes. */
	private boolean serverHasRoom(ChannelHandlerContext ctx) {
		if (this.waitingForRoom) {
			return false;
		}
		boolean room = this.memory.roomOrWait(() -> ctx.executor().execute(() -> {
			this.waitingForRoom = false;
			updateReading(ctx);
		}));
		this.waitingForRoom = !room;
		return room;
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		updateReading(ctx);
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		release();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		release();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof IOException) {
			log.debug("connection {} to {} failed: {}", ctx.channel().remoteAddress(), this.export.name(),
					cause.toString());
		}
		else {
			log.warn("closing connection {} to {}: {}", ctx.channel().remoteAddress(), this.export.name(),
					(cause.getCause() instanceof NbdProtocolException bad) ? bad.getMessage() : cause.toString());
		}
		ctx.close();
	}

	/** In-flight I/O finishes on its own; its replies fall on a closed channel. */
	private void release() {
		if (!this.released) {
			this.released = true;
			this.exports.release(this.export);
		}
	}

}
