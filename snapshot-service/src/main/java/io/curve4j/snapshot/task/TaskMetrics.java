package io.curve4j.snapshot.task;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** What the snapshot service has done, on {@code /actuator/prometheus}. */
public final class TaskMetrics {

	private final Counter bytesCopied;

	private final Counter chunksCopied;

	private final Counter chunksUnchanged;

	private final Counter chunksFlattened;

	private final AtomicInteger tasksRunning = new AtomicInteger();

	public TaskMetrics(MeterRegistry registry) {
		this.bytesCopied = Counter.builder("curve4j.snapshot.copied.bytes")
			.description("Bytes of chunk data put into the object store")
			.baseUnit("bytes")
			.register(registry);
		this.chunksCopied = Counter.builder("curve4j.snapshot.copied.chunks")
			.description("Chunk objects put into the object store")
			.register(registry);
		this.chunksUnchanged = Counter.builder("curve4j.snapshot.unchanged.chunks")
			.description("Chunks not copied because an earlier snapshot's object holds the same content")
			.register(registry);
		this.chunksFlattened = Counter.builder("curve4j.snapshot.flattened.chunks")
			.description("Chunks of clones given their source's data (RecoverChunk)")
			.register(registry);
		Gauge.builder("curve4j.snapshot.tasks.running", this.tasksRunning, AtomicInteger::get).description("Snapshot and flatten tasks running now").register(registry);
	}

	void copied(long bytes) {
		this.chunksCopied.increment();
		this.bytesCopied.increment(bytes);
	}

	void unchanged() {
		this.chunksUnchanged.increment();
	}

	void flattened() {
		this.chunksFlattened.increment();
	}

	void taskStarted() {
		this.tasksRunning.incrementAndGet();
	}

	void taskEnded() {
		this.tasksRunning.decrementAndGet();
	}

}
