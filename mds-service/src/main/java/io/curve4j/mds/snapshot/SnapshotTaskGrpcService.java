package io.curve4j.mds.snapshot;

import java.util.function.Supplier;

import org.springframework.stereotype.Service;

import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.mds.auth.Caller;
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
import io.curve4j.proto.mds.v1.ListTasksRequest;
import io.curve4j.proto.mds.v1.ListTasksResponse;
import io.curve4j.proto.mds.v1.ReportFlattenProgressRequest;
import io.curve4j.proto.mds.v1.ReportFlattenProgressResponse;
import io.curve4j.proto.mds.v1.ReportProgressRequest;
import io.curve4j.proto.mds.v1.ReportProgressResponse;
import io.curve4j.proto.mds.v1.SnapshotTaskServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The snapshot service's side of the catalog, for root only: the worker lease, then the
 * tasks and their outcomes, each call checked against the lease (WORKER_LEASE_NOT_HELD,
 * FAILED_PRECONDITION, when the caller does not hold it).
 */
@Service
class SnapshotTaskGrpcService extends SnapshotTaskServiceGrpc.SnapshotTaskServiceImplBase {

	private final SnapshotCatalog catalog;

	private final CloneCatalog clones;

	private final SnapshotWorkerLease lease;

	SnapshotTaskGrpcService(SnapshotCatalog catalog, CloneCatalog clones, SnapshotWorkerLease lease) {
		this.catalog = catalog;
		this.clones = clones;
		this.lease = lease;
	}

	@Override
	public void acquireLease(AcquireLeaseRequest request, StreamObserver<AcquireLeaseResponse> observer) {
		answer(observer, () -> {
			SnapshotWorkerLease.Grant grant = this.lease.acquire(request.getWorkerId());
			return AcquireLeaseResponse.newBuilder()
				.setHeld(grant.held())
				.setHolder(grant.holder())
				.setLeaseMs(this.lease.lease().toMillis())
				.build();
		});
	}

	@Override
	public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> observer) {
		answer(observer, () -> {
			this.lease.require(request.getWorkerId());
			return ListTasksResponse.newBuilder()
				.addAllSnapshots(this.catalog.tasks())
				.addAllFlattens(this.clones.tasks())
				.build();
		});
	}

	@Override
	public void reportProgress(ReportProgressRequest request, StreamObserver<ReportProgressResponse> observer) {
		answer(observer, () -> {
			this.lease.require(request.getWorkerId());
			return ReportProgressResponse.newBuilder()
				.setSnapshot(this.catalog.reportProgress(request.getSnapshotId(), request.getNextChunk()))
				.build();
		});
	}

	@Override
	public void finishCopy(FinishCopyRequest request, StreamObserver<FinishCopyResponse> observer) {
		answer(observer, () -> {
			this.lease.require(request.getWorkerId());
			this.catalog.finishCopy(request.getSnapshotId());
			return FinishCopyResponse.getDefaultInstance();
		});
	}

	@Override
	public void failCopy(FailCopyRequest request, StreamObserver<FailCopyResponse> observer) {
		answer(observer, () -> {
			this.lease.require(request.getWorkerId());
			this.catalog.failCopy(request.getSnapshotId(), request.getError());
			return FailCopyResponse.getDefaultInstance();
		});
	}

	@Override
	public void finishDelete(FinishDeleteRequest request, StreamObserver<FinishDeleteResponse> observer) {
		answer(observer, () -> {
			this.lease.require(request.getWorkerId());
			this.catalog.finishDelete(request.getSnapshotId());
			return FinishDeleteResponse.getDefaultInstance();
		});
	}

	@Override
	public void reportFlattenProgress(ReportFlattenProgressRequest request,
			StreamObserver<ReportFlattenProgressResponse> observer) {
		answer(observer, () -> {
			this.lease.require(request.getWorkerId());
			ReportFlattenProgressResponse.Builder response = ReportFlattenProgressResponse.newBuilder();
			this.clones.reportProgress(request.getVolumeId(), request.getNextChunk())
				.ifPresent(clone -> response.setVolume(clone.toProto()));
			return response.build();
		});
	}

	@Override
	public void finishFlatten(FinishFlattenRequest request, StreamObserver<FinishFlattenResponse> observer) {
		answer(observer, () -> {
			this.lease.require(request.getWorkerId());
			this.clones.finish(request.getVolumeId());
			return FinishFlattenResponse.getDefaultInstance();
		});
	}

	private static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
		GrpcAnswers.unary(observer, () -> {
			Caller.ofGrpcCall().requireRoot("work the snapshot catalog");
			return call.get();
		});
	}

}
