package io.curve4j.snapshot.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.curve4j.common.error.CurveException;
import io.curve4j.objectstore.ObjectKeys;
import io.curve4j.objectstore.SnapshotManifest;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

/**
 * Copies one snapshot's chunks into the object store, incrementally: a chunk whose
 * content (index and content sequence number) an earlier snapshot of the volume already
 * stored is not read again. The manifest is written last, so a manifest means a whole
 * snapshot, and a snapshot whose manifest exists is not copied again. Chunks below the
 * snapshot's {@code next_chunk} (a copy interrupted earlier)
 * are only checked, not read: their objects exist unless a deletion of another snapshot
 * removed them meanwhile, in which case they are copied again.
 */
public final class SnapshotCopier {

	/** Progress is reported after this many chunks, or after {@link #reportInterval}, whichever comes first. */
	private static final int REPORT_EVERY_CHUNKS = 8;

	private final SnapshotStore store;

	private final TaskMetrics metrics;

	private final Duration reportInterval;

	private final LongSupplier nanoClock;

	public SnapshotCopier(SnapshotStore store, TaskMetrics metrics, Duration reportInterval) {
		this(store, metrics, reportInterval, System::nanoTime);
	}

	SnapshotCopier(SnapshotStore store, TaskMetrics metrics, Duration reportInterval, LongSupplier nanoClock) {
		this.store = store;
		this.metrics = metrics;
		this.reportInterval = reportInterval;
		this.nanoClock = nanoClock;
	}

	/** Records how far the copy got and answers the snapshot as the MDS has it now. */
	@FunctionalInterface
	public interface Progress {

		SnapshotInfo report(long nextChunk);

	}

	/**
	 * @param whole the manifest is written (false: the user deleted the snapshot meanwhile)
	 * @param nextChunk the chunks below this index are stored
	 */
	public record Result(boolean whole, long nextChunk, long chunksCopied, long chunksUnchanged, long bytesCopied) {
	}

	/**
	 * Copies {@code snapshot} from {@code reader} and writes its manifest.
	 * @param keepGoing checked before each chunk; false stops the copy (lease lost)
	 */
	public Result copy(SnapshotInfo snapshot, SnapshotReader reader, Progress progress, BooleanSupplier keepGoing) {
		long chunkCount = unreadable(reader::chunkCount);
		if (this.store.exists(ObjectKeys.manifest(snapshot.getVolumeId(), snapshot.getId()))) {
			// an earlier run stored it whole and stopped before the MDS heard of it; the
			// chunks' copies may be gone already, so they are not read again
			return new Result(true, chunkCount, 0, 0, 0);
		}
		long resumeAt = Math.min(snapshot.getNextChunk(), chunkCount);
		List<Long> contentSns = new ArrayList<>((int) chunkCount);
		long copied = 0;
		long unchanged = 0;
		long bytes = 0;
		long lastReportNanos = this.nanoClock.getAsLong();
		long reported = resumeAt;
		for (long chunk = 0; chunk < chunkCount; chunk++) {
			if (!keepGoing.getAsBoolean()) {
				throw new TaskFailures.TaskStoppedException("the snapshot worker lease was lost");
			}
			long index = chunk;
			long contentSn = unreadable(() -> reader.contentSn(index));
			contentSns.add(contentSn);
			if (contentSn != 0) {
				String key = ObjectKeys.chunk(snapshot.getVolumeId(), chunk, contentSn);
				if (this.store.exists(key)) {
					if (chunk >= resumeAt) {
						unchanged++;
						this.metrics.unchanged();
					}
				}
				else {
					byte[] data = unreadable(() -> reader.readChunk(index));
					this.store.put(key, data);
					copied++;
					bytes += data.length;
					this.metrics.copied(data.length);
				}
			}
			long next = chunk + 1;
			boolean due = next - reported >= REPORT_EVERY_CHUNKS
					|| this.nanoClock.getAsLong() - lastReportNanos >= this.reportInterval.toNanos();
			if (next > reported && due) {
				SnapshotInfo now = progress.report(next);
				reported = next;
				lastReportNanos = this.nanoClock.getAsLong();
				if (now.getStatus() == SnapshotStatus.DELETING) {
					return new Result(false, next, copied, unchanged, bytes);
				}
			}
		}
		SnapshotManifest manifest = new SnapshotManifest(snapshot.getId(), snapshot.getVolumeId(),
				snapshot.getVolumePath(), snapshot.getName(), snapshot.getSeq(), snapshot.getLength(),
				unreadable(reader::chunkSize), snapshot.getCreatedMs(), contentSns);
		this.store.putManifest(manifest);
		return new Result(true, chunkCount, copied, unchanged, bytes);
	}

	/** A call of the reader whose final failure means the volume cannot be read (deleted). */
	private static <T> T unreadable(Supplier<T> call) {
		try {
			return call.get();
		}
		catch (CurveException ex) {
			throw ex.code().retryable() ? ex : new TaskFailures.VolumeUnreadableException(ex);
		}
	}

}
