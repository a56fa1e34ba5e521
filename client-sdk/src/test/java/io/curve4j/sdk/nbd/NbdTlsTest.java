package io.curve4j.sdk.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.nbd.NbdTestClient.Go;
import io.curve4j.sdk.nbd.NbdTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The server in TLS-mandatory mode over loopback, with a PSK TLS client that no server
 * code is shared with (Conscrypt's client end): STARTTLS then options inside TLS, the
 * volumes an identity may see and open, and clients with the wrong key or no TLS.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class NbdTlsTest {

	private static final int SIZE = (int) (4 * Sizes.MIB);

	private static final byte[] ROOT_KEY = key(1);

	private static final byte[] ALICE_KEY = key(2);

	private static final byte[] BOB_KEY = key(3);

	private final Map<String, MemoryDevice> volumes = Map.of("/alice/disk", new MemoryDevice(SIZE, "alice"),
			"/bob/disk", new MemoryDevice(SIZE, "bob"));

	private final AtomicInteger opens = new AtomicInteger();

	@TempDir
	Path dir;

	private NbdServer server;

	private int port;

	@BeforeEach
	void start() throws IOException {
		Path keys = this.dir.resolve(NbdPskKeys.FILE_NAME);
		Files.writeString(keys, line("root", ROOT_KEY) + line("alice", ALICE_KEY) + "\n" + line("bob", BOB_KEY));
		Exports exports = new Exports((path) -> {
			MemoryDevice device = this.volumes.get(path);
			if (device == null) {
				throw new CurveException(ErrorCode.VOLUME_NOT_FOUND, "volume " + path + " does not exist");
			}
			this.opens.incrementAndGet();
			return device;
		}, () -> {
			List<Exports.Listed> listed = new ArrayList<>();
			this.volumes.forEach((path, device) -> listed.add(new Exports.Listed(path, device.owner())));
			return listed;
		});
		this.server = NbdServer.start(exports, "127.0.0.1", 0,
				new NbdMemory(NbdMemory.DEFAULT_BYTES, NbdMemory.DEFAULT_CONNECTIONS), NbdPskKeys.read(keys));
		this.port = this.server.address().getPort();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void beforeStartTlsEveryOptionButAbortIsRefused() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			assertThat(client.go("alice/disk").reply()).isEqualTo(NbdProtocol.REP_ERR_TLS_REQD);
			assertThat(client.infoOrGo(NbdProtocol.OPT_INFO, "alice/disk").reply())
				.isEqualTo(NbdProtocol.REP_ERR_TLS_REQD);
			for (int option : new int[] { NbdProtocol.OPT_LIST, NbdProtocol.OPT_STRUCTURED_REPLY, 99 }) {
				client.option(option, new byte[0]);
				int[] reply = client.optionReply(option);
				assertThat(reply[0]).as("option %d", option).isEqualTo(NbdProtocol.REP_ERR_TLS_REQD);
				client.in().skipNBytes(reply[1]);
			}
			client.option(NbdProtocol.OPT_ABORT, new byte[0]);
			assertThat(client.optionReply(NbdProtocol.OPT_ABORT)[0]).isEqualTo(NbdProtocol.REP_ACK);
			assertThat(client.closedByServer()).isTrue();
		}
		assertThat(this.opens).hasValue(0);
	}

	@Test
	void exportNameBeforeStartTlsClosesTheConnection() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			client.option(NbdProtocol.OPT_EXPORT_NAME, "alice/disk".getBytes(StandardCharsets.UTF_8));
			assertThat(client.closedByServer()).isTrue();
		}
		assertThat(this.opens).hasValue(0);
	}

	@Test
	void startTlsThenGoReadsAndWritesInsideTls() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			assertThat(client.startTls(tls("alice", ALICE_KEY))).isEqualTo(NbdProtocol.REP_ACK);
			client.option(NbdProtocol.OPT_STARTTLS, new byte[0]);
			int[] again = client.optionReply(NbdProtocol.OPT_STARTTLS);
			assertThat(again[0]).isEqualTo(NbdProtocol.REP_ERR_INVALID);
			client.in().skipNBytes(again[1]);
			Go go = client.go("alice/disk");
			assertThat(go.ok()).isTrue();
			assertThat(go.size()).isEqualTo(SIZE);
			byte[] data = NbdCodecTest.pattern(8192);
			client.request(NbdProtocol.CMD_WRITE, 0, 7, 4096, data.length, data);
			assertThat(client.simpleReply(0).error()).isZero();
			client.request(NbdProtocol.CMD_READ, 0, 8, 4096, data.length, null);
			Reply read = client.simpleReply(data.length);
			assertThat(read.handle()).isEqualTo(8);
			assertThat(read.data()).isEqualTo(data);
		}
		assertThat(this.volumes.get("/alice/disk").snapshot(4096, 8192)).isEqualTo(NbdCodecTest.pattern(8192));
	}

	@Test
	void aWrongKeyOrAnUnknownIdentityFailsTheHandshakeAndOpensNothing() throws IOException {
		for (SSLSocketFactory wrong : List.of(tls("alice", BOB_KEY), tls("mallory", key(9)))) {
			try (NbdTestClient client = new NbdTestClient(this.port)) {
				assertThatThrownBy(() -> client.startTls(wrong)).isInstanceOf(SSLException.class);
			}
		}
		// the server goes on for the others
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			client.startTls(tls("bob", BOB_KEY));
			assertThat(client.go("bob/disk").ok()).isTrue();
		}
		assertThat(this.opens).hasValue(1);
	}

	@Test
	void anotherUsersVolumeIsRefusedAsOneThatDoesNotExist() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			client.startTls(tls("alice", ALICE_KEY));
			Go someoneElses = client.go("bob/disk");
			Go missing = client.go("bob/nothing");
			assertThat(someoneElses.reply()).isEqualTo(NbdProtocol.REP_ERR_UNKNOWN);
			assertThat(missing.reply()).isEqualTo(NbdProtocol.REP_ERR_UNKNOWN);
			assertThat(someoneElses.message()).isEqualTo(missing.message().replace("nothing", "disk"));
			assertThat(client.infoOrGo(NbdProtocol.OPT_INFO, "/bob/disk").reply())
				.isEqualTo(NbdProtocol.REP_ERR_UNKNOWN);
			// the refused opens were released: nothing of bob's stays open for alice
			assertThat(client.go("alice/disk").ok()).isTrue();
		}
		try (NbdTestClient root = new NbdTestClient(this.port)) {
			root.startTls(tls("root", ROOT_KEY));
			assertThat(root.go("bob/disk").ok()).isTrue();
		}
	}

	@Test
	void listShowsTheIdentitysOwnVolumesOnly() throws IOException {
		try (NbdTestClient alice = new NbdTestClient(this.port); NbdTestClient root = new NbdTestClient(this.port)) {
			alice.startTls(tls("alice", ALICE_KEY));
			root.startTls(tls("root", ROOT_KEY));
			assertThat(list(alice)).containsExactly("/alice/disk");
			assertThat(list(root)).containsExactlyInAnyOrder("/alice/disk", "/bob/disk");
		}
	}

	@Test
	void garbageAfterStartTlsClosesOnlyThatConnection() throws IOException {
		try (NbdTestClient good = new NbdTestClient(this.port);
				NbdTestClient garbage = new NbdTestClient(this.port);
				NbdTestClient early = new NbdTestClient(this.port)) {
			good.startTls(tls("alice", ALICE_KEY));
			garbage.option(NbdProtocol.OPT_STARTTLS, new byte[0]);
			assertThat(garbage.optionReply(NbdProtocol.OPT_STARTTLS)[0]).isEqualTo(NbdProtocol.REP_ACK);
			garbage.raw("GET / HTTP/1.1\r\nHost: nbd\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(garbage.closedByServer()).isTrue();
			// an option sent in the clear behind STARTTLS must not pass as if it came through TLS
			byte[] startTlsThenGo = new byte[32];
			ByteBuffer.wrap(startTlsThenGo)
				.putLong(NbdProtocol.IHAVEOPT)
				.putInt(NbdProtocol.OPT_STARTTLS)
				.putInt(0)
				.putLong(NbdProtocol.IHAVEOPT)
				.putInt(NbdProtocol.OPT_LIST)
				.putInt(0);
			early.raw(startTlsThenGo);
			assertThat(early.closedByServer()).isTrue();
			assertThat(good.go("alice/disk").ok()).isTrue();
		}
	}

	/** Takes the whole handshake timeout (30 s): the only way to see it end a TLS handshake. */
	@Test
	void aClientSilentAfterStartTlsIsClosedByTheHandshakeTimeout() throws IOException {
		try (NbdTestClient silent = new NbdTestClient(this.port)) {
			silent.option(NbdProtocol.OPT_STARTTLS, new byte[0]);
			assertThat(silent.optionReply(NbdProtocol.OPT_STARTTLS)[0]).isEqualTo(NbdProtocol.REP_ACK);
			long start = System.nanoTime();
			assertThat(silent.closedByServer(Duration.ofSeconds(NbdServer.HANDSHAKE_TIMEOUT_SECONDS + 15))).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start))
				.isGreaterThan(Duration.ofSeconds(NbdServer.HANDSHAKE_TIMEOUT_SECONDS - 5));
		}
	}

	@Test
	void aServerWithTlsMayListenBeyondLoopback() {
		Exports none = new Exports((path) -> {
			throw new AssertionError("nothing is opened");
		}, List::of);
		Path keys = this.dir.resolve(NbdPskKeys.FILE_NAME);
		try (NbdServer any = NbdServer.start(none, "0.0.0.0", 0,
				new NbdMemory(NbdMemory.DEFAULT_BYTES, NbdMemory.DEFAULT_CONNECTIONS), NbdPskKeys.read(keys))) {
			assertThat(any.address().getAddress().isAnyLocalAddress()).isTrue();
		}
	}

	@Test
	void connectionsEndWithTheirExports() throws IOException {
		try (NbdTestClient client = new NbdTestClient(this.port)) {
			client.startTls(tls("alice", ALICE_KEY));
			assertThat(client.go("alice/disk").ok()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.volumes.get("/alice/disk").closed);
	}

	private static List<String> list(NbdTestClient client) throws IOException {
		client.option(NbdProtocol.OPT_LIST, new byte[0]);
		List<String> names = new ArrayList<>();
		while (true) {
			int[] reply = client.optionReply(NbdProtocol.OPT_LIST);
			if (reply[0] != NbdProtocol.REP_SERVER) {
				assertThat(reply[0]).isEqualTo(NbdProtocol.REP_ACK);
				return names;
			}
			int length = client.in().readInt();
			names.add(new String(client.in().readNBytes(length), StandardCharsets.UTF_8));
			client.in().skipNBytes(reply[1] - 4 - length);
		}
	}

	private static SSLSocketFactory tls(String identity, byte[] key) {
		return PskTlsClient.factory(identity, key);
	}

	private static String line(String name, byte[] key) {
		return name + ":" + HexFormat.of().formatHex(key) + "\n";
	}

	private static byte[] key(int seed) {
		byte[] key = new byte[32];
		new Random(seed).nextBytes(key);
		return key;
	}

}
