package io.curve4j.sdk.block;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.MdsMemberList;
import io.curve4j.common.size.Sizes;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc;
import io.curve4j.proto.mds.v1.CreateDirectoryRequest;
import io.curve4j.proto.mds.v1.CreateVolumeRequest;
import io.curve4j.proto.mds.v1.DeleteFileRequest;
import io.curve4j.proto.mds.v1.DeleteFileResponse;
import io.curve4j.proto.mds.v1.ExtendVolumeRequest;
import io.curve4j.proto.mds.v1.FileInfoResponse;
import io.curve4j.proto.mds.v1.ListDirectoryRequest;
import io.curve4j.proto.mds.v1.ListDirectoryResponse;
import io.curve4j.proto.mds.v1.NamespaceServiceGrpc.NamespaceServiceStub;
import io.curve4j.proto.mds.v1.RenameFileRequest;
import io.curve4j.proto.mds.v1.StatFileRequest;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.sdk.metacache.ChannelPool;
import io.curve4j.sdk.metacache.MdsClient;
import io.curve4j.sdk.metacache.RequestSigner;
import io.curve4j.sdk.metacache.MetaCache;
import io.curve4j.sdk.retry.BoundedRetry;
import io.curve4j.sdk.retry.RetrySettings;

/**
 * Entry point of the block SDK: namespace calls on the MDS and {@link #open} for volume
 * I/O. Every failure is a {@link CurveException}; branch on its {@code code()}.
 * <p>
 * <pre>{@code
 * try (CurveClient client = CurveClient.builder().mdsAddresses("127.0.0.1:6700").build();
 *      Volume volume = client.open("/demo/vol1")) {
 *     volume.write(0, data);
 * }
 * }</pre>
 * One client serves many volumes and threads; it owns the gRPC channels (one per
 * server), the metacache and two scheduler threads (retry backoff, session refresh, the
 * start of I/O that a volume's QoS limits delay).
 */
public final class CurveClient implements AutoCloseable {

	/**
	 * The largest payload of one chunk request: a chunkserver's gRPC server takes messages
	 * of up to 17 MB (chunkserver.yml), 16 MiB of data and the request around it.
	 */
	private static final int MAX_REQUEST_SIZE = (int) (16 * Sizes.MIB);

	private static final AtomicInteger THREADS = new AtomicInteger();

	private final String owner;

	private final String clientId;

	private final ScheduledExecutorService scheduler;

	private final ChannelPool channels;

	private final MdsClient mds;

	private final MetaCache cache;

	private final ChunkIo chunkIo;

	private final MeterRegistry meters;

	private final int maxRequest;

	/** The MDS's REST API, for the calls only it offers (clones); null without HTTP addresses. */
	private final MdsRestApi rest;

	private CurveClient(Builder builder) {
		this.owner = builder.owner;
		this.clientId = builder.clientId;
		this.maxRequest = builder.maxRequestSize;
		this.scheduler = Executors.newScheduledThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "curve-client-" + THREADS.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		((ScheduledThreadPoolExecutor) this.scheduler).setRemoveOnCancelPolicy(true);
		this.channels = new ChannelPool(builder.channelFactory != null ? builder.channelFactory
				: ChannelPool.plaintext(Math.max(4 * (int) Sizes.MIB, 2 * builder.maxRequestSize)));
		BoundedRetry retry = new BoundedRetry("curve-client", builder.retry, this.scheduler);
		this.mds = new MdsClient(builder.mdsMembers, this.channels, retry,
				builder.password == null ? null : new RequestSigner(SigningKey.of(builder.owner, builder.password)));
		this.cache = new MetaCache(this.mds, this.channels);
		this.chunkIo = new ChunkIo(this.cache, this.channels, retry);
		this.meters = builder.meterRegistry != null ? builder.meterRegistry : new CompositeMeterRegistry();
		this.rest = builder.mdsHttpAddresses == null ? null
				: MdsRestApi.connect(builder.mdsHttpAddresses,
						builder.password == null ? null : new Credentials(builder.owner, builder.password));
	}

	public static Builder builder() {
		return new Builder();
	}

	public FileStat createDirectory(String path) {
		CreateDirectoryRequest request = CreateDirectoryRequest.newBuilder()
			.setPath(checkPath(path))
			.setOwner(this.owner)
			.build();
		return file("create directory " + path, false, (stub, observer) -> stub.createDirectory(request, observer));
	}

	/**
	 * Creates {@code path} and every missing directory above it, like {@code mkdir -p};
	 * directories that exist are left alone.
	 * @return the directory at {@code path}
	 */
	public FileStat createDirectories(String path) {
		checkPath(path);
		FileStat last = null;
		StringBuilder current = new StringBuilder();
		for (String part : path.split("/")) {
			if (part.isEmpty()) {
				continue;
			}
			current.append('/').append(part);
			last = directory(current.toString());
		}
		return last != null ? last : stat("/");
	}

	private FileStat directory(String path) {
		try {
			FileStat existing = stat(path);
			if (!existing.isDirectory()) {
				throw new CurveException(ErrorCode.NOT_A_DIRECTORY, path + " is a volume, not a directory");
			}
			return existing;
		}
		catch (CurveException ex) {
			if (ex.code() != ErrorCode.DIRECTORY_NOT_FOUND && ex.code() != ErrorCode.VOLUME_NOT_FOUND) {
				throw ex;
			}
		}
		try {
			return createDirectory(path);
		}
		catch (CurveException ex) {
			// created concurrently by someone else: fine if it is a directory
			if (ex.code() == ErrorCode.FILE_EXISTS || ex.code() == ErrorCode.VOLUME_EXISTS) {
				return stat(path);
			}
			throw ex;
		}
	}

	/**
	 * @param bytes size, a positive whole number of segments (1 GiB by default; the MDS
	 * rejects other sizes with {@code SIZE_NOT_SEGMENT_ALIGNED})
	 */
	public FileStat createVolume(String path, long bytes) {
		checkPath(path);
		checkPositive(bytes);
		CreateVolumeRequest request = CreateVolumeRequest.newBuilder()
			.setPath(path)
			.setLength(bytes)
			.setOwner(this.owner)
			.build();
		return file("create volume " + path, false, (stub, observer) -> stub.createVolume(request, observer));
	}

	public FileStat stat(String path) {
		StatFileRequest request = StatFileRequest.newBuilder().setPath(checkPath(path)).build();
		return file("stat " + path, true, (stub, observer) -> stub.statFile(request, observer));
	}

	/** Entries of a directory, as the MDS orders them. */
	public List<FileStat> list(String directory) {
		ListDirectoryRequest request = ListDirectoryRequest.newBuilder().setPath(checkPath(directory)).build();
		CompletableFuture<ListDirectoryResponse> call = this.mds.call("list " + directory, true, NamespaceServiceGrpc::newStub,
				(stub, observer) -> stub.listDirectory(request, observer));
		return BoundedRetry.join(call).getFilesList().stream().map((info) -> FileStat.of(info, directory)).toList();
	}

	public FileStat rename(String path, String newPath) {
		RenameFileRequest request = RenameFileRequest.newBuilder()
			.setPath(checkPath(path))
			.setNewPath(checkPath(newPath))
			.build();
		return file("rename " + path, false, (stub, observer) -> stub.renameFile(request, observer));
	}

	/** Grows a volume to {@code newBytes} (larger than now, whole segments). */
	public FileStat extend(String path, long newBytes) {
		checkPath(path);
		checkPositive(newBytes);
		ExtendVolumeRequest request = ExtendVolumeRequest.newBuilder()
			.setPath(path)
			.setNewLength(newBytes)
			.build();
		return file("extend " + path, false, (stub, observer) -> stub.extendVolume(request, observer));
	}

	/** Deletes a volume or an empty directory. */
	public void delete(String path) {
		DeleteFileRequest request = DeleteFileRequest.newBuilder().setPath(checkPath(path)).build();
		CompletableFuture<DeleteFileResponse> call = this.mds.call("delete " + path, false, NamespaceServiceGrpc::newStub,
				(stub, observer) -> stub.deleteFile(request, observer));
		BoundedRetry.join(call);
	}

	/**
	 * Makes a clone at {@code newPath}: a volume that reads its source until it is written
	 * or flattened. Needs {@link Builder#mdsHttpAddresses}.
	 * @param source {@code /dir/vol@snapshot}, a snapshot DONE in the object store, or
	 * {@code /dir/vol}: the MDS then snapshots the volume for the clone, which cannot be
	 * opened ({@code SNAPSHOT_NOT_READY}) until that snapshot is in the object store
	 * @param lazy true: the clone reads the source until {@link #flatten}; false: the
	 * snapshot service flattens it as soon as the source is in the object store
	 * @return the clone, {@link FileStat#cloneLink()} set
	 * @throws CurveException {@code SNAPSHOT_NOT_FOUND}, {@code SNAPSHOT_NOT_READY} (the
	 * snapshot is not in the object store yet), {@code VOLUME_NOT_FOUND},
	 * {@code CLONE_NOT_FLATTENED} (the source volume is itself a clone that reads its
	 * source), {@code VOLUME_EXISTS}/{@code FILE_EXISTS}, {@code NOT_OWNER}
	 */
	public FileStat clone(String source, String newPath, boolean lazy) {
		checkPath(source);
		checkPath(newPath);
		rest().createClone(new MdsRestApi.NewClone(source, newPath, lazy));
		return stat(newPath);
	}

	/**
	 * Starts the flatten of a clone: the snapshot service copies what the clone still reads
	 * from its source into it, then the link ends ({@link FileStat#cloneLink()} null). Returns
	 * at once (the clone FLATTENING); asking again is harmless. Needs
	 * {@link Builder#mdsHttpAddresses}.
	 * @throws CurveException {@code NOT_A_CLONE} when the volume reads no source (never a
	 * clone, or flattened already)
	 */
	public FileStat flatten(String path) {
		rest().flatten(new MdsRestApi.PathBody(checkPath(path)));
		return stat(path);
	}

	private MdsRestApi rest() {
		if (this.rest == null) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"clones go through the MDS's REST API: build the client with mdsHttpAddresses");
		}
		return this.rest;
	}

	/** Opens a volume for I/O with a session that this client keeps alive until {@link Volume#close()}. */
	public Volume open(String path) {
		VolumeSession session = VolumeSession.open(checkPath(path), this.clientId, this.mds, this.scheduler);
		return new Volume(path, session, this.chunkIo, this.cache, new VolumeMetrics(this.meters, path), this.maxRequest,
				this.scheduler);
	}

	/**
	 * Opens the in-cluster snapshot {@code snapshotSeq} of the volume at {@code path} for
	 * reading (the snapshot service's view): no session, so the volume stays free for its
	 * owner. Whether the chunks still hold that snapshot is the chunkservers' answer
	 * ({@code SNAPSHOT_NOT_FOUND} once its copies are deleted).
	 * @param snapshotSeq the snapshot's sequence number (1 or more)
	 */
	public VolumeSnapshot openSnapshot(String path, long snapshotSeq) {
		if (snapshotSeq < 1) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"snapshot sequence number " + snapshotSeq + " is not one (they start at 1)");
		}
		FileStat volume = stat(path);
		if (volume.isDirectory()) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, path + " is a directory, not a volume");
		}
		return new VolumeSnapshot(volume, snapshotSeq, this.chunkIo, this.maxRequest);
	}

	/** Closes the channels and threads; close volumes first (their sessions otherwise expire on the MDS). */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.channels.close();
	}

	private FileStat file(String what, boolean idempotent,
			BiConsumer<NamespaceServiceStub, StreamObserver<FileInfoResponse>> call) {
		return FileStat.of(BoundedRetry.join(this.mds.call(what, idempotent, NamespaceServiceGrpc::newStub, call)).getFile());
	}

	private static String checkPath(String path) {
		if (path == null || !path.startsWith("/")) {
			throw new CurveException(ErrorCode.INVALID_PATH,
					"'" + path + "' is not an absolute path (start it with /)");
		}
		return path;
	}

	private static void checkPositive(long bytes) {
		if (bytes <= 0) {
			throw new CurveException(ErrorCode.INVALID_SIZE, "size " + bytes + " is not positive");
		}
	}

	/** Settings of a {@link CurveClient}; only the MDS members ({@link #mdsAddresses}) are required. */
	public static final class Builder {

		private Supplier<List<String>> mdsMembers;

		private List<String> mdsHttpAddresses;

		private String owner = "root";

		private String password;

		private String clientId = defaultClientId();

		private RetrySettings retry = RetrySettings.DEFAULTS;

		private int maxRequestSize = (int) Sizes.MIB;

		private MeterRegistry meterRegistry;

		private Function<String, ManagedChannel> channelFactory;

		private Builder() {
		}

		/** gRPC addresses ({@code host:port}) of the MDS members; any one may lead. */
		public Builder mdsAddresses(List<String> addresses) {
			this.mdsMembers = MdsMemberList.fixed(addresses);
			return this;
		}

		/**
		 * gRPC addresses of the MDS members from a service registry: asked before the first
		 * call and again at every failover; it throws {@link CurveException} when it finds none.
		 */
		public Builder mdsMembers(Supplier<List<String>> members) {
			this.mdsMembers = members;
			return this;
		}

		public Builder mdsAddresses(String... addresses) {
			return mdsAddresses(List.of(addresses));
		}

		/** HTTP addresses ({@code host:port}) of the MDS members, for {@link CurveClient#clone} and {@link CurveClient#flatten}. */
		public Builder mdsHttpAddresses(List<String> addresses) {
			this.mdsHttpAddresses = List.copyOf(addresses);
			return this;
		}

		/** Owner recorded on created volumes and directories. Default {@code root}. */
		public Builder owner(String owner) {
			this.owner = Objects.requireNonNull(owner);
			return this;
		}

		/**
		 * The owner and its password: every MDS call is then signed as that user, who sees
		 * and changes only its own volumes ({@code root} all). Without a password calls are
		 * unsigned, which only an MDS without authentication accepts.
		 */
		public Builder credentials(String owner, String password) {
			this.owner = Objects.requireNonNull(owner);
			this.password = Objects.requireNonNull(password);
			return this;
		}

		/** Identifies this client's sessions on the MDS. Default: host, pid and a random part. */
		public Builder clientId(String clientId) {
			this.clientId = Objects.requireNonNull(clientId);
			return this;
		}

		/** Overall deadline of one I/O or namespace call, retries included. Default 30 s. */
		public Builder ioTimeout(Duration timeout) {
			this.retry = this.retry.withOperationTimeout(timeout);
			return this;
		}

		/** Deadline of a single RPC. Default 5 s. */
		public Builder rpcTimeout(Duration timeout) {
			this.retry = this.retry.withRpcTimeout(timeout);
			return this;
		}

		/** Exponential backoff between retries. Default 20 ms doubling up to 250 ms. */
		public Builder backoff(Duration initial, Duration max) {
			this.retry = this.retry.withBackoff(initial, max);
			return this;
		}

		public Builder retry(RetrySettings settings) {
			this.retry = Objects.requireNonNull(settings);
			return this;
		}

		/** Largest sub-request sent to a chunkserver, a multiple of 512. Default 1 MiB. */
		public Builder maxRequestSize(int bytes) {
			if (bytes <= 0 || bytes % Sizes.SECTOR_SIZE != 0 || bytes > MAX_REQUEST_SIZE) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "maxRequestSize " + bytes
						+ " must be a positive multiple of " + Sizes.SECTOR_SIZE + " up to " + Sizes.format(MAX_REQUEST_SIZE));
			}
			this.maxRequestSize = bytes;
			return this;
		}

		/** Where I/O timers and byte counters go; none by default. */
		public Builder meterRegistry(MeterRegistry registry) {
			this.meterRegistry = registry;
			return this;
		}

		/** How channels to {@code host:port} addresses are made; plaintext gRPC by default. */
		public Builder channelFactory(Function<String, ManagedChannel> factory) {
			this.channelFactory = factory;
			return this;
		}

		public CurveClient build() {
			if (this.mdsMembers == null) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "no MDS address given");
			}
			return new CurveClient(this);
		}

		private static String defaultClientId() {
			return ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
		}

	}

}
