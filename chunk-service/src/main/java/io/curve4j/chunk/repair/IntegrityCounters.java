package io.curve4j.chunk.repair;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.curve4j.proto.heartbeat.v1.IntegrityReport;

/**
 * What this chunkserver found checking pages against their checksums and what it did
 * about it, since it started: as metrics, and as the report each heartbeat carries to the
 * MDS for {@code bin/curve status}.
 */
@Component
public class IntegrityCounters {

	private final Counter badPages;

	private final Counter repairsProposed;

	private final Counter scrubBytes;

	private final Counter scrubPasses;

	private final Counter scans;

	private final Counter scanMismatches;

	IntegrityCounters(MeterRegistry meters) {
		this.badPages = Counter.builder("curve4j.chunk.pages.bad")
			.description("Pages found not to match their checksum, by reads and by the scrub")
			.register(meters);
		this.repairsProposed = Counter.builder("curve4j.chunk.pages.repair.proposed")
			.description("Good copies of bad pages this chunkserver proposed to a copyset")
			.register(meters);
		this.scrubBytes = Counter.builder("curve4j.chunk.scrub.bytes")
			.description("Chunk data the scrub checked against its page checksums")
			.baseUnit("bytes")
			.register(meters);
		this.scrubPasses = Counter.builder("curve4j.chunk.scrub.passes")
			.description("Passes of the scrub over every chunk, completed")
			.register(meters);
		this.scans = Counter.builder("curve4j.chunk.scans")
			.description("Chunks compared across their replicas by this chunkserver as copyset leader")
			.register(meters);
		this.scanMismatches = Counter.builder("curve4j.chunk.scan.mismatches")
			.description("Chunks whose replicas disagreed when compared")
			.register(meters);
	}

	void badPages(long pages) {
		this.badPages.increment(pages);
	}

	void repairsProposed(long pages) {
		this.repairsProposed.increment(pages);
	}

	void scrubbed(long bytes) {
		this.scrubBytes.increment(bytes);
	}

	void scrubPassDone() {
		this.scrubPasses.increment();
	}

	void scanned() {
		this.scans.increment();
	}

	void scanMismatch() {
		this.scanMismatches.increment();
	}

	public IntegrityReport report() {
		return IntegrityReport.newBuilder()
			.setBadPages((long) this.badPages.count())
			.setRepairsProposed((long) this.repairsProposed.count())
			.setScrubPasses((long) this.scrubPasses.count())
			.setScrubBytes((long) this.scrubBytes.count())
			.setScans((long) this.scans.count())
			.setScanMismatches((long) this.scanMismatches.count())
			.build();
	}

}
