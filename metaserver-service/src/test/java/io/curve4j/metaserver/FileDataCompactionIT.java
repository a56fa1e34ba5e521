package io.curve4j.metaserver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import io.curve4j.metaserver.compaction.Compactor;
import io.curve4j.metaserver.compaction.DataCollector;
import io.curve4j.metaserver.config.MetaServerProperties;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.objectstore.filedata.FileBytes;
import io.curve4j.proto.metaserver.v1.AppendPiecesRequest;
import io.curve4j.proto.metaserver.v1.ChunkPieces;
import io.curve4j.proto.metaserver.v1.CreateInodeRequest;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.PartitionRef;
import io.curve4j.proto.metaserver.v1.Piece;
import io.curve4j.proto.metaserver.v1.SetAttrRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Compaction and collection of file data on three metaservers with S3Proxy: every byte a
 * client wrote reads back after each hazard the design names (a write racing the swap, a
 * truncate racing it, a reader holding the replaced list once its objects are gone, the
 * leader dying between the merged objects and the swap), the list is never half
 * replaced, and what no inode references is swept.
 */
class FileDataCompactionIT {

	static final long BLOCK = 4096;

	static final long CHUNK = 64 * 1024;

	static final int THRESHOLD = 4;

	static final String BUCKET = "fs-data";

	static final String PREFIX = "curvefs/";

	@RegisterExtension
	static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder()
		.withCredentials("access", "secret")
		.withBlobStoreProvider("transient")
		.build();

	@TempDir
	Path dir;

	private MetaServerTrio trio;

	private S3Client s3;

	private SnapshotStore objects;

	private final BlockNames names = new BlockNames(PREFIX, BLOCK);

	private final FileBytes bytes = new FileBytes(this.names, CHUNK);

	private final AtomicLong chunkIds = new AtomicLong(100);

	private final Random random = new Random(17);

	private int leader;

	private PartitionRef mount;

	@AfterEach
	void stop() {
		if (this.trio != null) {
			this.trio.close();
		}
		if (this.s3 != null) {
			this.s3.close();
		}
	}

	/** Three metaservers and the partition; automatic compaction on or paused. */
	private void start(boolean automatic) {
		start(automatic, "1s");
	}

	/** @param orphanAge how old an object no inode names must be to go */
	private void start(boolean automatic, String orphanAge) {
		this.trio = new MetaServerTrio(this.dir);
		this.trio.startAll(settings(automatic, orphanAge));
		this.leader = this.trio.createPartition(CHUNK, BLOCK);
		this.mount = this.trio.mount();
		this.s3 = this.trio.bean(this.leader, MetaServerProperties.class).getObjectStore().newClient("test");
		this.objects = new SnapshotStore(this.s3, BUCKET);
		this.objects.ensureBucket();
	}

	private static String[] settings(boolean automatic, String orphanAge) {
		return new String[] { "--curve.metaserver.object-store.endpoint=" + S3_PROXY.getUri(),
			"--curve.metaserver.object-store.bucket=" + BUCKET, "--curve.metaserver.object-store.access-key=access",
			"--curve.metaserver.object-store.secret-key=secret", "--curve.metaserver.object-store.key-prefix=" + PREFIX,
			"--curve.metaserver.compaction.enabled=" + automatic,
			"--curve.metaserver.compaction.pieces-threshold=" + THRESHOLD,
			"--curve.metaserver.compaction.grace-period=2s", "--curve.metaserver.compaction.interval=200ms",
			"--curve.metaserver.compaction.sweep-interval=1h", "--curve.metaserver.compaction.orphan-age=" + orphanAge };
	}

	@Test
	void aLeaderLooksOverItsInodesInItsFirstRoundAndCompactsWhatNoAppendOfferedIt() {
		byte[] model = new byte[(int) CHUNK];
		long inode = pausedAndOverwritten(model);
		assertThat(chunk0(getInode(inode))).as("paused: the appends offered it to no one").hasSize(6);
		// restarted with compaction on: no append comes, so only the new term's look over the inodes finds it
		this.trio.close();
		this.trio.startAll(settings(true, "1s"));
		this.leader = this.trio.awaitLeader(0, 1, 2);
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.untilAsserted(() -> assertThat(chunk0(getInode(inode))).hasSizeLessThanOrEqualTo(THRESHOLD));
		assertReads(inode, model);
	}

	@Test
	void smallOverwritesAreMergedAndAReaderOfTheOldListStillGetsTheDataAfterItsObjectsAreGone() {
		start(true);
		long inode = createFile();
		byte[] model = new byte[(int) (2 * CHUNK)];
		Inode stale = null;
		// overwrites inside a first write: one run, so one merged piece (plus those written since)
		write(inode, model, 0, 50_000);
		for (int i = 0; i < 24; i++) {
			write(inode, model, this.random.nextInt(40_000), 1 + this.random.nextInt(9000));
			if (i == THRESHOLD) {
				stale = getInode(inode);
			}
		}
		write(inode, model, CHUNK + 10, 100);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(chunk0(getInode(inode))).hasSizeLessThanOrEqualTo(THRESHOLD));
		assertThat(getInode(inode).getCompactions()).isPositive();
		assertReads(inode, model);

		// the replaced objects stay for the grace period, then go with their record
		Inode before = stale;
		List<String> replaced = this.names.pieceKeys(before);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(getInode(inode).getRetiredList()).isEmpty();
			assertThat(this.objects.keys(PREFIX)).doesNotContainAnyElementsOf(replaced);
		});
		assertThatThrownBy(() -> this.bytes.readOnce(before, 0, new byte[(int) before.getLength()],
				FileBytes.Blocks.of(this.objects), Runnable::run))
			.isInstanceOf(FileBytes.ObjectMissingException.class);
		byte[] read = new byte[(int) before.getLength()];
		Inode by = this.bytes.read(before, 0, read, FileBytes.Blocks.of(this.objects), Runnable::run, this::getInode);
		assertThat(by.getCompactions()).isPositive();
		assertThat(read).isEqualTo(Arrays.copyOf(model, read.length));
		assertThat(this.objects.keys(PREFIX)).containsExactlyInAnyOrderElementsOf(this.names.pieceKeys(getInode(inode)));
	}

	@Test
	void aWriteDuringACompactionStaysAfterTheMergedPiecesAndATruncateMakesTheCompactionStepBack() {
		byte[] model = new byte[(int) CHUNK];
		long inode = pausedAndOverwritten(model);
		Compactor compactor = this.trio.bean(this.leader, Compactor.class);
		Compactor.InodeRef ref = new Compactor.InodeRef(MetaServerTrio.KEY, MetaServerTrio.PARTITION, inode);
		assertThat(compactor.compact(ref, () -> write(inode, model, 100, 50))).isEqualTo(1);
		List<Piece> pieces = chunk0(getInode(inode));
		assertThat(pieces).hasSize(2);
		assertThat(pieces.get(0).getVersion()).isEqualTo(1);
		assertThat(pieces.get(1).getLength()).as("the write made during the compaction, last").isEqualTo(50);
		assertReads(inode, model);

		for (int i = 0; i < 5; i++) {
			write(inode, model, 20_000 + i * 1000L, 3000);
		}
		int length = 21_500;
		assertThat(compactor.compact(ref, () -> this.trio.meta(this.leader)
			.setAttr(SetAttrRequest.newBuilder().setPartition(this.mount).setInodeId(inode).setSetLength(true).setLength(length).build())))
			.isZero();
		Arrays.fill(model, length, model.length, (byte) 0);
		assertThat(getInode(inode).getCompactions()).isEqualTo(2);
		assertThat(this.objects.keys(PREFIX)).as("the refused attempt's objects are deleted")
			.noneMatch(key -> key.endsWith("_2"));
		assertReads(inode, model);
	}

	@Test
	void aLeaderDyingBetweenTheMergedObjectsAndTheSwapLeavesTheListWholeAndTheSweepRemovesWhatItWrote() {
		start(false);
		long inode = createFile();
		byte[] model = new byte[(int) CHUNK];
		for (int i = 0; i < 6; i++) {
			write(inode, model, this.random.nextInt(50_000), 1 + this.random.nextInt(12_000));
		}
		Inode before = getInode(inode);
		Compactor.InodeRef ref = new Compactor.InodeRef(MetaServerTrio.KEY, MetaServerTrio.PARTITION, inode);
		assertThatThrownBy(() -> this.trio.bean(this.leader, Compactor.class).compact(ref, () -> {
			throw new IllegalStateException("the metaserver dies here");
		})).hasMessageContaining("dies");
		List<String> leftovers = this.objects.keys(PREFIX).stream().filter(k -> k.endsWith("_1")).toList();
		assertThat(leftovers).isNotEmpty();
		// an upload that never reached the metadata
		String failedUpload = this.names.key(MetaServerTrio.FS, inode, 999_999, 0, 0);
		this.objects.put(failedUpload, new byte[] { 1 });

		this.trio.stop(this.leader);
		int next = this.trio.awaitLeader(IntStream.range(0, 3).filter(i -> i != this.leader).toArray());
		this.leader = next;
		assertThat(chunk0(getInode(inode))).isEqualTo(chunk0(before));
		assertReads(inode, model);
		await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			this.trio.bean(next, DataCollector.class).sweepOnce();
			assertThat(this.objects.keys(PREFIX)).containsExactlyInAnyOrderElementsOf(this.names.pieceKeys(getInode(inode)));
		});
		assertReads(inode, model);

		// the next attempt writes under a version never used before
		assertThat(this.trio.bean(next, Compactor.class).compact(ref, () -> {
		})).isEqualTo(1);
		assertThat(chunk0(getInode(inode))).allSatisfy(p -> assertThat(p.getVersion()).isEqualTo(2));
		assertReads(inode, model);
	}

	@Test
	void youngObjectsNoInodeReferencesYetAreLeftAlone() {
		// S3 keeps Last-Modified in whole seconds, so with the others' 1 s an object put just
		// before the sweep could already count as old on a slow machine
		start(false, "1h");
		long inode = createFile();
		String inFlight = this.names.key(MetaServerTrio.FS, inode, 5, 0, 0);
		this.objects.put(inFlight, new byte[] { 1 });
		assertThat(this.trio.bean(this.leader, DataCollector.class).sweepOnce()).isZero();
		assertThat(this.objects.exists(inFlight)).isTrue();
		assertThatThrownBy(() -> this.trio.meta(this.leader).listInodes(io.curve4j.proto.metaserver.v1.ListInodesRequest
			.newBuilder().setPartition(this.mount).setLimit(5000).build()))
			.hasMessageContaining("INVALID_ARGUMENT");
	}

	/** With compaction paused, a file whose first chunk has 6 overlapping pieces: one run, past the threshold. */
	private long pausedAndOverwritten(byte[] model) {
		start(false);
		long inode = createFile();
		for (int i = 0; i < 6; i++) {
			write(inode, model, i * 3000L, 5000);
		}
		return inode;
	}

	private long createFile() {
		return this.trio.meta(this.leader)
			.createInode(CreateInodeRequest.newBuilder().setPartition(this.mount).setType(InodeType.FILE).setMode(0644).setParent(1).build())
			.getInode()
			.getInodeId();
	}

	/** What a client does: the piece's block objects, then the piece on the inode. */
	private void write(long inode, byte[] model, long offset, int length) {
		byte[] data = new byte[length];
		this.random.nextBytes(data);
		Piece piece = Piece.newBuilder().setChunkId(this.chunkIds.incrementAndGet()).setOffset(offset).setLength(length).build();
		for (long b = 0; b < this.names.blockCount(length); b++) {
			int from = (int) (b * BLOCK);
			this.objects.put(this.names.key(MetaServerTrio.FS, inode, piece.getChunkId(), b, 0),
					Arrays.copyOfRange(data, from, (int) Math.min(length, from + BLOCK)));
		}
		this.trio.meta(this.leader)
			.appendPieces(AppendPiecesRequest.newBuilder()
				.setPartition(this.mount)
				.setInodeId(inode)
				.putPieces(offset / CHUNK, ChunkPieces.newBuilder().addPieces(piece).build())
				.setNewLength(offset + length)
				.build());
		System.arraycopy(data, 0, model, (int) offset, length);
	}

	private Inode getInode(long inode) {
		return this.trio.meta(this.leader)
			.getInode(GetInodeRequest.newBuilder().setPartition(this.mount).setInodeId(inode).build())
			.getInode();
	}

	private static List<Piece> chunk0(Inode inode) {
		return inode.getChunksOrDefault(0, ChunkPieces.getDefaultInstance()).getPiecesList();
	}

	/** The file reads as the model up to its length, by the current list. */
	private void assertReads(long inode, byte[] model) {
		Inode current = getInode(inode);
		byte[] read = new byte[(int) current.getLength()];
		this.bytes.readOnce(current, 0, read, FileBytes.Blocks.of(this.objects), Runnable::run);
		assertThat(read).isEqualTo(Arrays.copyOf(model, read.length));
	}

}
