package io.curve4j.sdk.nbd;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;

/**
 * The newstyle fixed handshake of one connection: greets, reads the client flags, then
 * answers options one at a time until {@code NBD_OPT_GO} or {@code NBD_OPT_EXPORT_NAME}
 * picks an export, when it hands the connection over to {@link NbdRequestDecoder} and
 * {@link NbdTransmissionHandler}. Options that need the MDS (open, list) complete off
 * the event loop; reading pauses meanwhile, since options are answered in order.
 * <p>
 * With TLS configured the server is in the protocol's "TLS mandatory" mode: until
 * {@code NBD_OPT_STARTTLS} every option but {@code NBD_OPT_ABORT} is refused with
 * {@code NBD_REP_ERR_TLS_REQD}; its ACK goes out in the clear, a TLS handler joins the
 * front of the pipeline, and negotiation goes on inside TLS once the client proved its
 * PSK identity, which then decides the volumes it sees ({@link ExportAccess}).
 */
final class NbdHandshakeHandler extends ChannelInboundHandlerAdapter {

	/** The name of the handshake's read timeout in the pipeline, removed once an export is chosen. */
	static final String TIMEOUT = "nbd-handshake-timeout";

	/** The name of the TLS handler in the pipeline, in front of every other once STARTTLS is acknowledged. */
	static final String TLS = "nbd-tls";

	private static final Logger log = LoggerFactory.getLogger(NbdHandshakeHandler.class);

	/** Options carry at most a name (4096 bytes by the protocol) and a few small fields. */
	static final int MAX_OPTION_LENGTH = 16 * 1024;

	private static final int OPTION_HEADER = 16;

	private static final int KNOWN_CLIENT_FLAGS = NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES;

	/** Every export: writable, flush and FUA, trim, write zeroes, and many connections per export. */
	static final int TRANSMISSION_FLAGS = NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH
			| NbdProtocol.FLAG_SEND_FUA | NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES
			| NbdProtocol.FLAG_CAN_MULTI_CONN;

	private final Exports exports;

	private final BlockSizes blockSizes;

	private final NbdMemory memory;

	/** Null when the server has no TLS configured. */
	private final NbdTls tls;

	/** This connection's TLS once STARTTLS was acknowledged, else null. */
	private NbdTls.Session tlsSession;

	/** What this connection may use; null while TLS is required and not yet established. */
	private ExportAccess access;

	private ByteBuf buffer;

	private boolean clientFlagsRead;

	private boolean noZeroes;

	private boolean structured;

	/** An option is being answered off the event loop; later options wait in the buffer. */
	private boolean busy;

	/** Handed over to the transmission phase: this handler is gone from the pipeline. */
	private boolean done;

	/** @param tls null to serve without TLS (the server then listens on loopback only) */
	NbdHandshakeHandler(Exports exports, BlockSizes blockSizes, NbdMemory memory, NbdTls tls) {
		this.memory = memory;
		this.exports = exports;
		this.blockSizes = blockSizes;
		this.tls = tls;
		this.access = (tls == null) ? ExportAccess.LOOPBACK : null;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.buffer = ctx.alloc().buffer();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		this.buffer.release();
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		ByteBuf greeting = ctx.alloc().buffer(18);
		greeting.writeLong(NbdProtocol.INIT_PASSWD);
		greeting.writeLong(NbdProtocol.IHAVEOPT);
		greeting.writeShort(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES);
		ctx.writeAndFlush(greeting);
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf in = (ByteBuf) msg;
		try {
			this.buffer.writeBytes(in);
		}
		finally {
			in.release();
		}
		drain(ctx);
	}

	/** The end of the TLS handshake: options go on inside TLS, as the identity the client proved. */
	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (!(event instanceof SslHandshakeCompletionEvent handshake)) {
			ctx.fireUserEventTriggered(event);
			return;
		}
		if (!handshake.isSuccess()) {
			fail(ctx, "TLS handshake failed: " + handshake.cause());
			return;
		}
		String identity = this.tlsSession.identity();
		if (identity == null) {
			// only PSK suites are enabled, so this cannot happen; were it to, a missing identity
			// must not mean every volume
			fail(ctx, "TLS established without a PSK identity");
			return;
		}
		this.access = ExportAccess.of(identity);
		log.debug("{} started TLS as {}", ctx.channel().remoteAddress(), this.access);
		drain(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		log.debug("handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
		ctx.close();
	}

	private void drain(ChannelHandlerContext ctx) {
		while (!this.busy && !this.done && !establishingTls() && ctx.channel().isActive()) {
			if (!this.clientFlagsRead) {
				if (this.buffer.readableBytes() < 4) {
					return;
				}
				int flags = this.buffer.readInt();
				if ((flags & ~KNOWN_CLIENT_FLAGS) != 0) {
					fail(ctx, String.format(Locale.ROOT, "unknown client flags 0x%08x", flags));
					return;
				}
				this.noZeroes = (flags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
				this.clientFlagsRead = true;
				continue;
			}
			if (this.buffer.readableBytes() < OPTION_HEADER) {
				break;
			}
			int start = this.buffer.readerIndex();
			long magic = this.buffer.getLong(start);
			int option = this.buffer.getInt(start + 8);
			long length = this.buffer.getUnsignedInt(start + 12);
			if (magic != NbdProtocol.IHAVEOPT) {
				fail(ctx, String.format(Locale.ROOT, "bad option magic 0x%016x", magic));
				return;
			}
			if (length > MAX_OPTION_LENGTH) {
				fail(ctx, "option " + option + " of " + length + " bytes is too long");
				return;
			}
			if (this.buffer.readableBytes() < OPTION_HEADER + length) {
				break;
			}
			this.buffer.skipBytes(OPTION_HEADER);
			byte[] data = new byte[(int) length];
			this.buffer.readBytes(data);
			option(ctx, option, data);
		}
		if (!this.done) {
			this.buffer.discardSomeReadBytes();
			ctx.flush();
		}
	}

	private void option(ChannelHandlerContext ctx, int option, byte[] data) {
		if (this.access == null) {
			beforeTls(ctx, option, data);
			return;
		}
		switch (option) {
			case NbdProtocol.OPT_EXPORT_NAME -> exportName(ctx, new String(data, StandardCharsets.UTF_8));
			case NbdProtocol.OPT_GO, NbdProtocol.OPT_INFO -> info(ctx, option, data);
			case NbdProtocol.OPT_LIST -> list(ctx, data);
			case NbdProtocol.OPT_STRUCTURED_REPLY -> {
				if (data.length != 0) {
					reply(ctx, option, NbdProtocol.REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY carries no data");
					return;
				}
				this.structured = true;
				ack(ctx, option);
			}
			case NbdProtocol.OPT_STARTTLS -> {
				if (this.tls == null) {
					reply(ctx, option, NbdProtocol.REP_ERR_POLICY, "this server has no TLS configured");
				}
				else {
					reply(ctx, option, NbdProtocol.REP_ERR_INVALID, "TLS is started already");
				}
			}
			case NbdProtocol.OPT_ABORT -> abort(ctx);
			default -> reply(ctx, option, NbdProtocol.REP_ERR_UNSUP, "option " + option + " is not supported");
		}
	}

	/** STARTTLS was acknowledged and the TLS handshake has not finished: no option may be read meanwhile. */
	private boolean establishingTls() {
		return this.tlsSession != null && this.access == null;
	}

	/** TLS mandatory, not yet started: STARTTLS or ABORT, nothing else. */
	private void beforeTls(ChannelHandlerContext ctx, int option, byte[] data) {
		switch (option) {
			case NbdProtocol.OPT_STARTTLS -> startTls(ctx, data);
			case NbdProtocol.OPT_ABORT -> abort(ctx);
			// it has no error reply, so the protocol has the server close the connection
			case NbdProtocol.OPT_EXPORT_NAME -> fail(ctx, "NBD_OPT_EXPORT_NAME before NBD_OPT_STARTTLS");
			default -> reply(ctx, option, NbdProtocol.REP_ERR_TLS_REQD,
					"this server takes TLS connections only: send NBD_OPT_STARTTLS first");
		}
	}

	/**
	 * Acknowledges STARTTLS in the clear, then puts TLS in front of the pipeline; the
	 * client's next bytes are its TLS handshake. The handshake has to finish within the
	 * connection's handshake timeout (both the read timeout and the TLS handler's own).
	 */
	private void startTls(ChannelHandlerContext ctx, byte[] data) {
		if (data.length != 0) {
			reply(ctx, NbdProtocol.OPT_STARTTLS, NbdProtocol.REP_ERR_INVALID, "NBD_OPT_STARTTLS carries no data");
			return;
		}
		if (this.buffer.isReadable()) {
			// a client waits for the ACK before its TLS handshake; bytes it sent before that were
			// sent in the clear and must not pass as if they had come through TLS
			fail(ctx, "data after NBD_OPT_STARTTLS before the TLS handshake");
			return;
		}
		this.tlsSession = this.tls.newSession();
		// written and flushed before the TLS handler joins the pipeline, so it goes out in the clear
		ack(ctx, NbdProtocol.OPT_STARTTLS);
		ctx.flush();
		SslHandler handler = new SslHandler(this.tlsSession.engine());
		handler.setHandshakeTimeout(NbdServer.HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		ctx.pipeline().addFirst(TLS, handler);
	}

	private void abort(ChannelHandlerContext ctx) {
		ack(ctx, NbdProtocol.OPT_ABORT).addListener(ChannelFutureListener.CLOSE);
		ctx.flush();
	}

	/** The old way to pick an export: no error reply is possible, an unknown name closes the connection. */
	private void exportName(ChannelHandlerContext ctx, String name) {
		whenDone(ctx, this.exports.acquire(name, this.access), (export, failure) -> {
			if (failure != null) {
				fail(ctx, "export '" + name + "': " + describe(failure));
				return;
			}
			long size = export.size();
			ByteBuf out = ctx.alloc().buffer(8 + 2 + 124);
			out.writeLong(size);
			out.writeShort(TRANSMISSION_FLAGS);
			if (!this.noZeroes) {
				out.writeZero(124);
			}
			ctx.write(out);
			transmit(ctx, export, size);
		});
	}

	/**
	 * {@code NBD_OPT_INFO} and {@code NBD_OPT_GO}: name length, name, then the
	 * information types asked for. Export and block sizes are always sent.
	 */
	private void info(ChannelHandlerContext ctx, int option, byte[] data) {
		ByteBuf in = Unpooled.wrappedBuffer(data);
		long nameLength = (data.length >= 4) ? in.readUnsignedInt() : -1;
		if (nameLength < 0 || nameLength > data.length - 6) {
			reply(ctx, option, NbdProtocol.REP_ERR_INVALID, "malformed export name");
			return;
		}
		String name = in.readCharSequence((int) nameLength, StandardCharsets.UTF_8).toString();
		int requests = in.readUnsignedShort();
		if (in.readableBytes() != 2 * requests) {
			reply(ctx, option, NbdProtocol.REP_ERR_INVALID, "malformed information requests");
			return;
		}
		whenDone(ctx, this.exports.acquire(name, this.access), (export, failure) -> {
			if (failure != null) {
				int error = openError(failure);
				// under TLS a volume of another user is refused as one that does not exist, and
				// both with the same words, so that names do not leak
				String message = (this.tlsSession != null && error == NbdProtocol.REP_ERR_UNKNOWN)
						? "export '" + name + "' does not exist" : "export '" + name + "': " + describe(failure);
				reply(ctx, option, error, message);
				return;
			}
			long size = export.size();
			ByteBuf exportInfo = ctx.alloc().buffer(12);
			exportInfo.writeShort(NbdProtocol.INFO_EXPORT);
			exportInfo.writeLong(size);
			exportInfo.writeShort(TRANSMISSION_FLAGS);
			reply(ctx, option, NbdProtocol.REP_INFO, exportInfo);
			ByteBuf sizes = ctx.alloc().buffer(14);
			sizes.writeShort(NbdProtocol.INFO_BLOCK_SIZE);
			sizes.writeInt(this.blockSizes.minimum());
			sizes.writeInt(this.blockSizes.preferred());
			sizes.writeInt(this.blockSizes.maximum());
			reply(ctx, option, NbdProtocol.REP_INFO, sizes);
			ack(ctx, option);
			if (option == NbdProtocol.OPT_GO) {
				transmit(ctx, export, size);
			}
			else {
				this.exports.release(export);
			}
		});
	}

	/**
	 * Under TLS, the volumes of the client's identity. Without TLS listing is not offered:
	 * it would show every volume to anyone who connects. A client names the volume path it
	 * was given ({@code nbd://host:port/dir/volume}).
	 */
	private void list(ChannelHandlerContext ctx, byte[] data) {
		if (this.tlsSession == null) {
			reply(ctx, NbdProtocol.OPT_LIST, NbdProtocol.REP_ERR_POLICY,
					"listing exports is offered under TLS only; name the volume path (nbd://host:port/dir/volume)");
			return;
		}
		if (data.length != 0) {
			reply(ctx, NbdProtocol.OPT_LIST, NbdProtocol.REP_ERR_INVALID, "NBD_OPT_LIST carries no data");
			return;
		}
		whenDone(ctx, this.exports.list(this.access), (paths, failure) -> {
			if (failure != null) {
				reply(ctx, NbdProtocol.OPT_LIST, NbdProtocol.REP_ERR_POLICY, "cannot list volumes: " + describe(failure));
				return;
			}
			for (String path : paths) {
				byte[] name = path.getBytes(StandardCharsets.UTF_8);
				ByteBuf server = ctx.alloc().buffer(4 + name.length);
				server.writeInt(name.length);
				server.writeBytes(name);
				reply(ctx, NbdProtocol.OPT_LIST, NbdProtocol.REP_SERVER, server);
			}
			ack(ctx, NbdProtocol.OPT_LIST);
		});
	}

	/**
	 * Runs {@code then} on the event loop once {@code future} completes, with reading
	 * paused until then. If the connection went away meanwhile, an export it opened is
	 * released.
	 */
	private <T> void whenDone(ChannelHandlerContext ctx, CompletableFuture<T> future, BiConsumer<T, Throwable> then) {
		this.busy = true;
		ctx.channel().config().setAutoRead(false);
		future.whenComplete((value, failure) -> ctx.executor().execute(() -> {
			this.busy = false;
			if (!ctx.channel().isActive()) {
				if (value instanceof Export export) {
					this.exports.release(export);
				}
				return;
			}
			ctx.channel().config().setAutoRead(true);
			then.accept(value, (failure instanceof CompletionException) ? failure.getCause() : failure);
			if (!this.done) {
				ctx.flush();
				drain(ctx);
			}
		}));
	}

	/** Switches the connection to the transmission phase, passing on bytes the client already sent. */
	private void transmit(ChannelHandlerContext ctx, Export export, long size) {
		this.done = true;
		ChannelPipeline pipeline = ctx.pipeline();
		pipeline.addAfter(ctx.name(), "nbd-requests", new NbdRequestDecoder(this.blockSizes.maximum()));
		pipeline.addAfter("nbd-requests", "nbd-transmission",
				new NbdTransmissionHandler(this.exports, export, size, this.structured, this.blockSizes.maximum(),
						this.memory));
		ctx.flush();
		ByteBuf rest = this.buffer.readableBytes() > 0 ? this.buffer.readBytes(this.buffer.readableBytes()) : null;
		if (pipeline.get(TIMEOUT) != null) {
			pipeline.remove(TIMEOUT);
		}
		pipeline.remove(this);
		if (rest != null) {
			pipeline.context("nbd-requests").fireChannelRead(rest);
		}
		log.debug("{} attached {} as {} ({} bytes, {} replies)", ctx.channel().remoteAddress(), export.name(),
				this.access, size, this.structured ? "structured" : "simple");
	}

	private ChannelFuture ack(ChannelHandlerContext ctx, int option) {
		return reply(ctx, option, NbdProtocol.REP_ACK, Unpooled.EMPTY_BUFFER);
	}

	/** An error reply, with a message for the client's user. */
	private ChannelFuture reply(ChannelHandlerContext ctx, int option, int error, String message) {
		return reply(ctx, option, error, Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8)));
	}

	private ChannelFuture reply(ChannelHandlerContext ctx, int option, int type, ByteBuf payload) {
		ByteBuf header = ctx.alloc().buffer(20);
		header.writeLong(NbdProtocol.OPTION_REPLY_MAGIC);
		header.writeInt(option);
		header.writeInt(type);
		header.writeInt(payload.readableBytes());
		ChannelFuture written = ctx.write(header);
		return payload.isReadable() ? ctx.write(payload) : written;
	}

	private void fail(ChannelHandlerContext ctx, String why) {
		log.info("closing connection {} during the handshake: {}", ctx.channel().remoteAddress(), why);
		ctx.close();
	}

	/** As the command line prints errors: {@code CODE: detail}. */
	private static String describe(Throwable failure) {
		return (failure instanceof CurveException curve) ? curve.code() + ": " + curve.getMessage()
				: String.valueOf(failure);
	}

	private static int openError(Throwable failure) {
		if (failure instanceof CurveException curve) {
			return switch (curve.code()) {
				case VOLUME_NOT_FOUND, DIRECTORY_NOT_FOUND, NOT_A_VOLUME, NOT_A_DIRECTORY, INVALID_PATH ->
					NbdProtocol.REP_ERR_UNKNOWN;
				default -> NbdProtocol.REP_ERR_POLICY;
			};
		}
		return NbdProtocol.REP_ERR_POLICY;
	}

	/** The sizes told to clients with {@code NBD_INFO_BLOCK_SIZE}; {@code maximum} is also the largest accepted payload. */
	record BlockSizes(int minimum, int preferred, int maximum) {

	}

}
