package io.curve4j.snapshot.task;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.curve4j.proto.mds.v1.CloneInfo;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.FlattenTask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flatten of one clone: which chunks, when progress is reported, when it stops. */
class CloneFlattenerTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final TaskMetrics metrics = new TaskMetrics(this.registry);

	/** Progress as reported, in order. */
	private final List<Long> reports = new CopyOnWriteArrayList<>();

	private static FlattenTask task(long nextChunk, long sourceChunks) {
		return FlattenTask.newBuilder()
			.setVolumeId(7)
			.setVolumePath("/c")
			.setClone(CloneInfo.newBuilder()
				.setStatus(CloneStatus.FLATTENING)
				.setNextChunk(nextChunk)
				.setSourceChunks(sourceChunks))
			.build();
	}

	private boolean report(long nextChunk) {
		this.reports.add(nextChunk);
		return true;
	}

	@Test
	void chunksFromTheNextOneToTheSourcesLastAreFlattenedAndTheEndIsReported() {
		MemoryClone clone = new MemoryClone(7, -1);
		CloneFlattener.Result result = new CloneFlattener(this.metrics, Duration.ofHours(1))
			.flatten(task(3, 10), 3, clone, this::report, () -> true);

		assertThat(result).isEqualTo(new CloneFlattener.Result(true, 10, 7));
		assertThat(clone.flattened).containsExactlyElementsOf(LongStream.range(3, 10).boxed().toList());
		assertThat(this.reports).as("the interval never passed: only the end").containsExactly(10L);
		assertThat(this.registry.get("curve4j.snapshot.flattened.chunks").counter().count()).isEqualTo(7);
	}

	@Test
	void progressIsReportedOnceTheIntervalPassed() {
		AtomicLong nanos = new AtomicLong();
		// every reading of the clock is a second later
		CloneFlattener eager = new CloneFlattener(this.metrics, Duration.ofSeconds(1),
				() -> nanos.addAndGet(1_000_000_000L));
		eager.flatten(task(0, 3), 0, new MemoryClone(7, -1), this::report, () -> true);
		assertThat(this.reports).containsExactly(1L, 2L, 3L);
	}

	@Test
	void aCloneFlattenedAlreadyIsOnlyReportedAtItsEnd() {
		MemoryClone clone = new MemoryClone(7, -1);
		CloneFlattener.Result result = new CloneFlattener(this.metrics, Duration.ZERO)
			.flatten(task(10, 10), 10, clone, this::report, () -> true);
		assertThat(result).isEqualTo(new CloneFlattener.Result(true, 10, 0));
		assertThat(clone.flattened).isEmpty();
		assertThat(this.reports).containsExactly(10L);
	}

	@Test
	void aReportThatTheCloneIsGoneStopsTheFlatten() {
		MemoryClone clone = new MemoryClone(7, -1);
		CloneFlattener.Result result = new CloneFlattener(this.metrics, Duration.ZERO)
			.flatten(task(0, 10), 0, clone, (next) -> next < 4, () -> true);
		assertThat(result).isEqualTo(new CloneFlattener.Result(false, 4, 4));
		assertThat(clone.flattened).containsExactly(0L, 1L, 2L, 3L);
	}

	@Test
	void aLostLeaseStopsTheFlattenBeforeTheNextChunk() {
		MemoryClone clone = new MemoryClone(7, -1);
		AtomicLong checks = new AtomicLong();
		assertThatThrownBy(() -> new CloneFlattener(this.metrics, Duration.ZERO).flatten(task(0, 10), 0, clone,
				this::report, () -> checks.incrementAndGet() <= 2))
			.isInstanceOf(TaskFailures.TaskStoppedException.class);
		assertThat(clone.flattened).containsExactly(0L, 1L);
	}

}
