package io.curve4j.common.raft;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.GrpcRaftRpcFactory;
import com.alipay.sofa.jraft.rpc.impl.GrpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.SPI;
import com.google.protobuf.Message;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.util.MutableHandlerRegistry;

/**
 * jraft's gRPC transport, with its server bound to the Raft address's host instead of
 * every interface (jraft 1.3.14 binds {@code *:port}, so its Raft and admin handlers were
 * reachable from any network the machine is on; later jraft versions bind the host
 * themselves), with jraft's membership requests refused ({@link RaftAdminGuard}), and
 * with a client that signs each call with the cluster credential ({@link RaftPeerClient}).
 * Chosen over jraft's own factory by its higher SPI priority.
 */
@SPI(priority = 2)
public final class HostBoundGrpcRpcFactory extends GrpcRaftRpcFactory {

	/** The serializers jraft registers, kept here too: the parent's map is not visible outside its package. */
	private final Map<String, Message> parsers = new ConcurrentHashMap<>();

	@Override
	public void registerProtobufSerializer(String className, Object... args) {
		super.registerProtobufSerializer(className, args);
		this.parsers.put(className, (Message) args[0]);
	}

	@Override
	public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
		RpcClient client = new RaftPeerClient(this.parsers, getMarshallerRegistry());
		if (helper != null) {
			helper.config(client);
		}
		return client;
	}

	@Override
	public RpcServer createRpcServer(Endpoint endpoint, ConfigHelper<RpcServer> helper) {
		int port = endpoint.getPort();
		if (port <= 0 || port >= 0xFFFF) {
			throw new IllegalArgumentException("port out of range: " + port);
		}
		MutableHandlerRegistry handlers = new MutableHandlerRegistry();
		Server server = NettyServerBuilder.forAddress(new InetSocketAddress(endpoint.getIp(), port))
			.fallbackHandlerRegistry(handlers)
			.directExecutor()
			.maxInboundMessageSize(RaftHost.maxMessageBytes())
			.intercept(new RaftAdminGuard())
			.build();
		RpcServer rpcServer = new GrpcServer(server, handlers, this.parsers, getMarshallerRegistry());
		if (helper != null) {
			helper.config(rpcServer);
		}
		return rpcServer;
	}

}
