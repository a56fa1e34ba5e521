package io.curve4j.snapshot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.common.net.LoopbackPorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service as it starts: with good settings it creates its bucket and reports healthy
 * with its metrics; each bad setting stops the start with a message naming it.
 */
class SnapshotServiceApplicationIT {

	@RegisterExtension
	static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder()
		.withCredentials("access", "secret")
		.withBlobStoreProvider("transient")
		.build();

	@TempDir
	Path dir;

	private List<String> args(String... overrides) throws Exception {
		Path password = this.dir.resolve("root.secret");
		Files.writeString(password, "root-password\n");
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				// nothing answers there: the worker only logs that it cannot reach the MDS
				"--curve.snapshot.mds-addresses=127.0.0.1:" + LoopbackPorts.free(),
				"--curve.snapshot.root-password-file=" + password, "--curve.snapshot.s3.endpoint=" + S3_PROXY.getUri(),
				"--curve.snapshot.s3.bucket=app-it", "--curve.snapshot.s3.access-key=access",
				"--curve.snapshot.s3.secret-key=secret"));
		// a property given twice on the command line binds both values joined: replace instead
		for (String override : overrides) {
			String key = override.substring(0, override.indexOf('=') + 1);
			args.removeIf((arg) -> arg.startsWith(key));
			args.add(override);
		}
		return args;
	}

	@Test
	void startsHealthyWithItsBucketAndMetrics() throws Exception {
		try (ConfigurableApplicationContext context = SnapshotServiceApplication.application()
			.run(args().toArray(String[]::new))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> health = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
			// what /actuator/prometheus serves (over HTTP the MDS's security, on this test's
			// class path for SnapshotWorkerIT, would ask for credentials)
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape()).contains(
					"curve4j_snapshot_copied_bytes_total", "curve4j_snapshot_copied_chunks_total",
					"curve4j_snapshot_unchanged_chunks_total", "curve4j_snapshot_tasks_running");
			assertThat(context.getBean(S3Client.class).listBuckets().buckets()).anyMatch((b) -> b.name().equals("app-it"));
		}
	}

	@Test
	void badSettingsStopTheStartWithAMessageNamingThem() throws Exception {
		assertRefused(args("--curve.snapshot.mds-addresses="), "no MDS address configured");
		assertRefused(args("--curve.snapshot.root-password-file=" + this.dir.resolve("missing")),
				"curve.snapshot.root-password-file: cannot read");
		assertRefused(args("--curve.snapshot.s3.secret-key="), "curve.snapshot.s3.access-key and curve.snapshot.s3.secret-key go together");
		assertRefused(args("--curve.snapshot.parallelism=0"), "parallelism");
		assertRefused(args("--curve.snapshot.s3.endpoint=http://127.0.0.1:" + LoopbackPorts.free()),
				"cannot use bucket 'app-it'");
		assertRefused(args("--curve.snapshot.s3.secret-key=wrong"), "cannot use bucket 'app-it'");
	}

	private static void assertRefused(List<String> args, String message) {
		assertThatThrownBy(() -> SnapshotServiceApplication.application().run(args.toArray(String[]::new)).close())
			.hasStackTraceContaining(message);
	}

}
