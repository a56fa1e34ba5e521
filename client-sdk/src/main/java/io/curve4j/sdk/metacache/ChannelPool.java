package io.curve4j.sdk.metacache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/**
 * One gRPC channel per {@code host:port}, created on first use and reused by every call
 * to that address (a channel multiplexes all concurrent RPCs over one HTTP/2
 * connection, so more would only cost sockets).
 */
public final class ChannelPool implements AutoCloseable {

	private final Function<String, ManagedChannel> factory;

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	public ChannelPool(Function<String, ManagedChannel> factory) {
		this.factory = factory;
	}

	/**
	 * Plaintext channels through the transport on the class path (Netty, shaded).
	 * @param maxMessageBytes largest response accepted (a read of a whole request)
	 */
	public static Function<String, ManagedChannel> plaintext(int maxMessageBytes) {
		return (address) -> Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
			.maxInboundMessageSize(maxMessageBytes)
			.build();
	}

	public ManagedChannel channel(String address) {
		return this.channels.computeIfAbsent(address, this.factory);
	}

	@Override
	public void close() {
		this.channels.values().forEach(ManagedChannel::shutdown);
		for (ManagedChannel channel : this.channels.values()) {
			try {
				if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
					channel.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				channel.shutdownNow();
				Thread.currentThread().interrupt();
			}
		}
		this.channels.clear();
	}

}
