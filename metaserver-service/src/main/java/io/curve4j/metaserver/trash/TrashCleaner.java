package io.curve4j.metaserver.trash;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.metaserver.copyset.MetaCopyset;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.proto.metaserver.v1.GetInodeRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.MetaCommand;
import io.curve4j.proto.metaserver.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.PartitionRef;

/**
 * Empties the trash of the copysets this metaserver leads: an inode whose link count has
 * been 0 for longer than the trash period loses its data objects
 * ({@code <key_prefix><fsId>_<inodeId>_*}) first and then its record (a {@code purge_inode}
 * entry, applied only while the inode still has no link). In that order a crash between
 * the two leaves the inode in the trash and the next round finishes it; nothing leaks.
 * Only the leader cleans, so replicas do not race each other on the store.
 */
public final class TrashCleaner implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(TrashCleaner.class);

	/** Inodes per partition and round: a large trash is emptied over several rounds. */
	static final int BATCH = 256;

	private static final Duration PROPOSE_TIMEOUT = Duration.ofSeconds(30);

	private final MetaCopysets copysets;

	private final SnapshotStore objects;

	private final String keyPrefix;

	private final Duration trashPeriod;

	private final Clock clock;

	private ScheduledExecutorService rounds;

	public TrashCleaner(MetaCopysets copysets, SnapshotStore objects, String keyPrefix, Duration trashPeriod,
			Clock clock) {
		this.copysets = copysets;
		this.objects = objects;
		this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
		this.trashPeriod = trashPeriod;
		this.clock = clock;
	}

	/** Runs {@link #cleanOnce} every interval until closed; a failed round is logged and the next one retries. */
	public synchronized void start(Duration interval) {
		if (this.rounds != null) {
			return;
		}
		this.rounds = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread thread = new Thread(r, "trash-cleaner");
			thread.setDaemon(true);
			return thread;
		});
		this.rounds.scheduleWithFixedDelay(() -> {
			try {
				cleanOnce();
			}
			catch (RuntimeException ex) {
				log.warn("trash round failed, retried next round: {}", ex.toString());
			}
		}, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** One round over every copyset this metaserver leads; returns how many inodes were purged. */
	public int cleanOnce() {
		long cutoff = this.clock.millis() - this.trashPeriod.toMillis();
		int purged = 0;
		for (MetaCopyset copyset : this.copysets.copysets()) {
			if (!copyset.isLeader()) {
				continue;
			}
			for (PartitionRecord partition : copyset.store().partitions()) {
				List<Inode> trash = copyset.store().unlinkedBefore(partition.getPartitionId(), cutoff, BATCH);
				for (Inode inode : trash) {
					if (!copyset.isLeader()) {
						return purged;
					}
					purge(copyset, partition, inode);
					purged++;
				}
			}
		}
		return purged;
	}

	private void purge(MetaCopyset copyset, PartitionRecord partition, Inode inode) {
		int partitionId = partition.getPartitionId();
		List<String> keys = this.objects.keys(BlockNames.inodePrefix(this.keyPrefix, partition.getFsId(), inode.getInodeId()));
		this.objects.delete(keys);
		MetaCommand command = MetaCommand.newBuilder()
			.setTimeMs(this.clock.millis())
			.setPurgeInode(GetInodeRequest.newBuilder()
				.setPartition(PartitionRef.newBuilder().setCopyset(copyset.key()).setPartitionId(partitionId))
				.setInodeId(inode.getInodeId()))
			.build();
		copyset.proposeAndWait(command, PROPOSE_TIMEOUT);
		log.info("purged inode {} of fs {} (partition {}) and its {} objects", inode.getInodeId(), partition.getFsId(),
				partitionId, keys.size());
	}

	@Override
	public synchronized void close() {
		if (this.rounds != null) {
			this.rounds.shutdownNow();
			try {
				// a round in flight ends before the copysets it uses close
				this.rounds.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.rounds = null;
		}
	}

}
