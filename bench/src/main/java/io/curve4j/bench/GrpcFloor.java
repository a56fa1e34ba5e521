package io.curve4j.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.metacache.ChannelPool;

/**
 * The gRPC floor: unary calls over loopback to a server in this process that does nothing
 * else. Reads answer the load's size to a small request, writes send it and get a small
 * answer. The client channel is the SDK's; the server runs calls on its transport threads.
 */
public final class GrpcFloor {

	private static final int SMALL = 16;

	private GrpcFloor() {
	}

	/** Runs the load and reports it; true when every call succeeded. */
	public static boolean run(LoadSpec load, boolean reads, PrintWriter out) throws IOException, InterruptedException {
		byte[] payload = new byte[load.length()];
		ThreadLocalRandom.current().nextBytes(payload);
		byte[] small = new byte[SMALL];
		MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName("curve.floor.Floor/Call")
			.setRequestMarshaller(RawBytes.INSTANCE)
			.setResponseMarshaller(RawBytes.INSTANCE)
			.build();
		ServerServiceDefinition service = ServerServiceDefinition.builder("curve.floor.Floor")
			.addMethod(method, ServerCalls.asyncUnaryCall((request, response) -> {
				response.onNext(reads ? payload : small);
				response.onCompleted();
			}))
			.build();
		Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
			.maxInboundMessageSize(payload.length + SMALL)
			.directExecutor()
			.addService(service)
			.build()
			.start();
		ManagedChannel channel = ChannelPool.plaintext(payload.length + SMALL).apply("127.0.0.1:" + server.getPort());
		try {
			out.printf(Locale.ROOT, "floor grpc: %s bs=%s iodepth=%d for %d s%n", reads ? "read" : "write",
					Sizes.format(load.blockSize()), load.ioDepth(), load.seconds());
			out.flush();
			byte[] request = reads ? small : payload;
			LoadRun run = new LoadRun(load);
			boolean clean = run.execute(() -> {
				try {
					ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, request);
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
