package io.curve4j.sdk.block;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;
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
import io.curve4j.proto.chunk.v1.ChunkServiceGrpc;
import io.curve4j.proto.chunk.v1.DeleteChunkRequest;
import io.curve4j.proto.chunk.v1.DeleteChunkResponse;
import io.curve4j.proto.chunk.v1.ReadChunkRequest;
import io.curve4j.proto.chunk.v1.ReadChunksRequest;
import io.curve4j.proto.chunk.v1.ReadChunksResponse;
import io.curve4j.proto.chunk.v1.RecoverChunkRequest;
import io.curve4j.proto.chunk.v1.RecoverChunkResponse;
import io.curve4j.proto.chunk.v1.WriteChunkRequest;
import io.curve4j.proto.chunk.v1.WriteChunkResult;
import io.curve4j.proto.chunk.v1.WriteChunksRequest;
import io.curve4j.proto.chunk.v1.WriteChunksResponse;
import io.curve4j.proto.cli.v1.CliServiceGrpc;
import io.curve4j.proto.cli.v1.GetLeaderRequest;
import io.curve4j.proto.cli.v1.GetLeaderResponse;
import io.curve4j.proto.common.v1.ChunkServerLocation;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.WriteId;
import io.curve4j.proto.common.v1.CopysetMembers;

/**
 * Three in-process chunkservers replicating every copyset. Replication is faked by one
 * shared chunk store; what matters here is who leads: only the leader accepts I/O, the
 * others answer NOT_LEADER with the leader's raft address, as real replicas do. Servers
 * are in-process (named {@code csN:820N}) or, for tests of the command line, on
 * loopback TCP ports.
 */
public final class FakeChunkServers implements AutoCloseable {

	static final int COUNT = 3;

	final Map<Long, byte[]> chunks = new ConcurrentHashMap<>();

	/** Each chunk's sequence number: the highest a write to it carried. */
	final Map<Long, Long> chunkSns = new ConcurrentHashMap<>();

	final AtomicInteger[] served = new AtomicInteger[COUNT];

	final AtomicInteger[] rejected = new AtomicInteger[COUNT];

	/** WriteChunks calls received. */
	final AtomicInteger writeCalls = new AtomicInteger();

	/** While set, WriteChunks calls wait for it before they are served. */
	volatile CountDownLatch writeGate;

	/** The id of every write attempt received, rejected ones included, in arrival order. */
	final List<WriteId> writeIds = new CopyOnWriteArrayList<>();

	/** The sequence number of every write attempt received, as {@link #writeIds}. */
	final List<Long> writeSns = new CopyOnWriteArrayList<>();

	/** The sequence number of each DeleteChunk call, in arrival order. */
	final List<Long> deleteSns = new CopyOnWriteArrayList<>();

	/** Every RecoverChunk a leader served, in arrival order. */
	final List<RecoverChunkRequest> recovers = new CopyOnWriteArrayList<>();

	private final int chunkSize;

	private final Server[] servers = new Server[COUNT];

	private final String[] hosts = new String[COUNT];

	private final int[] ports = new int[COUNT];

	private volatile int leader;

	FakeChunkServers(int chunkSize) throws IOException {
		this(chunkSize, false);
	}

	public FakeChunkServers(int chunkSize, boolean tcp) throws IOException {
		this.chunkSize = chunkSize;
		for (int i = 0; i < COUNT; i++) {
			this.served[i] = new AtomicInteger();
			this.rejected[i] = new AtomicInteger();
			ServerBuilder<?> builder = tcp ? Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
					: InProcessServerBuilder.forName("cs" + i + ":" + (8200 + i));
			this.servers[i] = builder.addService(new Chunks(i)).addService(new Cli()).build().start();
			this.hosts[i] = tcp ? "127.0.0.1" : "cs" + i;
			this.ports[i] = tcp ? this.servers[i].getPort() : 8200 + i;
		}
	}

	static String raft(int i) {
		return "cs" + i + ":" + (8300 + i);
	}

	/** {@code count} copysets of logical pool 1, each on all three servers. */
	/** How many chunks were written to. */
	public int chunkCount() {
		return this.chunks.size();
	}

	public List<CopysetMembers> copysets(int count) {
		List<CopysetMembers> copysets = new ArrayList<>();
		for (int c = 1; c <= count; c++) {
			CopysetMembers.Builder members = CopysetMembers.newBuilder()
				.setKey(CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(c))
				.setEpoch(1);
			for (int i = 0; i < COUNT; i++) {
				members.addPeers(ChunkServerLocation.newBuilder()
					.setChunkServerId(i + 1)
					.setHost(this.hosts[i])
					.setPort(this.ports[i])
					.setRaftAddress(raft(i)));
			}
			copysets.add(members.build());
		}
		return copysets;
	}

	/** Makes {@code index} the leader of every copyset; -1 for "no leader". */
	void moveLeader(int index) {
		this.leader = index;
	}

	void kill(int index) {
		this.servers[index].shutdownNow();
	}

	@Override
	public void close() {
		for (Server server : this.servers) {
			server.shutdownNow();
		}
	}

	private final class Chunks extends ChunkServiceGrpc.ChunkServiceImplBase {

		private final int index;

		Chunks(int index) {
			this.index = index;
		}

		/** Counts the request; null when this server leads, else the leader hint ("" for none). */
		private String notLeader() {
			int current = FakeChunkServers.this.leader;
			if (current == this.index) {
				FakeChunkServers.this.served[this.index].incrementAndGet();
				return null;
			}
			FakeChunkServers.this.rejected[this.index].incrementAndGet();
			return current < 0 ? "" : raft(current);
		}

		/** Each write answers as the real chunkserver would: rejected alone, or written. */
		@Override
		public void writeChunks(WriteChunksRequest request, StreamObserver<WriteChunksResponse> observer) {
			FakeChunkServers.this.writeCalls.incrementAndGet();
			CountDownLatch gate = FakeChunkServers.this.writeGate;
			if (gate != null) {
				try {
					gate.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			WriteChunksResponse.Builder response = WriteChunksResponse.newBuilder();
			for (WriteChunkRequest write : request.getWritesList()) {
				response.addResults(write(write));
			}
			observer.onNext(response.build());
			observer.onCompleted();
		}

		private WriteChunkResult write(WriteChunkRequest request) {
			FakeChunkServers.this.writeIds.add(request.getWriteId());
			FakeChunkServers.this.writeSns.add(request.getSn());
			String leader = notLeader();
			if (leader != null) {
				return failed(new NotLeaderException("not the leader", leader));
			}
			if (request.getOffset() + request.getData().size() > FakeChunkServers.this.chunkSize) {
				return failed(new CurveException(ErrorCode.INVALID_ARGUMENT, "past the chunk"));
			}
			byte[] chunk = FakeChunkServers.this.chunks.computeIfAbsent(request.getChunkId(),
					(id) -> new byte[FakeChunkServers.this.chunkSize]);
			synchronized (chunk) {
				// as a chunkserver at apply time: a write older than the chunk changes nothing
				long chunkSn = FakeChunkServers.this.chunkSns.getOrDefault(request.getChunkId(), 0L);
				if (request.getSn() < chunkSn) {
					return failed(new CurveException(ErrorCode.STALE_SEQUENCE,
							"write sn " + request.getSn() + " is older than the chunk's " + chunkSn));
				}
				FakeChunkServers.this.chunkSns.put(request.getChunkId(), request.getSn());
				request.getData().copyTo(chunk, request.getOffset());
			}
			return WriteChunkResult.newBuilder().setAppliedIndex(1).build();
		}

		/** As the real chunkserver: a delete older than the chunk is refused, else the chunk goes. */
		@Override
		public void deleteChunk(DeleteChunkRequest request, StreamObserver<DeleteChunkResponse> observer) {
			FakeChunkServers.this.deleteSns.add(request.getSn());
			long chunkSn = FakeChunkServers.this.chunkSns.getOrDefault(request.getChunkId(), 0L);
			if (request.getSn() < chunkSn) {
				observer.onError(GrpcErrors.toStatus(new CurveException(ErrorCode.STALE_SEQUENCE,
						"delete sn " + request.getSn() + " is older than the chunk's " + chunkSn)));
				return;
			}
			FakeChunkServers.this.chunks.remove(request.getChunkId());
			observer.onNext(DeleteChunkResponse.getDefaultInstance());
			observer.onCompleted();
		}

		/** Records what a leader was asked; the copying from the source is the chunkservers' own test. */
		@Override
		public void recoverChunk(RecoverChunkRequest request, StreamObserver<RecoverChunkResponse> observer) {
			String leader = notLeader();
			if (leader != null) {
				observer.onError(GrpcErrors.toStatus(new NotLeaderException("not the leader", leader)));
				return;
			}
			if (request.getOffset() % 4096 != 0 || request.getLength() % 4096 != 0
					|| request.getOffset() + request.getLength() > FakeChunkServers.this.chunkSize) {
				observer.onError(GrpcErrors.toStatus(new CurveException(ErrorCode.INVALID_ARGUMENT,
						"not whole pages inside the chunk")));
				return;
			}
			FakeChunkServers.this.recovers.add(request);
			observer.onNext(RecoverChunkResponse.getDefaultInstance());
			observer.onCompleted();
		}

		private static WriteChunkResult failed(CurveException error) {
			return WriteChunkResult.newBuilder().setError(GrpcErrors.toItemError(error)).build();
		}

		@Override
		public void readChunks(ReadChunksRequest request, StreamObserver<ReadChunksResponse> observer) {
			ReadChunksResponse.Builder response = ReadChunksResponse.newBuilder();
			for (ReadChunkRequest read : request.getReadsList()) {
				String leader = notLeader();
				if (leader != null) {
					response.addResultsBuilder()
						.setError(GrpcErrors.toItemError(new NotLeaderException("not the leader", leader)));
					continue;
				}
				byte[] chunk = FakeChunkServers.this.chunks.get(read.getChunkId());
				ByteString data;
				if (chunk == null) {
					data = ByteString.copyFrom(new byte[read.getLength()]);
				}
				else {
					synchronized (chunk) {
						data = ByteString.copyFrom(chunk, read.getOffset(), read.getLength());
					}
				}
				response.addResultsBuilder().setData(data);
			}
			observer.onNext(response.build());
			observer.onCompleted();
		}

	}

	private final class Cli extends CliServiceGrpc.CliServiceImplBase {

		@Override
		public void getLeader(GetLeaderRequest request, StreamObserver<GetLeaderResponse> observer) {
			int current = FakeChunkServers.this.leader;
			observer.onNext(GetLeaderResponse.newBuilder().setLeader(current < 0 ? "" : raft(current)).setTerm(1).build());
			observer.onCompleted();
		}

	}

}
