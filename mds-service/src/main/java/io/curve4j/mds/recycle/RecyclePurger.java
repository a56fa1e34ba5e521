package io.curve4j.mds.recycle;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

import io.curve4j.common.auth.ChunkCapabilities;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.namespace.Namespace;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.mds.raft.PeriodicRounds;
import io.curve4j.mds.topology.ChunkServerStates;
import io.curve4j.mds.topology.Topology;
import io.curve4j.mds.topology.TopologyService;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.SegmentRecord;

/**
 * The leader's purge rounds: volumes of the recycle bin past their retention are marked
 * for purging (through the Raft group, so no member restores them any more); for each
 * volume being purged every chunk of its segments is deleted on its copyset, and only when
 * all are gone are its records dropped. A leader that changes mid-purge leaves the record
 * marked; the next leader deletes the chunks again (deleting a missing chunk succeeds) and
 * finishes. Followers do nothing.
 */
@Service
class RecyclePurger implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RecyclePurger.class);

	private final MdsRaft raft;

	private final MdsStore store;

	private final Namespace namespace;

	private final TopologyService topology;

	private final ChunkServerStates states;

	private final ChunkDeleter deleter;

	private final Counter purged;

	private final PeriodicRounds rounds;

	RecyclePurger(MdsRaft raft, MdsStore store, Namespace namespace, TopologyService topology,
			ChunkServerStates states, MdsProperties properties, MeterRegistry meters) {
		this.raft = raft;
		this.store = store;
		this.namespace = namespace;
		this.topology = topology;
		this.states = states;
		this.rounds = new PeriodicRounds("mds-recycle", this::round, properties.getRecycle().getInterval());
		String dataKey = properties.getAuth().resolveDataKey();
		this.deleter = new ChunkDeleter(dataKey == null ? null : ChunkCapabilities.fromSecret(dataKey));
		this.purged = Counter.builder("curve4j.mds.volumes.purged").register(meters);
	}

	void round() {
		try {
			if (!this.raft.isLeader()) {
				return;
			}
			long now = System.currentTimeMillis();
			List<Long> expired = this.namespace.recycleBin()
				.stream()
				.filter(f -> !f.getRecycle().getPurging() && f.getRecycle().getExpiresMs() <= now)
				.map(FileRecord::getId)
				.toList();
			if (!expired.isEmpty()) {
				this.namespace.expire(expired);
			}
			// read again: only a volume marked in the log is past every restore
			for (FileRecord file : this.namespace.recycleBin()) {
				if (file.getRecycle().getPurging() && this.raft.isLeader() && deleteChunks(file)) {
					this.namespace.removePurged(file.getId());
					this.purged.increment();
					log.info("purged volume {} (id {}): its chunks are deleted", file.getRecycle().getPath(),
							file.getId());
				}
			}
		}
		catch (RuntimeException ex) {
			// a lost leadership or an unreachable copyset: the next round takes it up again
			log.warn("purge round stopped: {}", ex.toString());
		}
	}

	private boolean deleteChunks(FileRecord file) {
		List<SegmentRecord> segments = this.raft
			.read(() -> this.store.list(MdsSchema.SEGMENTS, MdsSchema.segmentsOf(file.getId())));
		Topology current = this.topology.current();
		for (SegmentRecord segment : segments) {
			if (!this.deleter.deleteSegment(file.getId(), segment, current, this.states)) {
				// a copyset out of reach now: the next round starts over (deletes repeat harmlessly)
				return false;
			}
		}
		return true;
	}

	@Override
	public void start() {
		this.rounds.start();
	}

	@Override
	public void stop() {
		this.rounds.stop();
		this.deleter.close();
	}

	@Override
	public boolean isRunning() {
		return this.rounds.isRunning();
	}

}
