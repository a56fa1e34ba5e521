package io.curve4j.fs.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.proto.fs.v1.AddPartitionRequest;
import io.curve4j.proto.fs.v1.AllocateChunkIdsRequest;
import io.curve4j.proto.fs.v1.AllocateChunkIdsResponse;
import io.curve4j.proto.fs.v1.BeginTxRequest;
import io.curve4j.proto.fs.v1.FsCapability;
import io.curve4j.proto.fs.v1.FsInfo;
import io.curve4j.proto.fs.v1.FsServiceGrpc;
import io.curve4j.proto.fs.v1.GetPartitionsRequest;
import io.curve4j.proto.fs.v1.GetPartitionsResponse;
import io.curve4j.proto.fs.v1.MountRequest;
import io.curve4j.proto.fs.v1.MountResponse;
import io.curve4j.proto.fs.v1.ObjectStoreInfo;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.fs.v1.PartitionStatus;
import io.curve4j.proto.fs.v1.RefreshMountRequest;
import io.curve4j.proto.fs.v1.TxRequest;
import io.curve4j.proto.fs.v1.TxResponse;
import io.curve4j.proto.fs.v1.UmountRequest;
import io.curve4j.proto.fs.v1.UmountResponse;
import io.curve4j.sdk.metacache.MdsClient;

/**
 * One mount's session with the MDS: registered with a lease that a timer renews every
 * lease/3 (each renewal brings a fresh capability and the current partitions), chunk ids
 * taken in batches, and the rename transactions. Once the lease is lost the session is
 * dead: every later call fails with MOUNT_NOT_FOUND rather than act on stale rights.
 */
public final class FsMount implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(FsMount.class);

	/** Chunk ids taken from the MDS at once: one round trip per this many uploaded pieces. */
	private static final int CHUNK_ID_BATCH = 256;

	private final MdsClient mds;

	private final FsInfo fs;

	private final long mountId;

	private final ObjectStoreInfo objectStore;

	private final AtomicInteger nextPartition = new AtomicInteger();

	private volatile FsCapability capability;

	private volatile List<PartitionInfo> partitions;

	private volatile CurveException lost;

	private long nextChunkId;

	private long chunkIdsLeft;

	private FsMount(MdsClient mds, MountResponse mounted) {
		this.mds = mds;
		this.fs = mounted.getFs();
		this.mountId = mounted.getMountId();
		this.objectStore = mounted.getObjectStore();
		this.capability = mounted.getCapability();
		this.partitions = sorted(mounted.getPartitionsList());
	}

	/** Registers the mount and starts renewing its lease on {@code scheduler}. */
	public static FsMount mount(MdsClient mds, String fsName, String host, String mountPoint, CacheMode cache,
			ScheduledExecutorService scheduler) {
		MountRequest request = MountRequest.newBuilder()
			.setFsName(fsName)
			.setHost(host)
			.setMountPoint(mountPoint)
			.setCacheMode(cache.label())
			.build();
		MountResponse mounted = call(mds, "mount " + fsName, false, (stub, observer) -> stub.mount(request, observer));
		FsMount mount = new FsMount(mds, mounted);
		long period = Math.max(1000, mounted.getLeaseMs() / 3);
		scheduler.scheduleWithFixedDelay(mount::refresh, period, period, TimeUnit.MILLISECONDS);
		return mount;
	}

	public FsInfo fs() {
		return this.fs;
	}

	public int fsId() {
		return this.fs.getFsId();
	}

	public long mountId() {
		return this.mountId;
	}

	public ObjectStoreInfo objectStore() {
		return this.objectStore;
	}

	public FsCapability capability() {
		requireAlive();
		return this.capability;
	}

	/** The partition whose inode range holds {@code inodeId}. */
	public PartitionInfo partitionOf(long inodeId) {
		PartitionInfo found = find(this.partitions, inodeId);
		if (found == null) {
			// created since the last refresh by another mount
			found = find(refreshPartitions(), inodeId);
		}
		if (found == null) {
			throw new CurveException(ErrorCode.INODE_NOT_FOUND, "no partition holds inode " + inodeId);
		}
		return found;
	}

	/** Every partition known, in id order. */
	public List<PartitionInfo> partitions() {
		return this.partitions;
	}

	/** The ready partitions in turn, starting from the next one round robin: where new inodes go. */
	public List<PartitionInfo> placementOrder() {
		List<PartitionInfo> ready = this.partitions.stream()
			.filter((p) -> p.getStatus() == PartitionStatus.PARTITION_READY)
			.toList();
		if (ready.isEmpty()) {
			return List.of();
		}
		int start = Math.floorMod(this.nextPartition.getAndIncrement(), ready.size());
		List<PartitionInfo> order = new ArrayList<>(ready.subList(start, ready.size()));
		order.addAll(ready.subList(0, start));
		return order;
	}

	/** Every partition the caller tried is full: the MDS adds one (or hands back one added meanwhile). */
	public List<PartitionInfo> addPartition() {
		int newest = this.partitions.stream().mapToInt(PartitionInfo::getPartitionId).max().orElse(0);
		AddPartitionRequest request = AddPartitionRequest.newBuilder().setFsId(fsId()).setKnownPartitionId(newest).build();
		GetPartitionsResponse added = call("add a partition", false, (stub, o) -> stub.addPartition(request, o));
		this.partitions = sorted(added.getPartitionsList());
		return this.partitions;
	}

	public List<PartitionInfo> refreshPartitions() {
		GetPartitionsRequest request = GetPartitionsRequest.newBuilder().setFsId(fsId()).build();
		GetPartitionsResponse current = call("list partitions", true, (stub, o) -> stub.getPartitions(request, o));
		this.partitions = sorted(current.getPartitionsList());
		return this.partitions;
	}

	/** A chunk id never handed out before, to anyone. */
	public synchronized long nextChunkId() {
		if (this.chunkIdsLeft == 0) {
			AllocateChunkIdsRequest request = AllocateChunkIdsRequest.newBuilder().setFsId(fsId()).setCount(CHUNK_ID_BATCH).build();
			AllocateChunkIdsResponse ids = call("allocate chunk ids", false, (stub, o) -> stub.allocateChunkIds(request, o));
			this.nextChunkId = ids.getFirstChunkId();
			this.chunkIdsLeft = ids.getCount();
		}
		this.chunkIdsLeft--;
		return this.nextChunkId++;
	}

	public TxResponse beginTx(List<Integer> partitionIds) {
		BeginTxRequest request = BeginTxRequest.newBuilder().setFsId(fsId()).setMountId(this.mountId)
			.addAllPartitionIds(partitionIds).build();
		return call("begin a rename transaction", false, (stub, o) -> stub.beginTx(request, o));
	}

	public TxResponse commitTx(long txId) {
		return call("commit transaction " + txId, true, (stub, o) -> stub.commitTx(tx(txId), o));
	}

	public TxResponse abortTx(long txId) {
		return call("abort transaction " + txId, true, (stub, o) -> stub.abortTx(tx(txId), o));
	}

	public TxResponse getTx(long txId) {
		return call("look up transaction " + txId, true, (stub, o) -> stub.getTx(tx(txId), o));
	}

	private TxRequest tx(long txId) {
		return TxRequest.newBuilder().setFsId(fsId()).setTxId(txId).setMountId(this.mountId).build();
	}

	/** Gives the mount back; the lease timer stops with its scheduler. */
	@Override
	public void close() {
		if (this.lost != null) {
			return;
		}
		UmountRequest request = UmountRequest.newBuilder().setFsId(fsId()).setMountId(this.mountId).build();
		try {
			this.<UmountResponse>call("umount", true, (stub, o) -> stub.umount(request, o));
		}
		catch (CurveException ex) {
			log.warn("umount of mount {} not recorded by the MDS (its lease expires instead): {}", this.mountId,
					ex.getMessage());
		}
		this.lost = new CurveException(ErrorCode.MOUNT_NOT_FOUND, "the mount was given back");
	}

	private void refresh() {
		if (this.lost != null) {
			return;
		}
		RefreshMountRequest request = RefreshMountRequest.newBuilder().setFsId(fsId()).setMountId(this.mountId).build();
		try {
			MountResponse renewed = call("renew the mount's lease", true, (stub, o) -> stub.refreshMount(request, o));
			this.capability = renewed.getCapability();
			this.partitions = sorted(renewed.getPartitionsList());
		}
		catch (CurveException ex) {
			if (ex.code() == ErrorCode.MOUNT_NOT_FOUND) {
				log.error("the mount's lease expired; every further operation fails", ex);
				this.lost = ex;
			}
			else {
				log.warn("lease renewal failed, retried at the next period: {}", ex.getMessage());
			}
		}
	}

	private void requireAlive() {
		if (this.lost != null) {
			throw new CurveException(ErrorCode.MOUNT_NOT_FOUND, "the mount is gone: " + this.lost.getMessage());
		}
	}

	private <T> T call(String what, boolean idempotent,
			BiConsumer<FsServiceGrpc.FsServiceStub, StreamObserver<T>> rpc) {
		requireAlive();
		return call(this.mds, what, idempotent, rpc);
	}

	private static <T> T call(MdsClient mds, String what, boolean idempotent,
			BiConsumer<FsServiceGrpc.FsServiceStub, StreamObserver<T>> rpc) {
		try {
			return mds.call(what, idempotent, FsServiceGrpc::newStub, rpc).join();
		}
		catch (CompletionException ex) {
			throw GrpcErrors.fromStatus(ex);
		}
	}

	private static PartitionInfo find(List<PartitionInfo> partitions, long inodeId) {
		for (PartitionInfo p : partitions) {
			if (inodeId >= p.getStartInode() && inodeId < p.getEndInode()) {
				return p;
			}
		}
		return null;
	}

	private static List<PartitionInfo> sorted(List<PartitionInfo> partitions) {
		return partitions.stream().sorted(Comparator.comparingInt(PartitionInfo::getPartitionId)).toList();
	}

}
