package io.curve4j.mds;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.auth.SigningKey;
import io.curve4j.mds.raft.MdsRaft;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

/**
 * One MDS process in the test JVM: the real application on its own data directory,
 * HTTP and gRPC on the given ports (0: random), with a plain HTTP client that does not
 * follow redirects and a gRPC channel.
 */
public final class MdsNode implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	/** An HTTP answer. */
	record Response(int status, String contentType, String location, JsonNode body) {

		String code() {
			return this.body.path("code").asString();
		}

	}

	private final ConfigurableApplicationContext context;

	private final int grpcPort;

	private final int httpPort;

	private final ManagedChannel channel;

	private MdsNode(ConfigurableApplicationContext context, int grpcPort) {
		this.context = context;
		this.grpcPort = grpcPort;
		this.httpPort = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
	}

	static MdsNode start(Path dataDir, int raftPort, int grpcPort, int httpPort, String... extraArgs) {
		List<String> args = new ArrayList<>(List.of("--server.port=" + httpPort, "--server.address=127.0.0.1",
				"--spring.grpc.server.port=" + grpcPort, "--spring.grpc.server.host=127.0.0.1",
				"--curve.mds.data-dir=" + dataDir, "--curve.mds.raft-address=127.0.0.1:" + raftPort,
				"--curve.mds.chunkserver-offline-timeout=2s", "--spring.main.banner-mode=off"));
		args.addAll(List.of(extraArgs));
		AtomicInteger boundGrpc = new AtomicInteger();
		SpringApplication app = MdsApplication.application();
		app.addListeners((ApplicationListener<GrpcServerStartedEvent>) e -> boundGrpc.set(e.getPort()));
		ConfigurableApplicationContext context = app.run(args.toArray(String[]::new));
		return new MdsNode(context, boundGrpc.get());
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	public boolean isLeader() {
		return bean(MdsRaft.class).isLeader();
	}

	public ManagedChannel channel() {
		return this.channel;
	}

	public int httpPort() {
		return this.httpPort;
	}

	public int grpcPort() {
		return this.grpcPort;
	}

	Response get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	Response post(String path, String contentType, String body) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	Response postJson(String path, Object body) {
		return post(path, "application/json", JSON.writeValueAsString(body));
	}

	String text(String path) {
		try {
			return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	Response delete(String path) {
		return send(HttpRequest.newBuilder(uri(path)).DELETE());
	}

	/** A body sent as it is, not serialized: for malformed JSON. */
	record RawJson(String text) {
	}

	/**
	 * A request signed as {@code key}'s user, with a JSON body unless {@code json} is null
	 * ({@link RawJson}: those characters).
	 */
	Response send(SigningKey key, String method, String path, Object json) {
		byte[] body = json == null ? new byte[0]
				: json instanceof RawJson raw ? raw.text().getBytes(StandardCharsets.UTF_8)
						: JSON.writeValueAsBytes(json);
		URI uri = uri(path);
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		key.sign(method, uri.getRawPath(), uri.getRawQuery(), body).forEach(request::header);
		return send(request);
	}

	/**
	 * A unary gRPC call signed as {@code key}'s user (unsigned when key is null); the
	 * signature covers the serialized request, as the SDK's signer makes it.
	 */
	public <Q extends Message, R> R call(SigningKey key, MethodDescriptor<Q, R> method, Q request) {
		Metadata headers = new Metadata();
		if (key != null) {
			key.sign(RequestSignature.GRPC_METHOD, method.getFullMethodName(), "", request.toByteArray())
				.forEach((name, value) -> headers.put(
						Metadata.Key.of(name.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER), value));
		}
		return ClientCalls.blockingUnaryCall(
				ClientInterceptors.intercept(this.channel, MetadataUtils.newAttachHeadersInterceptor(headers)), method,
				CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), request);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.httpPort + path);
	}

	private static Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(20)).build(),
					HttpResponse.BodyHandlers.ofString());
			JsonNode body = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
			return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
					r.headers().firstValue("Location").orElse(null), body);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.channel.shutdownNow();
		try {
			this.channel.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.context.close();
	}

}
