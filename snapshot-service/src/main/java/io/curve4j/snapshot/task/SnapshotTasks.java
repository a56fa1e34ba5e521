package io.curve4j.snapshot.task;

import java.util.Optional;
import java.util.function.BiConsumer;

import io.grpc.stub.StreamObserver;

import io.curve4j.proto.mds.v1.AcquireLeaseRequest;
import io.curve4j.proto.mds.v1.AcquireLeaseResponse;
import io.curve4j.proto.mds.v1.FailCopyRequest;
import io.curve4j.proto.mds.v1.FailCopyResponse;
import io.curve4j.proto.mds.v1.FinishCopyRequest;
import io.curve4j.proto.mds.v1.FinishCopyResponse;
import io.curve4j.proto.mds.v1.FinishDeleteRequest;
import io.curve4j.proto.mds.v1.FinishDeleteResponse;
import io.curve4j.proto.mds.v1.FinishFlattenRequest;
import io.curve4j.proto.mds.v1.FinishFlattenResponse;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.ListTasksRequest;
import io.curve4j.proto.mds.v1.ListTasksResponse;
import io.curve4j.proto.mds.v1.ReportFlattenProgressRequest;
import io.curve4j.proto.mds.v1.ReportFlattenProgressResponse;
import io.curve4j.proto.mds.v1.ReportProgressRequest;
import io.curve4j.proto.mds.v1.ReportProgressResponse;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc.SnapshotTaskServiceStub;
import io.curve4j.sdk.metacache.MdsClient;
import io.curve4j.sdk.retry.BoundedRetry;

/**
 * The MDS's {@code SnapshotTaskService} as this worker calls it, through the SDK's MDS
 * client (leader finding, signing as root, bounded retries). Every call carries the
 * worker's id; failures are {@code CurveException}s.
 */
public final class SnapshotTasks {

	private final MdsClient mds;

	private final String workerId;

	public SnapshotTasks(MdsClient mds, String workerId) {
		this.mds = mds;
		this.workerId = workerId;
	}

	public String workerId() {
		return this.workerId;
	}

	public AcquireLeaseResponse acquireLease() {
		AcquireLeaseRequest request = AcquireLeaseRequest.newBuilder().setWorkerId(this.workerId).build();
		return call("acquire the snapshot worker lease", (stub, observer) -> stub.acquireLease(request, observer));
	}

	/** The snapshots to copy or delete and the clones to flatten. */
	public ListTasksResponse listTasks() {
		ListTasksRequest request = ListTasksRequest.newBuilder().setWorkerId(this.workerId).build();
		return this.<ListTasksResponse>call("list snapshot tasks",
				(stub, observer) -> stub.listTasks(request, observer));
	}

	/** Records that the chunks below {@code nextChunk} are stored; returns the snapshot as it is now. */
	public SnapshotInfo reportProgress(String snapshotId, long nextChunk) {
		ReportProgressRequest request = ReportProgressRequest.newBuilder()
			.setWorkerId(this.workerId)
			.setSnapshotId(snapshotId)
			.setNextChunk(nextChunk)
			.build();
		return this.<ReportProgressResponse>call("report the progress of snapshot " + snapshotId,
				(stub, observer) -> stub.reportProgress(request, observer))
			.getSnapshot();
	}

	public void finishCopy(String snapshotId) {
		FinishCopyRequest request = FinishCopyRequest.newBuilder()
			.setWorkerId(this.workerId)
			.setSnapshotId(snapshotId)
			.build();
		this.<FinishCopyResponse>call("finish the copy of snapshot " + snapshotId, (stub, observer) -> stub.finishCopy(request, observer));
	}

	public void failCopy(String snapshotId, String error) {
		FailCopyRequest request = FailCopyRequest.newBuilder()
			.setWorkerId(this.workerId)
			.setSnapshotId(snapshotId)
			.setError(error)
			.build();
		this.<FailCopyResponse>call("fail the copy of snapshot " + snapshotId, (stub, observer) -> stub.failCopy(request, observer));
	}

	public void finishDelete(String snapshotId) {
		FinishDeleteRequest request = FinishDeleteRequest.newBuilder()
			.setWorkerId(this.workerId)
			.setSnapshotId(snapshotId)
			.build();
		this.<FinishDeleteResponse>call("finish the deletion of snapshot " + snapshotId, (stub, observer) -> stub.finishDelete(request, observer));
	}

	/**
	 * Records that the clone's chunks below {@code nextChunk} are flattened.
	 * @return the clone as it is now; empty when it is no longer FLATTENING (deleted)
	 */
	public Optional<FileInfo> reportFlattenProgress(long volumeId, long nextChunk) {
		ReportFlattenProgressRequest request = ReportFlattenProgressRequest.newBuilder()
			.setWorkerId(this.workerId)
			.setVolumeId(volumeId)
			.setNextChunk(nextChunk)
			.build();
		ReportFlattenProgressResponse response = this.call("report the flatten progress of volume " + volumeId,
				(stub, observer) -> stub.reportFlattenProgress(request, observer));
		return response.hasVolume() ? Optional.of(response.getVolume()) : Optional.empty();
	}

	/** Ends the clone's link to its source: every chunk is flattened. */
	public void finishFlatten(long volumeId) {
		FinishFlattenRequest request = FinishFlattenRequest.newBuilder()
			.setWorkerId(this.workerId)
			.setVolumeId(volumeId)
			.build();
		this.<FinishFlattenResponse>call("finish the flatten of volume " + volumeId,
				(stub, observer) -> stub.finishFlatten(request, observer));
	}

	/**
	 * Every call may be repeated: the lease is granted again to its holder, progress and
	 * the ends of a task are recorded idempotently by the MDS (a repeated end of a task
	 * that is gone answers SNAPSHOT_NOT_FOUND, which the caller sees).
	 */
	private <T> T call(String what, BiConsumer<SnapshotTaskServiceStub, StreamObserver<T>> call) {
		return BoundedRetry.join(this.mds.call(what, true, SnapshotTaskServiceGrpc::newStub, call));
	}

}
