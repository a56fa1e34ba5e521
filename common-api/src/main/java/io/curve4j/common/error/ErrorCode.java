package io.curve4j.common.error;

import io.grpc.Status;

/**
 * Every error Curve4J reports, with its wire-stable code (the enum name), the HTTP status
 * a REST API answers with, the gRPC status code, and what a client should do about it.
 * Names are part of the API: never rename or reuse one.
 */
public enum ErrorCode {

	// bad input
	INVALID_ARGUMENT(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	INVALID_PATH(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	INVALID_SIZE(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	SIZE_NOT_SEGMENT_ALIGNED(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	SIZE_NOT_LARGER(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	IO_NOT_ALIGNED(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	IO_OUT_OF_RANGE(400, Status.Code.OUT_OF_RANGE, RetryClass.FATAL),
	/** QoS limits that are negative, too large or meaningless (a burst without a limit). */
	INVALID_THROTTLE(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	MALFORMED_TOPOLOGY(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	LOGICAL_POOL_UNPLACEABLE(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	CHUNK_SIZE_MISMATCH(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	BODY_TOO_LARGE(413, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),

	// authentication and ownership
	UNAUTHENTICATED(401, Status.Code.UNAUTHENTICATED, RetryClass.FATAL),
	STALE_SIGNATURE(401, Status.Code.UNAUTHENTICATED, RetryClass.FATAL),
	REPLAYED_SIGNATURE(401, Status.Code.UNAUTHENTICATED, RetryClass.FATAL),
	SIGNATURE_REQUIRED(403, Status.Code.PERMISSION_DENIED, RetryClass.FATAL),
	CAPABILITY_DENIED(403, Status.Code.PERMISSION_DENIED, RetryClass.FATAL),
	/** The client maps the segment again, which brings a fresh capability, and retries. */
	CAPABILITY_EXPIRED(403, Status.Code.PERMISSION_DENIED, RetryClass.REFRESH_ROUTE),
	NOT_OWNER(403, Status.Code.PERMISSION_DENIED, RetryClass.FATAL),
	ROOT_REQUIRED(403, Status.Code.PERMISSION_DENIED, RetryClass.FATAL),
	USER_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	USER_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),

	// namespace
	VOLUME_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	FILE_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	VOLUME_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	DIRECTORY_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	NOT_A_DIRECTORY(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	NOT_A_VOLUME(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	DIRECTORY_NOT_EMPTY(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	VOLUME_IN_USE(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	SESSION_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	SEGMENT_NOT_ALLOCATED(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	/** No deleted volume of that path (or id) in the recycle bin that the caller may see. */
	NOT_IN_RECYCLE_BIN(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	/** The volume's retention ended or a purge began: its chunks are going, it cannot come back. */
	VOLUME_PURGING(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),

	// snapshots and clones
	/** A write carried a lower sequence number than the chunk holds (a snapshot was taken): the client refreshes its session and writes again with the new number. */
	STALE_SEQUENCE(409, Status.Code.FAILED_PRECONDITION, RetryClass.RETRY_LATER),
	INVALID_SNAPSHOT_NAME(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	SNAPSHOT_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	SNAPSHOT_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	/** The volume's previous snapshot is still held in the cluster (being copied out); one at a time. */
	SNAPSHOT_IN_PROGRESS(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** The volume has as many snapshots as its limit allows. */
	SNAPSHOT_LIMIT(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** The snapshot is not (yet) whole in the object store: it cannot be cloned or restored from. */
	SNAPSHOT_NOT_READY(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	VOLUME_HAS_SNAPSHOTS(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** A snapshot or volume that a clone still reads (until the clone is flattened or deleted). */
	VOLUME_HAS_CLONES(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** A snapshot of a clone that still reads its source: flatten it first. */
	CLONE_NOT_FLATTENED(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** Flatten asked of a volume that is not a clone linked to its source (never was one, or flattened already). */
	NOT_A_CLONE(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** A snapshot service called without holding the MDS's worker lease (another one works, or it expired). */
	WORKER_LEASE_NOT_HELD(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),

	// file systems (CurveFS)
	INVALID_FS_NAME(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	FS_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	FS_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	/** A file system with live mounts cannot be deleted: unmount it everywhere first. */
	FS_MOUNTED(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** The mount's lease expired (or it was never registered): mount again. */
	MOUNT_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	/** No metadata pool (a logical pool of kind FS_METADATA with live metaservers) to place partitions on. */
	NO_METADATA_POOL(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	PARTITION_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.REFRESH_ROUTE),
	/** Every inode id of the partition is used: the client asks the MDS for another partition. */
	PARTITION_FULL(409, Status.Code.RESOURCE_EXHAUSTED, RetryClass.FATAL),
	INODE_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	DENTRY_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	DENTRY_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	/** A file name longer than 255 bytes. */
	NAME_TOO_LONG(400, Status.Code.INVALID_ARGUMENT, RetryClass.FATAL),
	IS_A_DIRECTORY(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	XATTR_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	XATTR_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	/** A compaction's pieces are no longer the start of the chunk's list (a truncate or another compaction came first). */
	PIECES_CHANGED(409, Status.Code.FAILED_PRECONDITION, RetryClass.FATAL),
	/** A name is held by a rename transaction not yet resolved: resolve it (the "curve-tx-id" trailer names it) and retry. */
	TX_PENDING(409, Status.Code.ABORTED, RetryClass.FATAL),
	/** The transaction was aborted (or timed out before it committed): nothing of it happened. */
	TX_ABORTED(409, Status.Code.ABORTED, RetryClass.FATAL),
	TX_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),

	// topology
	POOL_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	SERVER_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	CHUNKSERVER_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.FATAL),
	CHUNKSERVER_TOKEN_MISMATCH(403, Status.Code.PERMISSION_DENIED, RetryClass.FATAL),
	CHUNKSERVER_EXISTS(409, Status.Code.ALREADY_EXISTS, RetryClass.FATAL),
	COPYSET_NOT_FOUND(404, Status.Code.NOT_FOUND, RetryClass.REFRESH_ROUTE),
	NO_SPACE(507, Status.Code.RESOURCE_EXHAUSTED, RetryClass.FATAL),
	TOO_MANY_SESSIONS(429, Status.Code.RESOURCE_EXHAUSTED, RetryClass.FATAL),
	BATCH_TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED, RetryClass.FATAL),
	/** A server bounds the requests it serves at once; the client backs off and retries. */
	OVERLOADED(503, Status.Code.RESOURCE_EXHAUSTED, RetryClass.RETRY_LATER),

	// availability: the client retries
	NOT_LEADER(503, Status.Code.UNAVAILABLE, RetryClass.REFRESH_LEADER),
	UNAVAILABLE(503, Status.Code.UNAVAILABLE, RetryClass.RETRY_LATER),
	TIMEOUT(504, Status.Code.DEADLINE_EXCEEDED, RetryClass.RETRY_LATER),

	/** No replica holds a copy of the data that matches its checksums. */
	CHUNK_CORRUPT(500, Status.Code.DATA_LOSS, RetryClass.FATAL),

	INTERNAL(500, Status.Code.INTERNAL, RetryClass.FATAL);

	/** What a client does when it gets this code. */
	public enum RetryClass {

		/** Ask the group who leads now, then retry there. */
		REFRESH_LEADER,
		/** Refresh cached routing (copyset members), then retry. */
		REFRESH_ROUTE,
		/** Retry the same target after a backoff. */
		RETRY_LATER,
		/** Retrying cannot help. */
		FATAL

	}

	private final int httpStatus;

	private final Status.Code grpcCode;

	private final RetryClass retryClass;

	ErrorCode(int httpStatus, Status.Code grpcCode, RetryClass retryClass) {
		this.httpStatus = httpStatus;
		this.grpcCode = grpcCode;
		this.retryClass = retryClass;
	}

	public int httpStatus() {
		return this.httpStatus;
	}

	public Status.Code grpcCode() {
		return this.grpcCode;
	}

	public RetryClass retryClass() {
		return this.retryClass;
	}

	public boolean retryable() {
		return this.retryClass != RetryClass.FATAL;
	}

}
