package io.curve4j.mds.fs;

import org.springframework.stereotype.Service;

import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.mds.auth.Caller;
import io.curve4j.proto.fs.v1.AddPartitionRequest;
import io.curve4j.proto.fs.v1.AllocateChunkIdsRequest;
import io.curve4j.proto.fs.v1.AllocateChunkIdsResponse;
import io.curve4j.proto.fs.v1.BeginTxRequest;
import io.curve4j.proto.fs.v1.FsInfoResponse;
import io.curve4j.proto.fs.v1.FsServiceGrpc;
import io.curve4j.proto.fs.v1.GetFsRequest;
import io.curve4j.proto.fs.v1.GetPartitionsRequest;
import io.curve4j.proto.fs.v1.GetPartitionsResponse;
import io.curve4j.proto.fs.v1.MountRequest;
import io.curve4j.proto.fs.v1.MountResponse;
import io.curve4j.proto.fs.v1.RefreshMountRequest;
import io.curve4j.proto.fs.v1.TxRequest;
import io.curve4j.proto.fs.v1.TxResponse;
import io.curve4j.proto.fs.v1.UmountRequest;
import io.curve4j.proto.fs.v1.UmountResponse;
import io.curve4j.proto.mds.v1.FsTxRecord;
import io.grpc.stub.StreamObserver;

/** File systems for mounts over gRPC, on behalf of the user that signed the call. */
@Service
class FsGrpcService extends FsServiceGrpc.FsServiceImplBase {

	private final FileSystems fileSystems;

	FsGrpcService(FileSystems fileSystems) {
		this.fileSystems = fileSystems;
	}

	@Override
	public void getFs(GetFsRequest request, StreamObserver<FsInfoResponse> observer) {
		GrpcAnswers.unary(observer, () -> FsInfoResponse.newBuilder()
			.setFs(this.fileSystems.info(request.getName(), Caller.ofGrpcCall()))
			.build());
	}

	@Override
	public void mount(MountRequest request, StreamObserver<MountResponse> observer) {
		GrpcAnswers.unary(observer, () -> this.fileSystems.mount(request, Caller.ofGrpcCall()));
	}

	@Override
	public void refreshMount(RefreshMountRequest request, StreamObserver<MountResponse> observer) {
		GrpcAnswers.unary(observer,
				() -> this.fileSystems.refresh(request.getFsId(), request.getMountId(), Caller.ofGrpcCall()));
	}

	@Override
	public void umount(UmountRequest request, StreamObserver<UmountResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			this.fileSystems.umount(request.getFsId(), request.getMountId(), Caller.ofGrpcCall());
			return UmountResponse.getDefaultInstance();
		});
	}

	@Override
	public void getPartitions(GetPartitionsRequest request, StreamObserver<GetPartitionsResponse> observer) {
		GrpcAnswers.unary(observer, () -> GetPartitionsResponse.newBuilder()
			.addAllPartitions(this.fileSystems.partitions(request.getFsId(), Caller.ofGrpcCall()))
			.build());
	}

	@Override
	public void addPartition(AddPartitionRequest request, StreamObserver<GetPartitionsResponse> observer) {
		GrpcAnswers.unary(observer, () -> GetPartitionsResponse.newBuilder()
			.addAllPartitions(this.fileSystems.addPartition(request.getFsId(), request.getKnownPartitionId(),
					Caller.ofGrpcCall()))
			.build());
	}

	@Override
	public void allocateChunkIds(AllocateChunkIdsRequest request, StreamObserver<AllocateChunkIdsResponse> observer) {
		GrpcAnswers.unary(observer, () -> AllocateChunkIdsResponse.newBuilder()
			.setFirstChunkId(this.fileSystems.allocateChunkIds(request.getFsId(), request.getCount(), Caller.ofGrpcCall()))
			.setCount(request.getCount())
			.build());
	}

	@Override
	public void beginTx(BeginTxRequest request, StreamObserver<TxResponse> observer) {
		GrpcAnswers.unary(observer, () -> tx(this.fileSystems.beginTx(request.getFsId(), request.getMountId(),
				request.getPartitionIdsList(), Caller.ofGrpcCall())));
	}

	@Override
	public void commitTx(TxRequest request, StreamObserver<TxResponse> observer) {
		GrpcAnswers.unary(observer, () -> tx(this.fileSystems.commitTx(request.getFsId(), request.getTxId(),
				request.getMountId(), Caller.ofGrpcCall())));
	}

	@Override
	public void abortTx(TxRequest request, StreamObserver<TxResponse> observer) {
		GrpcAnswers.unary(observer, () -> tx(this.fileSystems.abortTx(request.getFsId(), request.getTxId(),
				request.getMountId(), Caller.ofGrpcCall())));
	}

	@Override
	public void getTx(TxRequest request, StreamObserver<TxResponse> observer) {
		GrpcAnswers.unary(observer,
				() -> tx(this.fileSystems.getTx(request.getFsId(), request.getTxId(), Caller.ofGrpcCall())));
	}

	private static TxResponse tx(FsTxRecord tx) {
		return TxResponse.newBuilder()
			.setTxId(tx.getId())
			.setState(tx.getState())
			.setDeadlineMs(tx.getDeadlineMs())
			.build();
	}

}
