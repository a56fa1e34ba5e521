package io.curve4j.sdk.nbd;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.nbd.NbdTestClient.Go;
import io.curve4j.sdk.nbd.NbdTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The server over loopback with in-memory devices that complete out of order: the
 * handshake, many requests in flight, flush, zeroes, and bad input that must cost a
 * client its request or its own connection, never the server.
 */
class NbdServerTest {

	private static final int SIZE = (int) (64 * Sizes.MIB);

	private final MemoryDevice disk = new MemoryDevice(SIZE);

	private final AtomicInteger opens = new AtomicInteger();

	private final AtomicInteger closes = new AtomicInteger();

	private NbdServer server;

	private int port;

	@BeforeEach
	void start() {
		Exports exports = new Exports((path) -> {
			if (!path.equals("/vm/disk")) {
				throw new CurveException(ErrorCode.VOLUME_NOT_FOUND, "volume " + path + " does not exist");
			}
			this.opens.incrementAndGet();
			return new BlockDevice() {

				@Override
				public long size() {
					return NbdServerTest.this.disk.size();
				}

				@Override
				public String owner() {
					return NbdServerTest.this.disk.owner();
				}

				@Override
				public java.util.concurrent.CompletableFuture<byte[]> read(long offset, int length) {
					return NbdServerTest.this.disk.read(offset, length);
				}

				@Override
				public java.util.concurrent.CompletableFuture<Void> write(long offset, byte[] data) {
					return NbdServerTest.this.disk.write(offset, data);
				}

				@Override
				public int discardUnit() {
					return NbdServerTest.this.disk.discardUnit();
				}

				@Override
				public java.util.concurrent.CompletableFuture<Void> discard(long offset, long length) {
					return NbdServerTest.this.disk.discard(offset, length);
				}

				@Override
				public void close() {
					NbdServerTest.this.closes.incrementAndGet();
				}

			};
		}, List::of);
		this.server = NbdServer.start(exports, "127.0.0.1", 0);
		this.port = this.server.address().getPort();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void goTellsSizeFlagsAndBlockSizes() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			Go info = client.infoOrGo(NbdProtocol.OPT_INFO, "vm/disk");
			assertThat(info.ok()).isTrue();
			assertThat(info.size()).isEqualTo(SIZE);
			Go go = client.go("/vm/disk");
			assertThat(go.ok()).isTrue();
			assertThat(go.flags()).isEqualTo(NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH
					| NbdProtocol.FLAG_SEND_FUA | NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES
					| NbdProtocol.FLAG_CAN_MULTI_CONN);
			assertThat(List.of(go.minimum(), go.preferred(), go.maximum())).containsExactly(512, 4096, 32 << 20);
		}
		// NBD_OPT_INFO released its export; the connection closing released the other
		await().atMost(Duration.ofSeconds(5)).until(() -> this.closes.get() == this.opens.get());
	}

	@Test
	void unknownExportIsRefusedAndNegotiationGoesOn() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			Go unknown = client.go("vm/nothing");
			assertThat(unknown.reply()).isEqualTo(NbdProtocol.REP_ERR_UNKNOWN);
			assertThat(unknown.message()).contains("VOLUME_NOT_FOUND", "/vm/nothing");
			// listing would show every volume to anyone who connects
			client.option(NbdProtocol.OPT_LIST, new byte[0]);
			int[] list = client.optionReply(NbdProtocol.OPT_LIST);
			assertThat(list[0]).isEqualTo(NbdProtocol.REP_ERR_POLICY);
			client.in().skipNBytes(list[1]);
			client.option(99, new byte[3]);
			int[] unsupported = client.optionReply(99);
			assertThat(unsupported[0]).isEqualTo(NbdProtocol.REP_ERR_UNSUP);
			client.in().skipNBytes(unsupported[1]);
			assertThat(client.go("vm/disk").ok()).isTrue();
			assertRoundTrip(client, false, 0);
		}
	}

	@Test
	void startTlsIsRefusedByAServerWithoutTls() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			client.option(NbdProtocol.OPT_STARTTLS, new byte[0]);
			int[] reply = client.optionReply(NbdProtocol.OPT_STARTTLS);
			assertThat(reply[0]).isEqualTo(NbdProtocol.REP_ERR_POLICY);
			client.in().skipNBytes(reply[1]);
			assertThat(client.go("vm/disk").ok()).isTrue();
			assertRoundTrip(client, false, 0);
		}
	}

	@Test
	void aServerWithoutTlsListensOnlyOnLoopback() {
		assertThatThrownBy(() -> NbdServer.start(new Exports(path -> {
			throw new AssertionError("nothing is opened");
		}, List::of), "0.0.0.0", 0)).isInstanceOfSatisfying(CurveException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
	}

	@Test
	void exportNameOptionStillWorks() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			client.option(NbdProtocol.OPT_EXPORT_NAME, "vm/disk".getBytes());
			assertThat(client.in().readLong()).isEqualTo(SIZE);
			assertThat(client.in().readUnsignedShort() & NbdProtocol.FLAG_SEND_FLUSH).isNotZero();
			assertRoundTrip(client, false, 4096);
		}
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			client.option(NbdProtocol.OPT_EXPORT_NAME, "vm/other".getBytes());
			assertThat(client.closedByServer()).isTrue();
		}
	}

	@ParameterizedTest(name = "structured replies: {0}")
	@ValueSource(booleans = { false, true })
	void manyRequestsInFlightAreAnsweredByHandle(boolean structured) throws IOException {
		try (NbdTestClient client = NbdTestClient.attached(this.port, "vm/disk", structured)) {
			Random random = new Random(1);
			Map<Long, byte[]> blocks = new HashMap<>();
			for (long handle = 0; handle < 200; handle++) {
				byte[] data = new byte[4096 * (1 + random.nextInt(8))];
				random.nextBytes(data);
				blocks.put(handle, data);
				client.request(NbdProtocol.CMD_WRITE, (handle % 2 == 0) ? NbdProtocol.CMD_FLAG_FUA : 0, handle,
						handle * 64 * 1024, data.length, data);
			}
			client.request(NbdProtocol.CMD_FLUSH, 0, 1000, 0, 0, null);
			for (int i = 0; i < 201; i++) {
				Reply reply = structured ? client.structuredReply() : client.simpleReply(0);
				assertThat(reply.error()).isZero();
				if (reply.handle() == 1000) {
					// the flush waited for every write in flight when it came
					for (long handle = 0; handle < 200; handle++) {
						assertThat(this.disk.snapshot((int) handle * 64 * 1024, blocks.get(handle).length))
							.isEqualTo(blocks.get(handle));
					}
				}
			}
			for (long handle = 0; handle < 200; handle++) {
				client.request(NbdProtocol.CMD_READ, 0, handle, handle * 64 * 1024, blocks.get(handle).length, null);
			}
			boolean outOfOrder = false;
			for (int i = 0; i < 200; i++) {
				// a simple read reply's length is only known from its handle: read the header first
				Reply reply = structured ? client.structuredReply() : client.simpleReplyFor(blocks);
				assertThat(reply.data()).as("read %d", reply.handle()).isEqualTo(blocks.get(reply.handle()));
				outOfOrder |= reply.handle() != i;
			}
			assertThat(outOfOrder).as("replies come back in completion order").isTrue();
		}
	}

	@ParameterizedTest(name = "structured replies: {0}")
	@ValueSource(booleans = { false, true })
	void badRequestsGetTheirErrorAndTheConnectionGoesOn(boolean structured) throws IOException {
		try (NbdTestClient client = NbdTestClient.attached(this.port, "vm/disk", structured)) {
			assertError(client, structured, NbdProtocol.CMD_READ, 1, 100, 512, null, NbdProtocol.EINVAL);
			assertError(client, structured, NbdProtocol.CMD_READ, 2, 0, 1000, null, NbdProtocol.EINVAL);
			assertError(client, structured, NbdProtocol.CMD_READ, 3, SIZE - 512, 1024, null, NbdProtocol.EINVAL);
			assertError(client, structured, NbdProtocol.CMD_READ, 4, Long.MIN_VALUE, 512, null, NbdProtocol.EINVAL);
			assertError(client, structured, NbdProtocol.CMD_WRITE, 5, SIZE, 4096, new byte[4096],
					NbdProtocol.ENOSPC);
			assertError(client, structured, NbdProtocol.CMD_WRITE_ZEROES, 6, SIZE - 4096, 8192, null,
					NbdProtocol.ENOSPC);
			assertError(client, structured, NbdProtocol.CMD_TRIM, 7, SIZE, 512, null, NbdProtocol.EINVAL);
			assertError(client, structured, NbdProtocol.CMD_READ, 8, 0, 64 << 20, null, NbdProtocol.EINVAL);
			assertError(client, structured, 7, 9, 0, 512, null, NbdProtocol.EINVAL);
			assertRoundTrip(client, structured, SIZE - 4096);
		}
	}

	@Test
	void writeZeroesAndTrimFreeWholeChunksAndZeroTheRest() throws IOException {
		try (NbdTestClient client = NbdTestClient.attached(this.port, "vm/disk", false)) {
			byte[] ones = new byte[(int) (3 * Sizes.MIB)];
			java.util.Arrays.fill(ones, (byte) 1);
			client.request(NbdProtocol.CMD_WRITE, 0, 1, 0, ones.length, ones);
			assertThat(client.simpleReply(0).error()).isZero();
			// from the middle of the first MiB past the end of the third: pieces of 1 MiB and a short one
			client.request(NbdProtocol.CMD_WRITE_ZEROES, 0, 2, 512 * 1024, 2 * Sizes.MIB + 4096, null);
			assertThat(client.simpleReply(0).error()).isZero();
			byte[] after = this.disk.snapshot(0, ones.length);
			for (int i = 0; i < after.length; i++) {
				boolean zeroed = i >= 512 * 1024 && i < 512 * 1024 + 2 * Sizes.MIB + 4096;
				assertThat(after[i]).as("byte %d", i).isEqualTo(zeroed ? (byte) 0 : (byte) 1);
			}
			// only the whole unit inside was discarded; the partial ones were written with zeros
			assertThat(this.disk.discards).containsExactly(new long[] { Sizes.MIB, Sizes.MIB });

			// NO_HOLE: everything is written, nothing discarded
			client.request(NbdProtocol.CMD_WRITE, 0, 3, 0, ones.length, ones);
			assertThat(client.simpleReply(0).error()).isZero();
			client.request(NbdProtocol.CMD_WRITE_ZEROES, NbdProtocol.CMD_FLAG_NO_HOLE, 4, 0, 2 * Sizes.MIB, null);
			assertThat(client.simpleReply(0).error()).isZero();
			assertThat(this.disk.discards).hasSize(1);
			assertThat(this.disk.snapshot(0, (int) (2 * Sizes.MIB))).containsOnly(0);

			// trim frees the whole units in its range and leaves the partial ones as they are
			client.request(NbdProtocol.CMD_WRITE, 0, 5, 0, ones.length, ones);
			assertThat(client.simpleReply(0).error()).isZero();
			client.request(NbdProtocol.CMD_TRIM, 0, 6, 512 * 1024, 2 * Sizes.MIB, null);
			assertThat(client.simpleReply(0).error()).isZero();
			assertThat(this.disk.discards).hasSize(2);
			assertThat(this.disk.discards.get(1)).containsExactly(Sizes.MIB, Sizes.MIB);
			byte[] trimmed = this.disk.snapshot(0, ones.length);
			for (int i = 0; i < trimmed.length; i++) {
				boolean zeroed = i >= Sizes.MIB && i < 2 * Sizes.MIB;
				assertThat(trimmed[i]).as("byte %d", i).isEqualTo(zeroed ? (byte) 0 : (byte) 1);
			}
			// a trim inside one unit changes nothing
			client.request(NbdProtocol.CMD_TRIM, 0, 7, 0, 4096, null);
			assertThat(client.simpleReply(0).error()).isZero();
			assertThat(this.disk.discards).hasSize(2);
		}
	}

	@Test
	void garbageOrAnOversizedWriteClosesOnlyThatConnection() throws IOException {
		try (NbdTestClient good = NbdTestClient.attached(this.port, "vm/disk", true);
				NbdTestClient garbage = NbdTestClient.attached(this.port, "vm/disk", true);
				NbdTestClient huge = NbdTestClient.attached(this.port, "vm/disk", false);
				NbdTestClient badOption = new NbdTestClient(this.port)) {
			garbage.raw("GET /".getBytes());
			assertThat(garbage.closedByServer()).isTrue();
			huge.request(NbdProtocol.CMD_WRITE, 0, 1, 0, 64 << 20, null);
			assertThat(huge.closedByServer()).isTrue();
			badOption.raw(new byte[] { 'I', 'H', 'A', 'V', 'E', 'O', 'P', 'T', 0, 0, 0, 7, 0x7f, 0, 0, 0 });
			assertThat(badOption.closedByServer()).isTrue();
			assertRoundTrip(good, true, 8192);
		}
	}

	@Test
	void aClientVanishingMidRequestReleasesItsExportAndOthersGoOn() throws IOException {
		try (NbdTestClient good = NbdTestClient.attached(this.port, "vm/disk", false)) {
			NbdTestClient vanishing = NbdTestClient.attached(this.port, "vm/disk", false);
			assertThat(this.opens.get()).as("one open volume for both connections").isEqualTo(1);
			// a write header and half its payload, then a reset
			vanishing.request(NbdProtocol.CMD_WRITE, 0, 1, 0, 8192, null);
			vanishing.raw(new byte[4096]);
			vanishing.abort();
			assertRoundTrip(good, false, 0);
			assertThat(this.closes.get()).as("the volume stays open for the other connection").isZero();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.closes.get() == 1);
	}

	@Test
	void disconnectAnswersWhatIsOutstandingThenCloses() throws IOException {
		try (NbdTestClient client = NbdTestClient.attached(this.port, "vm/disk", false)) {
			for (long handle = 0; handle < 20; handle++) {
				client.request(NbdProtocol.CMD_WRITE, 0, handle, handle * 4096, 4096, new byte[4096]);
			}
			client.request(NbdProtocol.CMD_DISC, 0, 99, 0, 0, null);
			for (int i = 0; i < 20; i++) {
				assertThat(client.simpleReply(0).error()).isZero();
			}
			assertThat(client.closedByServer()).isTrue();
		}
	}

	private static void assertError(NbdTestClient client, boolean structured, int type, long handle, long offset,
			long length, byte[] payload, int error) throws IOException {
		client.request(type, 0, handle, offset, length, payload);
		Reply reply = structured ? client.structuredReply() : client.simpleReply(0);
		assertThat(reply.handle()).isEqualTo(handle);
		assertThat(reply.error()).as("error of request %d", handle).isEqualTo(error);
	}

	private static void assertRoundTrip(NbdTestClient client, boolean structured, long offset) throws IOException {
		byte[] data = NbdCodecTest.pattern(4096);
		client.request(NbdProtocol.CMD_WRITE, 0, 500, offset, data.length, data);
		assertThat((structured ? client.structuredReply() : client.simpleReply(0)).error()).isZero();
		client.request(NbdProtocol.CMD_READ, 0, 501, offset, data.length, null);
		Reply read = structured ? client.structuredReply() : client.simpleReply(data.length);
		assertThat(read.handle()).isEqualTo(501);
		assertThat(read.data()).isEqualTo(data);
	}

}
