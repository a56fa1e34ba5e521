package io.curve4j.common.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Members from a source that changes (a service registry): asked again at a failover, and none is an error. */
class MdsLeaderHttpMembersTest {

	private HttpServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	@Test
	void aMemberThatCannotBeReachedMakesItAskTheSourceAgain() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", exchange -> {
			byte[] body = "up".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
		String up = "127.0.0.1:" + this.server.getAddress().getPort();
		// port 1 on loopback: nothing listens, the connection is refused
		AtomicReference<List<String>> registry = new AtomicReference<>(List.of("127.0.0.1:1"));
		AtomicInteger asked = new AtomicInteger();
		MdsLeaderHttp mds = new MdsLeaderHttp(() -> {
			asked.incrementAndGet();
			return registry.get();
		}, Duration.ofSeconds(2));
		assertThat(mds.members()).isEmpty();

		assertThatThrownBy(() -> mds.send("GET", "/x", this::get)).isInstanceOf(CurveException.class)
			.hasMessageContaining("none of [127.0.0.1:1] can be reached");
		registry.set(List.of("127.0.0.1:1", up));

		assertThat(new String(mds.send("GET", "/x", this::get).body(), StandardCharsets.UTF_8)).isEqualTo("up");
		assertThat(mds.members()).containsExactly("127.0.0.1:1", up);
		int before = asked.get();
		mds.send("GET", "/x", this::get);
		assertThat(asked.get()).as("a call that reaches the leader does not ask the source").isEqualTo(before);
	}

	@Test
	void aSourceThatFindsNoMemberFailsTheCall() {
		MdsLeaderHttp mds = new MdsLeaderHttp(List::of, Duration.ofSeconds(2));

		assertThatThrownBy(() -> mds.send("GET", "/x", this::get)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE))
			.hasMessageContaining("no MDS member is known");
	}

	private HttpRequest get(URI uri) {
		return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
	}

}
