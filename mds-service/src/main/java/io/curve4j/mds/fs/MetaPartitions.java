package io.curve4j.mds.fs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.auth.FsCapabilities;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.error.GrpcErrors;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Topology;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.fs.v1.PartitionStatus;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.FsRecord;
import io.curve4j.proto.mds.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.CreatePartitionRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.MetaServiceGrpc;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.PartitionRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;

/**
 * Creates and deletes partitions on their metaserver copysets ({@code MetaService}), with
 * an ADMIN capability the MDS signs for itself. The leader the heartbeats name is asked
 * first, then the other members (a follower answers NOT_LEADER), as chunks are deleted.
 * Both calls are idempotent on the metaserver, so a call with an unknown outcome is simply
 * made again by the next round.
 */
final class MetaPartitions implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MetaPartitions.class);

	private static final long CALL_TIMEOUT_MS = 5_000;

	/** A capability outlives its call, not more. */
	private static final long CAPABILITY_TTL_MS = 60_000;

	/** Root directory of every file system. */
	static final long ROOT_INODE = 1;

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	/** Null: the cluster has no data key and metaserver calls carry no signed capability. */
	private final FsCapabilities capabilities;

	MetaPartitions(FsCapabilities capabilities) {
		this.capabilities = capabilities;
	}

	/**
	 * Creates a CREATING partition (the first with the root directory, stamped with the
	 * file system's creation time so every retry asks for the same) or deletes a DELETING
	 * one; true once a metaserver answered OK.
	 */
	boolean settle(PartitionRecord partition, FsRecord fs, Topology topology, ChunkServerStates states) {
		CopysetKey key = CopysetKey.newBuilder()
			.setLogicalPoolId(partition.getLogicalPoolId())
			.setCopysetId(partition.getCopysetId())
			.build();
		PartitionRef.Builder ref = PartitionRef.newBuilder().setCopyset(key).setPartitionId(partition.getPartitionId());
		if (this.capabilities != null) {
			ref.setCapability(this.capabilities.issue(partition.getFsId(), 0, FsCapabilities.ADMIN,
					System.currentTimeMillis() + CAPABILITY_TTL_MS));
		}
		StatusRuntimeException last = null;
		Set<ChunkServerRecord> members = states.leaderFirst(topology, key);
		int notFound = 0;
		for (ChunkServerRecord ms : members) {
			try {
				MetaServiceGrpc.MetaServiceBlockingStub stub = MetaServiceGrpc.newBlockingStub(channel(ms))
					.withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
				if (partition.getStatus() == PartitionStatus.PARTITION_DELETING) {
					stub.deletePartition(PartitionRequest.newBuilder().setPartition(ref).build());
				}
				else {
					stub.createPartition(createRequest(partition, fs, ref.build()));
				}
				return true;
			}
			catch (StatusRuntimeException ex) {
				if (ex.getTrailers() != null
						&& ErrorCode.PARTITION_NOT_FOUND.name().equals(ex.getTrailers().get(GrpcErrors.ERROR_KEY))) {
					notFound++;
				}
				last = ex;
			}
		}
		if (partition.getStatus() == PartitionStatus.PARTITION_DELETING && notFound > members.size() / 2) {
			// a majority does not hold it (a lagging follower alone might not yet): never created, or deleted already
			return true;
		}
		log.debug("partition {} of file system {} ({}) not settled yet on copyset {}.{}: {}",
				partition.getPartitionId(), partition.getFsId(), partition.getStatus(), key.getLogicalPoolId(),
				key.getCopysetId(), last == null ? "no members known" : last.getStatus());
		return false;
	}

	private static CreatePartitionRequest createRequest(PartitionRecord partition, FsRecord fs, PartitionRef ref) {
		CreatePartitionRequest.Builder request = CreatePartitionRequest.newBuilder()
			.setPartition(ref)
			.setFsId(partition.getFsId())
			.setStartInode(partition.getStartInode())
			.setEndInode(partition.getEndInode());
		if (fs != null) {
			request.setChunkSize(fs.getChunkSize()).setBlockSize(fs.getBlockSize());
		}
		if (fs != null && partition.getStartInode() <= ROOT_INODE && ROOT_INODE < partition.getEndInode()) {
			long ns = TimeUnit.MILLISECONDS.toNanos(fs.getCtimeMs());
			request.setRoot(Inode.newBuilder()
				.setFsId(fs.getId())
				.setInodeId(ROOT_INODE)
				.setType(InodeType.DIRECTORY)
				.setMode(0755)
				.setUid(0)
				.setGid(0)
				.setNlink(2)
				.setAtimeNs(ns)
				.setMtimeNs(ns)
				.setCtimeNs(ns)
				.setParent(ROOT_INODE));
		}
		return request.build();
	}

	private ManagedChannel channel(ChunkServerRecord ms) {
		return this.channels.computeIfAbsent(ms.getHost() + ":" + ms.getPort(),
				address -> ManagedChannelBuilder.forTarget(address).usePlaintext().build());
	}

	@Override
	public void close() {
		this.channels.values().forEach(ManagedChannel::shutdownNow);
		this.channels.clear();
	}

}
