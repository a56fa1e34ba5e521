package io.curve4j.chunk.repair;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;


import io.curve4j.chunk.chunkfile.CheckedRead;
import io.curve4j.chunk.config.ChunkServerProperties;
import io.curve4j.chunk.copyset.ChunkRead;
import io.curve4j.chunk.copyset.Copyset;
import io.curve4j.chunk.copyset.CopysetRegistry;
import io.curve4j.common.size.Sizes;

/**
 * Checks every page of every chunk this chunkserver holds against its checksum, in
 * passes separated by {@code curve.chunkserver.scrub.interval}, at no more than
 * {@code bytes-per-second}: followers are never read by clients, so without it a bad page
 * there would wait until that replica leads. Bad pages go to {@link PageRepair#reportBad}.
 * Where this chunkserver leads the copyset, each chunk is also compared across the
 * replicas ({@link ConsistencyScan}).
 */
@Component
class PageScrubber implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PageScrubber.class);

	/** One read of the scrub. */
	private static final int STEP = 1 << 20;

	private final CopysetRegistry copysets;

	private final PageRepair repair;

	private final ConsistencyScan scan;

	private final long bytesPerSecond;

	private final IntegrityCounters counters;

	/** Stops a pass between two reads: interrupting the thread instead would close the chunk file it reads. */
	private volatile boolean closed;

	private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "page-scrub");
		t.setDaemon(true);
		return t;
	});

	PageScrubber(CopysetRegistry copysets, PageRepair repair, ConsistencyScan scan, ChunkServerProperties properties,
			IntegrityCounters counters) {
		this.copysets = copysets;
		this.repair = repair;
		this.scan = scan;
		ChunkServerProperties.Scrub scrub = properties.getScrub();
		this.bytesPerSecond = Math.max(STEP, scrub.getBytesPerSecond().toBytes());
		this.counters = counters;
		if (scrub.isEnabled()) {
			long pause = scrub.getInterval().toMillis();
			this.thread.scheduleWithFixedDelay(this::pass, pause, pause, TimeUnit.MILLISECONDS);
		}
	}

	/** One pass over every chunk of every copyset; a failure skips that copyset until the next pass. */
	void pass() {
		long started = System.nanoTime();
		long checked = 0;
		for (Copyset copyset : this.copysets.copysets()) {
			try {
				checked += scrub(copyset, started, checked);
			}
			catch (RuntimeException ex) {
				log.warn("scrub of copyset {} stopped: {}", copyset.id(), ex.toString());
			}
			if (this.closed) {
				return;
			}
		}
		this.counters.scrubPassDone();
		log.info("scrub pass checked {} in {} ms", Sizes.format(checked), (System.nanoTime() - started) / 1_000_000);
	}

	private long scrub(Copyset copyset, long started, long checkedBefore) {
		long checked = 0;
		for (long chunkId : copyset.chunkIds()) {
			for (long offset = 0; offset < copyset.chunkSize() && !this.closed; offset += STEP) {
				int length = (int) Math.min(STEP, copyset.chunkSize() - offset);
				CheckedRead read = copyset.readLocal(new ChunkRead(chunkId, offset, length));
				if (!read.clean()) {
					reportRuns(copyset, read);
				}
				checked += length;
				this.counters.scrubbed(length);
				pace(started, checkedBefore + checked);
			}
			if (copyset.isLeader() && !this.closed) {
				this.scan.compare(copyset, chunkId);
			}
		}
		return checked;
	}

	private void reportRuns(Copyset copyset, CheckedRead read) {
		int page = read.badPages().nextSetBit(0);
		while (page >= 0) {
			int end = read.badPages().nextClearBit(page);
			try {
				this.repair.reportBad(copyset, read.chunkId(), (long) page * Sizes.PAGE_SIZE, (end - page) * Sizes.PAGE_SIZE);
			}
			catch (RuntimeException ex) {
				log.warn("copyset {}: the repair of chunk {} pages [{}, {}) was not proposed: {}", copyset.id(),
						read.chunkId(), page, end, ex.toString());
			}
			page = read.badPages().nextSetBit(end);
		}
	}

	/** Sleeps until checked bytes fit the rate since the pass started. */
	private void pace(long started, long checked) {
		long dueNanos = checked * 1_000_000_000L / this.bytesPerSecond;
		long aheadMs = (dueNanos - (System.nanoTime() - started)) / 1_000_000;
		if (aheadMs > 0) {
			try {
				Thread.sleep(aheadMs);
			}
			catch (InterruptedException ex) {
				this.closed = true;
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.thread.shutdown();
		try {
			this.thread.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
