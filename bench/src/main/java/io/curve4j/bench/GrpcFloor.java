package io.curve4j.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.common.auth.ClusterCredential;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.common.v1.ChunkCapability;
import io.curve4j.sdk.metacache.ChannelPool;

/**
 * The gRPC floor: unary calls over loopback to a server in this process that does nothing
 * else. Reads answer the load's size to a small request, writes send it and get a small
 * answer. The client channel is the SDK's; the server runs calls on its transport threads.
 * With credentials, each call also does what the cluster's credentials cost a data-path
 * call at most: the request carries a chunk capability the server parses and checks, and
 * the call is signed with a cluster credential the server checks (a chunk call carries
 * the first; each Raft call, which may carry many writes, the second), so the difference
 * between the two runs is their cost per call.
 */
public final class GrpcFloor {

	private static final int SMALL = 16;

	private GrpcFloor() {
	}

	/** Runs the load and reports it; true when every call succeeded. */
	public static boolean run(LoadSpec load, boolean reads, boolean credentials, PrintWriter out)
			throws IOException, InterruptedException {
		byte[] payload = new byte[load.length()];
		ThreadLocalRandom.current().nextBytes(payload);
		byte[] small = new byte[SMALL];
		String secret = UUID.randomUUID().toString();
		ChunkCapabilities capabilities = ChunkCapabilities.fromSecret(secret);
		ClusterCredential credential = ClusterCredential.fromSecret(secret);
		int right = reads ? ChunkCapabilities.READ : ChunkCapabilities.WRITE;
		byte[] capability = capabilities
			.issue(1, 0, 1, ChunkCapabilities.READ | ChunkCapabilities.WRITE, System.currentTimeMillis() + 3_600_000)
			.toByteArray();
		MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName("curve.floor.Floor/Call")
			.setRequestMarshaller(RawBytes.INSTANCE)
			.setResponseMarshaller(RawBytes.INSTANCE)
			.build();
		ServerServiceDefinition service = ServerServiceDefinition.builder("curve.floor.Floor")
			.addMethod(method, ServerCalls.asyncUnaryCall((request, response) -> {
				if (credentials) {
					capabilities.check(capabilityOf(request), 0, right, System.currentTimeMillis());
				}
				response.onNext(reads ? payload : small);
				response.onCompleted();
			}))
			.build();
		Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
			.maxInboundMessageSize(payload.length + SMALL + capability.length + 4)
			.directExecutor()
			.addService(credentials ? ServerInterceptors.intercept(service, credential.guard((name) -> true)) : service)
			.build()
			.start();
		ManagedChannel channel = ChannelPool.plaintext(payload.length + SMALL + capability.length + 4)
			.apply("127.0.0.1:" + server.getPort());
		Channel calls = credentials ? ClientInterceptors.intercept(channel, credential.interceptor()) : channel;
		try {
			out.printf(Locale.ROOT, "floor grpc: %s bs=%s iodepth=%d for %d s%s%n", reads ? "read" : "write",
					Sizes.format(load.blockSize()), load.ioDepth(), load.seconds(),
					credentials ? ", with credentials (a chunk capability and a cluster credential checked per call)" : "");
			out.flush();
			byte[] body = reads ? small : payload;
			byte[] request = credentials ? withCapability(capability, body) : body;
			LoadRun run = new LoadRun(load);
			boolean clean = run.execute(() -> {
				try {
					ClientCalls.blockingUnaryCall(calls, method, CallOptions.DEFAULT, request);
				}
				catch (StatusRuntimeException ex) {
					throw new CurveException(ErrorCode.INTERNAL, "call failed: " + ex.getStatus());
				}
			});
			run.report(out);
			return clean;
		}
		finally {
			channel.shutdownNow();
			server.shutdownNow();
		}
	}

	/** The capability, its length first, then the body: what a chunk request carries. */
	private static byte[] withCapability(byte[] capability, byte[] body) {
		return ByteBuffer.allocate(4 + capability.length + body.length).putInt(capability.length).put(capability)
			.put(body)
			.array();
	}

	private static ChunkCapability capabilityOf(byte[] request) {
		ByteBuffer buffer = ByteBuffer.wrap(request);
		int length = buffer.getInt();
		try {
			return ChunkCapability.parseFrom(ByteBuffer.wrap(request, 4, length));
		}
		catch (InvalidProtocolBufferException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "not a capability: " + ex.getMessage());
		}
	}

	/** Messages as they are: the floor measures the call, not protobuf. */
	private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {

		INSTANCE;

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
