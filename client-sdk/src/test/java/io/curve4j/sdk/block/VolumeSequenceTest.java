package io.curve4j.sdk.block;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.sdk.block.FakeMds.Refresh;

import static io.curve4j.sdk.block.VolumeTest.client;
import static io.curve4j.sdk.block.VolumeTest.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The client's half of snapshot exactness, against the fakes of {@link VolumeTest}: the
 * sequence number writes carry, its report to the MDS, the retry of a write refused as
 * stale, and the hold on writes while the session's lease has run out locally.
 */
class VolumeSequenceTest {

	private static final int CHUNK = 64 * 1024;

	private static final long SEGMENT = 256 * 1024;

	private FakeChunkServers chunkServers;

	private FakeMds mds;

	private CurveClient client;

	@BeforeEach
	void start() throws Exception {
		this.chunkServers = new FakeChunkServers(CHUNK);
		this.mds = new FakeMds("mds-1:6700", CHUNK, SEGMENT, this.chunkServers.copysets(2));
		this.mds.volume("/vol", 4 * SEGMENT);
		this.client = client("mds-1:6700").build();
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.mds.close();
		this.chunkServers.close();
	}

	@Test
	void refreshesReportTheSequenceNumberInUseAndANewOneAtOnce() {
		// a quarter lease is 500 ms: a report within half of that is not the scheduled refresh
		this.mds.leaseMs = 2000;
		try (Volume volume = this.client.open("/vol")) {
			volume.write(0, new byte[4096]);
			assertThat(this.chunkServers.writeSns).containsOnly(1L);
			await().atMost(Duration.ofSeconds(5)).until(() -> !this.mds.refreshLog.isEmpty());
			assertThat(this.mds.refreshLog.get(0).reportedSeq()).isEqualTo(1);

			assertThat(this.mds.snapshot("/vol")).isEqualTo(2);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.mds.refreshLog.stream().anyMatch((refresh) -> refresh.reportedSeq() == 2));
			List<Refresh> log = this.mds.refreshLog;
			int brought = indexOf(log, (refresh) -> refresh.answeredSeq() == 2);
			Refresh report = log.get(brought + 1);
			assertThat(log.get(brought).reportedSeq()).isEqualTo(1);
			assertThat(report.reportedSeq()).isEqualTo(2);
			assertThat(Duration.ofNanos(report.atNanos() - log.get(brought).atNanos()))
				.isLessThan(Duration.ofMillis(250));

			volume.write(4096, new byte[4096]);
			assertThat(this.chunkServers.writeSns).containsExactly(1L, 2L);
			assertThat(volume.stat().seqNum()).isEqualTo(2);
			assertThat(volume.stat().snapshotSeqs()).containsExactly(1L);
		}
		assertThat(this.client.stat("/vol").snapshotSeqs()).containsExactly(1L);
	}

	@Test
	void aDiscardCarriesTheSequenceNumberAndIsRetriedWithTheNewOneWhenStale() {
		this.mds.leaseMs = 60_000;
		try (Volume volume = this.client.open("/vol")) {
			volume.write(0, new byte[CHUNK]);
			volume.discardAsync(0, CHUNK).join();
			assertThat(this.chunkServers.deleteSns).containsExactly(1L);

			volume.write(0, new byte[CHUNK]);
			this.mds.snapshot("/vol");
			// another client already wrote with the new number: this one learns it from the refusal
			this.chunkServers.chunkSns.replaceAll((chunk, sn) -> 2L);
			volume.discardAsync(0, CHUNK).join();
			assertThat(this.chunkServers.deleteSns).containsExactly(1L, 1L, 2L);
			assertThat(volume.read(0, CHUNK)).isEqualTo(new byte[CHUNK]);
		}
	}

	@Test
	void aRetryAfterASnapshotCarriesTheNewSequenceNumber() throws Exception {
		this.mds.leaseMs = 2000;
		try (Volume volume = this.client.open("/vol")) {
			CountDownLatch gate = new CountDownLatch(1);
			this.chunkServers.writeGate = gate;
			byte[] data = random(4096, 6);
			CompletableFuture<Void> write = volume.writeAsync(0, data);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.chunkServers.writeCalls.get() == 1);
			this.mds.snapshot("/vol");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.mds.refreshLog.stream().anyMatch((refresh) -> refresh.reportedSeq() == 2));
			// the first try, sent before the snapshot, finds the leader gone
			this.chunkServers.moveLeader(1);
			this.chunkServers.writeGate = null;
			gate.countDown();
			write.get(5, TimeUnit.SECONDS);
			assertThat(this.chunkServers.writeSns).containsExactly(1L, 2L);
			assertThat(this.chunkServers.writeIds.get(1).getRequest())
				.isEqualTo(this.chunkServers.writeIds.get(0).getRequest());
			assertThat(volume.read(0, 4096)).isEqualTo(data);
		}
	}

	@Test
	void aWriteRefusedAsStaleIsRetriedWithTheNewSequenceNumber() {
		// no scheduled refresh within the I/O timeout: only the refusal can bring the new number
		this.mds.leaseMs = 60_000;
		try (Volume stale = this.client.open("/vol")) {
			stale.write(0, random(4096, 1));
			this.mds.snapshot("/vol");
			try (CurveClient other = client("mds-1:6700").build(); Volume current = other.open("/vol")) {
				current.write(0, random(4096, 2));
			}
			assertThat(this.chunkServers.writeSns).containsExactly(1L, 2L);
			int refreshesBefore = this.mds.refreshLog.size();

			byte[] data = random(4096, 3);
			stale.write(0, data);

			assertThat(stale.read(0, 4096)).isEqualTo(data);
			assertThat(this.chunkServers.writeSns).containsExactly(1L, 2L, 1L, 2L);
			WriteId refused = this.chunkServers.writeIds.get(2);
			WriteId retry = this.chunkServers.writeIds.get(3);
			assertThat(retry.getRequest()).isEqualTo(refused.getRequest());
			assertThat(retry.getAttempt()).isEqualTo(refused.getAttempt() + 1);
			// the refusal's refresh brought 2, the next one reported it
			assertThat(this.mds.refreshLog.subList(refreshesBefore, this.mds.refreshLog.size()))
				.extracting(Refresh::reportedSeq)
				.containsSubsequence(1L, 2L);
			assertThat(stale.stat().seqNum()).isEqualTo(2);
		}
	}

	@Test
	void aRefusalNoRefreshCuresFailsWithinTheIoTimeout() {
		try (CurveClient impatient = client("mds-1:6700").ioTimeout(Duration.ofMillis(800)).build();
				Volume volume = impatient.open("/vol")) {
			volume.write(0, new byte[4096]);
			// a chunk ahead of anything the MDS hands out
			this.chunkServers.chunkSns.replaceAll((chunk, sn) -> 5L);
			int refreshesBefore = this.mds.refreshes.get();
			assertThatThrownBy(() -> volume.write(0, new byte[4096])).isInstanceOfSatisfying(CurveException.class,
					(ex) -> {
						assertThat(ex.code()).isEqualTo(ErrorCode.TIMEOUT);
						assertThat(ex.getMessage()).contains("STALE_SEQUENCE");
					});
			assertThat(this.mds.refreshes.get()).isGreaterThan(refreshesBefore);
			assertThat(this.chunkServers.writeSns).containsOnly(1L);
		}
	}

	@Test
	void writesWaitWhileTheLeaseHasRunOutLocallyAndGoOnOnceRefreshed() throws Exception {
		this.mds.leaseMs = 400;
		try (Volume volume = this.client.open("/vol")) {
			volume.write(0, random(4096, 4));
			this.mds.refreshUnavailable = true;
			// every refresh that succeeded was sent before this: the lease ends within one lease of it
			long cutOff = System.nanoTime();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> System.nanoTime() - cutOff > TimeUnit.MILLISECONDS.toNanos(this.mds.leaseMs));
			int writesBefore = this.chunkServers.writeSns.size();

			byte[] data = random(4096, 5);
			CompletableFuture<Void> held = volume.writeAsync(0, data);
			int refreshes = this.mds.refreshes.get();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.mds.refreshes.get() >= refreshes + 5);
			assertThat(held).isNotDone();
			assertThat(this.chunkServers.writeSns).hasSize(writesBefore);
			assertThat(volume.read(0, 4096)).as("reads are not held").isEqualTo(random(4096, 4));

			this.mds.refreshUnavailable = false;
			held.get(5, TimeUnit.SECONDS);
			assertThat(volume.read(0, 4096)).isEqualTo(data);
		}
	}

	@Test
	void aWriteHeldForLongerThanTheIoTimeoutFailsNamingTheLease() {
		this.mds.leaseMs = 200;
		try (CurveClient impatient = client("mds-1:6700").ioTimeout(Duration.ofMillis(800)).build();
				Volume volume = impatient.open("/vol")) {
			this.mds.refreshUnavailable = true;
			long cutOff = System.nanoTime();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> System.nanoTime() - cutOff > TimeUnit.MILLISECONDS.toNanos(this.mds.leaseMs));
			assertThatThrownBy(() -> volume.write(0, new byte[4096])).isInstanceOfSatisfying(CurveException.class,
					(ex) -> {
						assertThat(ex.code()).isEqualTo(ErrorCode.TIMEOUT);
						assertThat(ex.getMessage()).contains("UNAVAILABLE").contains("lease");
					});
			assertThat(this.chunkServers.writeSns).isEmpty();
			this.mds.refreshUnavailable = false;
		}
	}

	private static int indexOf(List<Refresh> log, Predicate<Refresh> match) {
		for (int i = 0; i < log.size(); i++) {
			if (match.test(log.get(i))) {
				return i;
			}
		}
		throw new AssertionError("no such refresh in " + log);
	}

}
