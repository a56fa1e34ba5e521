package io.curve4j.metaserver.compaction;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.metaserver.copyset.MetaCopyset;
import io.curve4j.metaserver.copyset.MetaCopysets;
import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.metaserver.v1.ForgetRetiredRequest;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.MetaCommand;
import io.curve4j.proto.metaserver.v1.PartitionRecord;
import io.curve4j.proto.metaserver.v1.PartitionRef;

/**
 * The leader's upkeep of its partitions' file data, in rounds:
 * <ul>
 * <li>every {@code interval}: retired pieces whose grace period passed lose their objects,
 * then their record ({@code forget_retired}; a crash between the two deletes again,
 * harmlessly), found by the partitions' retired records; and inodes with a chunk past the
 * threshold that no append offered to the {@link Compactor} are offered: those it missed
 * (queue full, compaction failed), and, once per term a copyset is led here, every such
 * inode of its partitions (what another leader had queued went with its leadership). So a
 * round reads what is due, not every inode;</li>
 * <li>every {@code sweepInterval}: the object store is listed for the file systems of the
 * partitions led here, and objects older than {@code orphanAge} that no inode of those
 * partitions references, as a piece or a retired piece, are deleted: uploads that never
 * reached the metadata, compactions cut short.</li>
 * </ul>
 * Only partitions whose data layout is known are looked after.
 */
public final class DataCollector implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(DataCollector.class);

	/** Inodes read per page of a round. */
	static final int PAGE = 256;

	private final MetaCopysets copysets;

	private final Compactor compactor;

	private final SnapshotStore objects;

	private final String keyPrefix;

	private final Duration gracePeriod;

	private final Duration orphanAge;

	private final Clock clock;

	/** Objects deleted: replaced by compaction past the grace period, or orphans no inode names. */
	private final Counter retiredDeleted;

	private final Counter orphansDeleted;

	/** The term of each copyset led here whose inodes were looked over for compaction in it. */
	private final Map<CopysetKey, Long> lookedOver = new ConcurrentHashMap<>();

	private ScheduledExecutorService rounds;

	public DataCollector(MetaCopysets copysets, Compactor compactor, SnapshotStore objects, String keyPrefix,
			Duration gracePeriod, Duration orphanAge, Clock clock, MeterRegistry meters) {
		this.copysets = copysets;
		this.compactor = compactor;
		this.objects = objects;
		this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
		this.gracePeriod = gracePeriod;
		this.orphanAge = orphanAge;
		this.clock = clock;
		this.retiredDeleted = meters.counter("curve4j.metaserver.gc.objects.deleted", "reason", "retired");
		this.orphansDeleted = meters.counter("curve4j.metaserver.gc.objects.deleted", "reason", "orphan");
	}

	/** Runs {@link #roundOnce} every interval and {@link #sweepOnce} every sweep interval until closed. */
	public synchronized void start(Duration interval, Duration sweepInterval) {
		if (this.rounds != null) {
			return;
		}
		this.rounds = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread thread = new Thread(r, "data-collector");
			thread.setDaemon(true);
			return thread;
		});
		this.rounds.scheduleWithFixedDelay(() -> guarded("round", this::roundOnce), interval.toMillis(),
				interval.toMillis(), TimeUnit.MILLISECONDS);
		this.rounds.scheduleWithFixedDelay(() -> guarded("sweep", this::sweepOnce), sweepInterval.toMillis(),
				sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static void guarded(String what, Runnable run) {
		try {
			run.run();
		}
		catch (RuntimeException ex) {
			log.warn("file data {} failed, retried next time: {}", what, ex.toString());
		}
	}

	/**
	 * Deletes the objects of retired pieces past the grace period and offers the compaction
	 * candidates no append offered.
	 * @return the objects deleted
	 */
	public int roundOnce() {
		long retiredBy = this.clock.millis() - this.gracePeriod.toMillis();
		Set<CopysetKey> led = new HashSet<>();
		this.copysets.copysets().stream().filter(MetaCopyset::isLeader).forEach(c -> led.add(c.key()));
		for (Compactor.InodeRef missed : this.compactor.takeMissed()) {
			// one led elsewhere now is its leader's, which looks its inodes over in its term
			if (led.contains(missed.copyset())) {
				this.compactor.offer(missed);
			}
		}
		int deleted = 0;
		for (MetaCopyset copyset : this.copysets.copysets()) {
			long term = copyset.term();
			if (!copyset.isLeader()) {
				this.lookedOver.remove(copyset.key());
				continue;
			}
			boolean newTerm = !Long.valueOf(term).equals(this.lookedOver.get(copyset.key()));
			for (PartitionRecord partition : copyset.store().partitions()) {
				if (partition.getBlockSize() == 0) {
					continue;
				}
				BlockNames names = new BlockNames(this.keyPrefix, partition.getBlockSize());
				for (Inode inode : copyset.store().retiredBy(partition.getPartitionId(), retiredBy, PAGE)) {
					if (!copyset.isLeader()) {
						return deleted;
					}
					deleted += deleteRetired(copyset, partition, inode, names, retiredBy);
				}
				if (newTerm) {
					offerCandidates(copyset, partition);
				}
			}
			if (newTerm) {
				this.lookedOver.put(copyset.key(), term);
			}
		}
		return deleted;
	}

	/** Offers every inode of the partition with a chunk past the threshold, a page at a time. */
	private void offerCandidates(MetaCopyset copyset, PartitionRecord partition) {
		long after = 0;
		List<Inode> page;
		do {
			if (!copyset.isLeader()) {
				return;
			}
			page = copyset.store().inodes(partition.getPartitionId(), after, PAGE);
			for (Inode inode : page) {
				after = inode.getInodeId();
				if (this.compactor.wants(inode)) {
					this.compactor.offer(new Compactor.InodeRef(copyset.key(), partition.getPartitionId(), inode.getInodeId()));
				}
			}
		}
		while (page.size() == PAGE);
	}

	private int deleteRetired(MetaCopyset copyset, PartitionRecord partition, Inode inode, BlockNames names,
			long retiredBy) {
		List<String> keys = names.retiredKeys(inode, retiredBy);
		this.objects.delete(keys);
		Compactor.propose(copyset, MetaCommand.newBuilder()
			.setForgetRetired(ForgetRetiredRequest.newBuilder()
				.setPartition(PartitionRef.newBuilder()
					.setCopyset(copyset.key())
					.setPartitionId(partition.getPartitionId()))
				.setInodeId(inode.getInodeId())
				.setRetiredByMs(retiredBy)));
		this.retiredDeleted.increment(keys.size());
		return keys.size();
	}

	/**
	 * Deletes objects of the led partitions' file systems that no inode references and
	 * that are older than the orphan age.
	 * @return the objects deleted
	 */
	public int sweepOnce() {
		long oldEnough = this.clock.millis() - this.orphanAge.toMillis();
		Map<Integer, List<Led>> byFs = new HashMap<>();
		for (MetaCopyset copyset : this.copysets.copysets()) {
			if (!copyset.isLeader()) {
				continue;
			}
			for (PartitionRecord partition : copyset.store().partitions()) {
				if (partition.getBlockSize() != 0) {
					byFs.computeIfAbsent(partition.getFsId(), f -> new ArrayList<>()).add(new Led(copyset, partition));
				}
			}
		}
		int deleted = 0;
		for (Map.Entry<Integer, List<Led>> fs : byFs.entrySet()) {
			String prefix = BlockNames.fsPrefix(this.keyPrefix, fs.getKey());
			List<String> orphans = new ArrayList<>();
			Map<Long, Set<String>> referenced = new HashMap<>();
			for (SnapshotStore.Listed object : this.objects.list(prefix)) {
				long inodeId = BlockNames.inodeOf(prefix, object.key());
				if (inodeId < 0 || object.lastModified().toEpochMilli() > oldEnough) {
					continue;
				}
				for (Led led : fs.getValue()) {
					PartitionRecord p = led.partition();
					if (inodeId >= p.getStartInode() && inodeId < p.getEndInode() && led.copyset().isLeader()) {
						Set<String> keys = referenced.computeIfAbsent(inodeId, id -> references(led, id));
						if (!keys.contains(object.key())) {
							orphans.add(object.key());
						}
					}
				}
			}
			this.objects.delete(orphans);
			deleted += orphans.size();
			if (!orphans.isEmpty()) {
				log.info("swept {} objects of file system {} that no inode references", orphans.size(), fs.getKey());
			}
		}
		this.orphansDeleted.increment(deleted);
		return deleted;
	}

	/** Every object name the inode's pieces and retired pieces use (none when there is no such inode). */
	private Set<String> references(Led led, long inodeId) {
		Set<String> keys = new HashSet<>();
		BlockNames names = new BlockNames(this.keyPrefix, led.partition().getBlockSize());
		led.copyset().store().inode(led.partition().getPartitionId(), inodeId).ifPresent(inode -> {
			keys.addAll(names.pieceKeys(inode));
			keys.addAll(names.retiredKeys(inode, Long.MAX_VALUE));
		});
		return keys;
	}

	private record Led(MetaCopyset copyset, PartitionRecord partition) {
	}

	@Override
	public synchronized void close() {
		if (this.rounds != null) {
			this.rounds.shutdownNow();
			try {
				this.rounds.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.rounds = null;
		}
	}

}
