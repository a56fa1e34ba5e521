package io.curve4j.mds.namespace;

import org.springframework.stereotype.Service;

import io.curve4j.common.grpc.GrpcAnswers;
import io.curve4j.mds.auth.Caller;
import io.curve4j.proto.mds.v1.CloseVolumeRequest;
import io.curve4j.proto.mds.v1.CloseVolumeResponse;
import io.curve4j.proto.mds.v1.CreateDirectoryRequest;
import io.curve4j.proto.mds.v1.CreateVolumeRequest;
import io.curve4j.proto.mds.v1.DeleteFileRequest;
import io.curve4j.proto.mds.v1.DeleteFileResponse;
import io.curve4j.proto.mds.v1.ExtendVolumeRequest;
import io.curve4j.proto.mds.v1.FileInfoResponse;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.ListDirectoryRequest;
import io.curve4j.proto.mds.v1.ListDirectoryResponse;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.OpenVolumeRequest;
import io.curve4j.proto.mds.v1.OpenVolumeResponse;
import io.curve4j.proto.mds.v1.RefreshSessionRequest;
import io.curve4j.proto.mds.v1.RefreshSessionResponse;
import io.curve4j.proto.mds.v1.RenameFileRequest;
import io.curve4j.proto.mds.v1.StatFileRequest;
import io.grpc.stub.StreamObserver;

/** The namespace for the SDK over gRPC, on behalf of the caller that signed the call. */
@Service
class NamespaceGrpcService extends NamespaceServiceGrpc.NamespaceServiceImplBase {

	private final Namespace namespace;

	NamespaceGrpcService(Namespace namespace) {
		this.namespace = namespace;
	}

	@Override
	public void createDirectory(CreateDirectoryRequest request, StreamObserver<FileInfoResponse> observer) {
		GrpcAnswers.unary(observer,
				() -> info(this.namespace.createDirectory(request.getPath(), request.getOwner(), Caller.ofGrpcCall())));
	}

	@Override
	public void createVolume(CreateVolumeRequest request, StreamObserver<FileInfoResponse> observer) {
		GrpcAnswers.unary(observer,
				() -> info(this.namespace.createVolume(request.getPath(), request.getLength(), request.getOwner(),
						Caller.ofGrpcCall())));
	}

	@Override
	public void statFile(StatFileRequest request, StreamObserver<FileInfoResponse> observer) {
		GrpcAnswers.unary(observer, () -> info(this.namespace.stat(request.getPath(), Caller.ofGrpcCall())));
	}

	@Override
	public void listDirectory(ListDirectoryRequest request, StreamObserver<ListDirectoryResponse> observer) {
		GrpcAnswers.unary(observer, () -> ListDirectoryResponse.newBuilder()
			.addAllFiles(this.namespace.list(request.getPath(), Caller.ofGrpcCall()).stream().map(FileEntry::toProto).toList())
			.build());
	}

	@Override
	public void renameFile(RenameFileRequest request, StreamObserver<FileInfoResponse> observer) {
		GrpcAnswers.unary(observer, () -> info(this.namespace.rename(request.getPath(), request.getNewPath(), Caller.ofGrpcCall())));
	}

	@Override
	public void extendVolume(ExtendVolumeRequest request, StreamObserver<FileInfoResponse> observer) {
		GrpcAnswers.unary(observer, () -> info(this.namespace.extend(request.getPath(), request.getNewLength(), Caller.ofGrpcCall())));
	}

	@Override
	public void deleteFile(DeleteFileRequest request, StreamObserver<DeleteFileResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			this.namespace.delete(request.getPath(), FileType.FILE_TYPE_UNSPECIFIED, Caller.ofGrpcCall());
			return DeleteFileResponse.getDefaultInstance();
		});
	}

	@Override
	public void openVolume(OpenVolumeRequest request, StreamObserver<OpenVolumeResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			Namespace.Opened opened = this.namespace.open(request.getPath(), request.getClientId(), Caller.ofGrpcCall());
			return OpenVolumeResponse.newBuilder()
				.setFile(opened.file().toProto())
				.setSessionId(opened.session().id())
				.setLeaseMs(this.namespace.sessionLeaseMillis())
				.build();
		});
	}

	@Override
	public void refreshSession(RefreshSessionRequest request, StreamObserver<RefreshSessionResponse> observer) {
		GrpcAnswers.unary(observer, () -> RefreshSessionResponse.newBuilder()
			.setFile(this.namespace.refresh(request.getPath(), request.getSessionId(), request.getSeqNum(),
					Caller.ofGrpcCall()).toProto())
			.setLeaseMs(this.namespace.sessionLeaseMillis())
			.build());
	}

	@Override
	public void closeVolume(CloseVolumeRequest request, StreamObserver<CloseVolumeResponse> observer) {
		GrpcAnswers.unary(observer, () -> {
			this.namespace.close(request.getPath(), request.getSessionId(), Caller.ofGrpcCall());
			return CloseVolumeResponse.getDefaultInstance();
		});
	}

	private static FileInfoResponse info(FileEntry entry) {
		return FileInfoResponse.newBuilder().setFile(entry.toProto()).build();
	}

}
