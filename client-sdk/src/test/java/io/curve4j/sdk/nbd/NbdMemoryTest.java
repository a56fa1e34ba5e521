package io.curve4j.sdk.nbd;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.curve4j.common.size.Sizes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What all the connections of a server may hold at once: past its byte budget no
 * connection reads another request until one completes somewhere, and a connection past
 * the cap is closed as it connects.
 */
class NbdMemoryTest {

	/** Writes the device has been handed and not yet finished. */
	private final List<CompletableFuture<Void>> writes = new CopyOnWriteArrayList<>();

	private NbdServer server;

	@AfterEach
	void stop() {
		this.writes.forEach(w -> w.complete(null));
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void theByteBudgetHoldsBackTheRequestsOfEveryConnection() throws IOException {
		int port = start(new NbdMemory(Sizes.MIB, 8));
		try (NbdTestClient a = NbdTestClient.attached(port, "disk", false);
				NbdTestClient b = NbdTestClient.attached(port, "disk", false)) {
			byte[] half = new byte[512 * 1024];
			a.request(NbdProtocol.CMD_WRITE, 0, 1, 0, half.length, half);
			a.request(NbdProtocol.CMD_WRITE, 0, 2, half.length, half.length, half);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.writes.size() == 2);
			// the budget is spent: what b had sent before it saw so is served, then b reads no more
			byte[] page = new byte[4096];
			b.request(NbdProtocol.CMD_WRITE, 0, 3, 2 * Sizes.MIB, page.length, page);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.writes.size() == 3);
			b.request(NbdProtocol.CMD_WRITE, 0, 4, 3 * Sizes.MIB, page.length, page);
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> this.writes.size() == 3);
			this.writes.get(0).complete(null);
			this.writes.get(1).complete(null);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.writes.size() == 4);
			this.writes.forEach(w -> w.complete(null));
			assertThat(a.simpleReply(0).error()).isZero();
			assertThat(a.simpleReply(0).error()).isZero();
			assertThat(b.simpleReply(0).error()).isZero();
			assertThat(b.simpleReply(0).error()).isZero();
		}
	}

	@Test
	void aConnectionPastTheCapIsClosed() throws IOException {
		int port = start(new NbdMemory(Sizes.MIB, 2));
		NbdTestClient a = NbdTestClient.attached(port, "disk", false);
		NbdTestClient b = NbdTestClient.attached(port, "disk", false);
		try (Socket third = new Socket("127.0.0.1", port)) {
			third.setSoTimeout(5000);
			assertThat(third.getInputStream().read()).as("closed before the greeting").isEqualTo(-1);
		}
		finally {
			a.close();
			b.close();
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			NbdTestClient.attached(port, "disk", false).close();
		});
	}

	private int start(NbdMemory memory) {
		this.server = NbdServer.start(new Exports(path -> new BlockDevice() {

			@Override
			public long size() {
				return 64 * Sizes.MIB;
			}

			@Override
			public String owner() {
				return "root";
			}

			@Override
			public CompletableFuture<byte[]> read(long offset, int length) {
				return CompletableFuture.completedFuture(new byte[length]);
			}

			@Override
			public CompletableFuture<Void> write(long offset, byte[] data) {
				CompletableFuture<Void> write = new CompletableFuture<>();
				NbdMemoryTest.this.writes.add(write);
				return write;
			}

			@Override
			public void close() {
			}

		}, List::of), "127.0.0.1", 0, memory);
		return this.server.address().getPort();
	}

}
