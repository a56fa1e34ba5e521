package io.curve4j.sdk.nbd;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.nbd.NbdHandshakeHandler.BlockSizes;

/**
 * An NBD server exporting the volumes of one cluster by path, on Netty. Start it with
 * {@link #start(CurveClient, String, int)} (loopback only, no TLS) or
 * {@link #start(CurveClient, String, int, NbdPskKeys)} (TLS with pre-shared keys
 * required of every client, any address); {@link #close()} stops listening, closes every
 * connection and every opened volume (the client stays the caller's).
 */
public final class NbdServer implements AutoCloseable {

	/** Seconds a connection may stay silent before it has chosen an export. */
	static final int HANDSHAKE_TIMEOUT_SECONDS = 30;

	private static final Logger log = LoggerFactory.getLogger(NbdServer.class);

	/** The port IANA assigned to NBD. */
	public static final int DEFAULT_PORT = 10809;

	/**
	 * Sector alignment, page-sized preferred I/O (smaller writes are read-modify-write in
	 * the chunk files), and qemu-nbd's 32 MiB maximum, which is also the largest write
	 * accepted: the kernel client does not ask for block sizes, and the SDK splits and
	 * parallelises large requests itself.
	 */
	static final BlockSizes BLOCK_SIZES = new BlockSizes(Sizes.SECTOR_SIZE, Sizes.PAGE_SIZE, (int) (32 * Sizes.MIB));

	/** Replies queued beyond this pause reading from that client until it drains them. */
	private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark((int) (4 * Sizes.MIB),
			(int) (16 * Sizes.MIB));

	private final Exports exports;

	private final EventLoopGroup acceptor;

	private final EventLoopGroup workers;

	private final ChannelGroup connections = new DefaultChannelGroup("nbd", GlobalEventExecutor.INSTANCE);

	private final Channel listener;

	private final AtomicBoolean closed = new AtomicBoolean();

	private NbdServer(Exports exports, String bind, int port, NbdMemory memory, NbdTls tls) {
		if (tls == null) {
			requireLoopback(bind);
		}
		this.exports = exports;
		this.acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		this.workers = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
				NioIoHandler.newFactory());
		try {
			this.listener = new ServerBootstrap().group(this.acceptor, this.workers)
				.channel(NioServerSocketChannel.class)
				.option(ChannelOption.SO_REUSEADDR, true)
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childOption(ChannelOption.SO_KEEPALIVE, true)
				.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
				.childHandler(new ChannelInitializer<SocketChannel>() {

					@Override
					protected void initChannel(SocketChannel channel) {
						if (NbdServer.this.connections.size() >= memory.maxConnections()) {
							log.warn("refusing NBD connection from {}: {} connections are open", channel.remoteAddress(),
									memory.maxConnections());
							channel.close();
							return;
						}
						NbdServer.this.connections.add(channel);
						// a client that connects and says nothing does not hold its connection: the
						// handshake removes this once the export is chosen (an attached client may idle)
						channel.pipeline()
							.addLast(NbdHandshakeHandler.TIMEOUT, new ReadTimeoutHandler(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS))
							.addLast("nbd-handshake", new NbdHandshakeHandler(exports, BLOCK_SIZES, memory, tls));
					}

				})
				.bind(new InetSocketAddress(bind, port))
				.syncUninterruptibly()
				.channel();
		}
		catch (RuntimeException ex) {
			shutdownLoops();
			throw new CurveException(ErrorCode.UNAVAILABLE,
					"cannot listen on " + bind + ":" + port + ": " + ex.getMessage(), ex);
		}
		log.info("NBD server listening on {}{}", this.listener.localAddress(),
				(tls == null) ? "" : ", TLS with pre-shared keys required");
	}

	/**
	 * NBD without TLS has no way to tell who connects, and this server opens volumes as its
	 * own user: it serves only this host, whose users are trusted like that user.
	 */
	private static void requireLoopback(String bind) {
		boolean loopback;
		try {
			loopback = InetAddress.getByName(bind).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "cannot resolve the NBD bind address " + bind);
		}
		if (!loopback) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "without TLS the NBD server listens only on a "
					+ "loopback address (anyone who reached " + bind + " would use every volume as its user): "
					+ "give it pre-shared keys (curve nbd serve --tls-psk-file), or run one on each host that "
					+ "attaches volumes");
		}
	}

	/**
	 * Listens on the loopback address {@code bind} at {@code port} (0 picks a free one)
	 * and exports the volumes of {@code client}, without TLS.
	 */
	public static NbdServer start(CurveClient client, String bind, int port) {
		return start(Exports.of(client), bind, port);
	}

	/**
	 * Listens on {@code bind:port} (any address; port 0 picks a free one) and exports the
	 * volumes of {@code client} to TLS clients only: a client holding the key of user U
	 * sees and opens the volumes U owns ({@code root}: all of them).
	 */
	public static NbdServer start(CurveClient client, String bind, int port, NbdPskKeys keys) {
		return start(Exports.of(client), bind, port, defaultMemory(), keys);
	}

	static NbdServer start(Exports exports, String bind, int port) {
		return start(exports, bind, port, defaultMemory());
	}

	/** @param memory what all its connections may hold at once */
	static NbdServer start(Exports exports, String bind, int port, NbdMemory memory) {
		return new NbdServer(exports, bind, port, memory, null);
	}

	/** @param memory what all its connections may hold at once */
	static NbdServer start(Exports exports, String bind, int port, NbdMemory memory, NbdPskKeys keys) {
		return new NbdServer(exports, bind, port, memory, new NbdTls(keys));
	}

	private static NbdMemory defaultMemory() {
		return new NbdMemory(NbdMemory.DEFAULT_BYTES, NbdMemory.DEFAULT_CONNECTIONS);
	}

	public InetSocketAddress address() {
		return (InetSocketAddress) this.listener.localAddress();
	}

	/** Blocks until the server is closed. */
	public void awaitClose() throws InterruptedException {
		this.listener.closeFuture().sync();
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.listener.close().syncUninterruptibly();
		this.connections.close().awaitUninterruptibly();
		this.exports.close();
		shutdownLoops();
	}

	private void shutdownLoops() {
		this.acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
		this.workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
	}

}
