package io.curve4j.sdk.block;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.common.error.NotLeaderException;
import io.curve4j.proto.common.v1.CopysetMembers;
import io.curve4j.proto.mds.v1.ChunkLocation;
import io.curve4j.proto.mds.v1.CloneInfo;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.CloseVolumeRequest;
import io.curve4j.proto.mds.v1.CloseVolumeResponse;
import io.curve4j.proto.mds.v1.CreateDirectoryRequest;
import io.curve4j.proto.mds.v1.CreateVolumeRequest;
import io.curve4j.proto.mds.v1.DeleteFileRequest;
import io.curve4j.proto.mds.v1.DeleteFileResponse;
import io.curve4j.proto.mds.v1.ExtendVolumeRequest;
import io.curve4j.proto.mds.v1.FileInfo;
import io.curve4j.proto.mds.v1.FileInfoResponse;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.GetCopysetMembersRequest;
import io.curve4j.proto.mds.v1.GetCopysetMembersResponse;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentRequest;
import io.curve4j.proto.mds.v1.GetOrAllocateSegmentResponse;
import io.curve4j.proto.mds.v1.ListDirectoryRequest;
import io.curve4j.proto.mds.v1.ListDirectoryResponse;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.OpenVolumeRequest;
import io.curve4j.proto.mds.v1.OpenVolumeResponse;
import io.curve4j.proto.mds.v1.RefreshSessionRequest;
import io.curve4j.proto.mds.v1.RefreshSessionResponse;
import io.curve4j.proto.mds.v1.SegmentServiceGrpc;
import io.curve4j.proto.mds.v1.StatFileRequest;

/**
 * An in-memory MDS on an in-process gRPC server: enough namespace, sessions and segment
 * allocation for the SDK's tests. A follower (with {@link #followerOf}) answers every
 * call with NOT_LEADER and the leader's address as hint. In-process by name, or on a
 * loopback TCP port when the name is null (tests of the command line).
 */
public final class FakeMds implements AutoCloseable {

	public final String address;

	final Map<String, FileInfo> files = new ConcurrentHashMap<>();

	final Map<String, List<ChunkLocation>> segments = new ConcurrentHashMap<>();

	final Set<String> sessions = ConcurrentHashMap.newKeySet();

	public final AtomicInteger allocations = new AtomicInteger();

	final AtomicInteger opens = new AtomicInteger();

	final AtomicInteger refreshes = new AtomicInteger();

	/** Every refresh answered, in order. */
	final List<Refresh> refreshLog = new CopyOnWriteArrayList<>();

	/** While set, refreshes fail with UNAVAILABLE, as if the MDS could not be reached. */
	volatile boolean refreshUnavailable;

	final AtomicInteger calls = new AtomicInteger();

	private final int chunkSize;

	private final long segmentSize;

	private final List<CopysetMembers> copysets;

	private final AtomicLong ids = new AtomicLong(1);

	private final AtomicLong chunkIds = new AtomicLong(1);

	volatile long leaseMs = 20_000;

	private volatile String leaderHint;

	private final Server server;

	public FakeMds(String name, int chunkSize, long segmentSize, List<CopysetMembers> copysets) throws IOException {
		this.chunkSize = chunkSize;
		this.segmentSize = segmentSize;
		this.copysets = copysets;
		this.files.put("/", FileInfo.newBuilder().setId(0).setPath("/").setName("/").setType(FileType.DIRECTORY).build());
		ServerBuilder<?> builder = name != null ? InProcessServerBuilder.forName(name)
				: Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create());
		this.server = builder.addService(new Namespace()).addService(new Segments()).build().start();
		this.address = name != null ? name : "127.0.0.1:" + this.server.getPort();
	}

	FakeMds followerOf(String leader) {
		this.leaderHint = leader;
		return this;
	}

	@Override
	public void close() {
		this.server.shutdownNow();
	}

	private boolean rejected(StreamObserver<?> observer) {
		this.calls.incrementAndGet();
		if (this.leaderHint != null) {
			observer.onError(GrpcErrors.toStatus(new NotLeaderException("not the MDS leader", this.leaderHint)));
			return true;
		}
		return false;
	}

	private static void fail(StreamObserver<?> observer, ErrorCode code, String detail) {
		observer.onError(GrpcErrors.toStatus(new CurveException(code, detail)));
	}

	/**
	 * Takes a snapshot of {@code path} as the MDS does: the volume's sequence number goes up
	 * by one, the old one becomes the snapshot's.
	 * @return the volume's new sequence number
	 */
	long snapshot(String path) {
		FileInfo raised = this.files.computeIfPresent(path, (p, file) -> file.toBuilder()
			.setSeqNum(file.getSeqNum() + 1)
			.clearSnapshotSeqs()
			.addSnapshotSeqs(file.getSeqNum())
			.build());
		return raised.getSeqNum();
	}

	/** A volume of any size, bypassing the client's whole-segment check (tests use small segments). */
	FileInfo volume(String path, long length) {
		return create(path, FileType.VOLUME, length, "test");
	}

	/** A volume linked to a source snapshot of {@code sourceChunks} chunks, as the MDS's clones are. */
	FileInfo clone(String path, long length, CloneStatus status, long sourceChunks) {
		FileInfo linked = create(path, FileType.VOLUME, length, "test").toBuilder()
			.setClone(CloneInfo.newBuilder()
				.setSourceVolumeId(999)
				.setSourcePath("/source")
				.setSnapshotId("snap-1")
				.setStatus(status)
				.setSourceChunks(sourceChunks))
			.build();
		this.files.put(path, linked);
		return linked;
	}

	private FileInfo create(String path, FileType type, long length, String owner) {
		String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
		FileInfo parentInfo = this.files.get(parent);
		if (parentInfo == null) {
			throw new CurveException(ErrorCode.DIRECTORY_NOT_FOUND, parent + " does not exist");
		}
		FileInfo info = FileInfo.newBuilder()
			.setId(this.ids.incrementAndGet())
			.setParentId(parentInfo.getId())
			.setName(path.substring(path.lastIndexOf('/') + 1))
			.setPath(path)
			.setType(type)
			.setOwner(owner)
			.setLength(length)
			.setChunkSize(type == FileType.VOLUME ? this.chunkSize : 0)
			.setSegmentSize(type == FileType.VOLUME ? this.segmentSize : 0)
			.setSeqNum(1)
			.setCtime(System.currentTimeMillis())
			.build();
		if (this.files.putIfAbsent(path, info) != null) {
			throw new CurveException(type == FileType.VOLUME ? ErrorCode.VOLUME_EXISTS : ErrorCode.FILE_EXISTS,
					path + " exists");
		}
		return info;
	}

	private FileInfo existing(String path) {
		FileInfo info = this.files.get(path);
		if (info == null) {
			throw new CurveException(ErrorCode.VOLUME_NOT_FOUND, path + " does not exist");
		}
		return info;
	}

	private final class Namespace extends NamespaceServiceGrpc.NamespaceServiceImplBase {

		private void answer(StreamObserver<FileInfoResponse> observer, Supplier<FileInfo> action) {
			if (rejected(observer)) {
				return;
			}
			try {
				observer.onNext(FileInfoResponse.newBuilder().setFile(action.get()).build());
				observer.onCompleted();
			}
			catch (CurveException ex) {
				observer.onError(GrpcErrors.toStatus(ex));
			}
		}

		@Override
		public void createDirectory(CreateDirectoryRequest request, StreamObserver<FileInfoResponse> observer) {
			answer(observer, () -> create(request.getPath(), FileType.DIRECTORY, 0, request.getOwner()));
		}

		@Override
		public void createVolume(CreateVolumeRequest request, StreamObserver<FileInfoResponse> observer) {
			answer(observer, () -> create(request.getPath(), FileType.VOLUME, request.getLength(), request.getOwner()));
		}

		@Override
		public void statFile(StatFileRequest request, StreamObserver<FileInfoResponse> observer) {
			answer(observer, () -> existing(request.getPath()));
		}

		@Override
		public void extendVolume(ExtendVolumeRequest request, StreamObserver<FileInfoResponse> observer) {
			answer(observer, () -> {
				FileInfo grown = existing(request.getPath()).toBuilder().setLength(request.getNewLength()).build();
				FakeMds.this.files.put(grown.getPath(), grown);
				return grown;
			});
		}

		@Override
		public void listDirectory(ListDirectoryRequest request, StreamObserver<ListDirectoryResponse> observer) {
			if (rejected(observer)) {
				return;
			}
			FileInfo dir = FakeMds.this.files.get(request.getPath());
			List<FileInfo> children = new ArrayList<>();
			FakeMds.this.files.values()
				.stream()
				.filter((f) -> dir != null && f.getParentId() == dir.getId() && !f.getPath().equals("/"))
				.forEach(children::add);
			observer.onNext(ListDirectoryResponse.newBuilder().addAllFiles(children).build());
			observer.onCompleted();
		}

		@Override
		public void deleteFile(DeleteFileRequest request, StreamObserver<DeleteFileResponse> observer) {
			if (rejected(observer)) {
				return;
			}
			if (FakeMds.this.files.remove(request.getPath()) == null) {
				fail(observer, ErrorCode.VOLUME_NOT_FOUND, request.getPath() + " does not exist");
				return;
			}
			observer.onNext(DeleteFileResponse.getDefaultInstance());
			observer.onCompleted();
		}

		@Override
		public void openVolume(OpenVolumeRequest request, StreamObserver<OpenVolumeResponse> observer) {
			if (rejected(observer)) {
				return;
			}
			FileInfo file = FakeMds.this.files.get(request.getPath());
			if (file == null) {
				fail(observer, ErrorCode.VOLUME_NOT_FOUND, request.getPath() + " does not exist");
				return;
			}
			String session = "s" + FakeMds.this.opens.incrementAndGet();
			FakeMds.this.sessions.add(session);
			observer.onNext(OpenVolumeResponse.newBuilder()
				.setFile(file)
				.setSessionId(session)
				.setLeaseMs(FakeMds.this.leaseMs)
				.build());
			observer.onCompleted();
		}

		@Override
		public void refreshSession(RefreshSessionRequest request, StreamObserver<RefreshSessionResponse> observer) {
			if (rejected(observer)) {
				return;
			}
			FakeMds.this.refreshes.incrementAndGet();
			if (FakeMds.this.refreshUnavailable) {
				fail(observer, ErrorCode.UNAVAILABLE, "the MDS cannot be reached");
				return;
			}
			if (!FakeMds.this.sessions.contains(request.getSessionId())) {
				fail(observer, ErrorCode.SESSION_NOT_FOUND, "no session " + request.getSessionId());
				return;
			}
			FileInfo file = FakeMds.this.files.get(request.getPath());
			FakeMds.this.refreshLog.add(new Refresh(request.getSessionId(), request.getSeqNum(), file.getSeqNum(),
					System.nanoTime()));
			observer.onNext(RefreshSessionResponse.newBuilder()
				.setFile(file)
				.setLeaseMs(FakeMds.this.leaseMs)
				.build());
			observer.onCompleted();
		}

		@Override
		public void closeVolume(CloseVolumeRequest request, StreamObserver<CloseVolumeResponse> observer) {
			if (rejected(observer)) {
				return;
			}
			FakeMds.this.sessions.remove(request.getSessionId());
			observer.onNext(CloseVolumeResponse.getDefaultInstance());
			observer.onCompleted();
		}

	}

	private final class Segments extends SegmentServiceGrpc.SegmentServiceImplBase {

		@Override
		public void getOrAllocateSegment(GetOrAllocateSegmentRequest request,
				StreamObserver<GetOrAllocateSegmentResponse> observer) {
			if (rejected(observer)) {
				return;
			}
			String key = request.getFileId() + "@" + request.getOffset();
			List<ChunkLocation> chunks = FakeMds.this.segments.get(key);
			if (chunks == null && !request.getAllocate()) {
				fail(observer, ErrorCode.SEGMENT_NOT_ALLOCATED, "segment " + key + " is not allocated");
				return;
			}
			if (chunks == null) {
				chunks = FakeMds.this.segments.computeIfAbsent(key, (k) -> {
					FakeMds.this.allocations.incrementAndGet();
					List<ChunkLocation> allocated = new ArrayList<>();
					for (int i = 0; i < FakeMds.this.segmentSize / FakeMds.this.chunkSize; i++) {
						CopysetMembers copyset = FakeMds.this.copysets.get(i % FakeMds.this.copysets.size());
						allocated.add(ChunkLocation.newBuilder()
							.setCopyset(copyset.getKey())
							.setChunkId(FakeMds.this.chunkIds.getAndIncrement())
							.build());
					}
					return allocated;
				});
			}
			observer.onNext(GetOrAllocateSegmentResponse.newBuilder()
				.setFileId(request.getFileId())
				.setOffset(request.getOffset())
				.addAllChunks(chunks)
				.build());
			observer.onCompleted();
		}

		@Override
		public void getCopysetMembers(GetCopysetMembersRequest request,
				StreamObserver<GetCopysetMembersResponse> observer) {
			if (rejected(observer)) {
				return;
			}
			GetCopysetMembersResponse.Builder response = GetCopysetMembersResponse.newBuilder();
			FakeMds.this.copysets.stream()
				.filter((c) -> request.getCopysetsList().contains(c.getKey()))
				.forEach(response::addCopysets);
			observer.onNext(response.build());
			observer.onCompleted();
		}

	}

	/**
	 * One answered refresh.
	 * @param reportedSeq the sequence number the client said it writes with
	 * @param answeredSeq the volume's sequence number in the answer
	 * @param atNanos {@link System#nanoTime} of its arrival
	 */
	record Refresh(String sessionId, long reportedSeq, long answeredSeq, long atNanos) {
	}

}
