package io.curve4j.mds.topology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.proto.common.v1.CopysetKey;
import io.curve4j.proto.common.v1.CopysetMembers;
import io.curve4j.proto.heartbeat.v1.CopysetReport;
import io.curve4j.proto.heartbeat.v1.IntegrityReport;
import io.curve4j.proto.mds.v1.ChunkServerRecord;
import io.curve4j.proto.mds.v1.CopysetRecord;

/**
 * What chunkservers last reported to this MDS: liveness, disk use and, per copyset,
 * leader, peers and epoch. Kept in memory on the leader only (it changes every second
 * and is rebuilt from heartbeats within one interval), never written to Raft.
 *
 * <p>
 * A chunkserver is online when its last heartbeat is younger than the offline timeout.
 * A member that just became leader has seen nobody yet, so it treats every chunkserver
 * as online until one timeout has passed since its election; reports received during an
 * earlier term of this member are ignored.
 */
@Component
public class ChunkServerStates {

	/** Health of a copyset as its replicas report it. */
	public enum CopysetState {

		/** Every replica online and a leader reported. */
		HEALTHY,
		/** A leader, but some replica offline. */
		DEGRADED,
		/** No leader, or a majority of replicas offline. */
		UNAVAILABLE

	}

	/** One replica of a copyset. */
	public record Peer(int chunkServerId, String raftAddress, boolean online) {
	}

	/** A copyset with its assigned members, the reported leader (0: none) and its state. */
	public record CopysetStatus(CopysetKey key, List<Peer> peers, int leaderId, long epoch, CopysetState state) {
	}

	private record Seen(long atNanos, long capacity, long used, Map<CopysetKey, CopysetReport> copysets,
			IntegrityReport integrity) {
	}

	private final Map<Integer, Seen> seen = new ConcurrentHashMap<>();

	private final MdsRaft raft;

	private final long offlineNanos;

	public ChunkServerStates(MdsRaft raft, MdsProperties properties) {
		this.raft = raft;
		this.offlineNanos = properties.getChunkserverOfflineTimeout().toNanos();
	}

	/** Records a heartbeat; its copyset reports replace the previous ones of this chunkserver. */
	public void heartbeat(int chunkServerId, long capacity, long used, List<CopysetReport> reports,
			IntegrityReport integrity) {
		Map<CopysetKey, CopysetReport> copysets = new ConcurrentHashMap<>();
		reports.forEach(r -> copysets.put(r.getKey(), r));
		this.seen.put(chunkServerId, new Seen(System.nanoTime(), capacity, used, copysets, integrity));
	}

	/** A registration is a sign of life too. */
	public void registered(int chunkServerId, long capacity) {
		this.seen.compute(chunkServerId, (id, old) -> new Seen(System.nanoTime(), capacity,
				old == null ? 0 : old.used(), old == null ? new ConcurrentHashMap<>() : old.copysets(),
				old == null ? IntegrityReport.getDefaultInstance() : old.integrity()));
	}

	public boolean online(int chunkServerId) {
		long now = System.nanoTime();
		long leaderSince = this.raft.leaderSinceNanos();
		Seen s = current(chunkServerId);
		if (s != null && now - s.atNanos() < this.offlineNanos) {
			return true;
		}
		return now - leaderSince < this.offlineNanos;
	}

	/** What the chunkserver last reported of its page checks; all zero when unknown. */
	public IntegrityReport integrity(int chunkServerId) {
		Seen s = current(chunkServerId);
		return s == null ? IntegrityReport.getDefaultInstance() : s.integrity();
	}

	/** Disk bytes in use as last reported; 0 when unknown. */
	public long diskUsed(int chunkServerId) {
		Seen s = current(chunkServerId);
		return s == null ? 0 : s.used();
	}

	/** Disk capacity as last reported; the registered one when no heartbeat came yet. */
	public long diskCapacity(ChunkServerRecord cs) {
		Seen s = current(cs.getId());
		return s == null || s.capacity() == 0 ? cs.getDiskCapacity() : s.capacity();
	}

	/**
	 * The leader of a copyset: the online replica claiming leadership in the highest
	 * term; 0 when none does.
	 */
	public int leaderOf(CopysetKey key) {
		int leader = 0;
		long term = -1;
		for (Map.Entry<Integer, Seen> e : this.seen.entrySet()) {
			CopysetReport r = e.getValue().copysets().get(key);
			if (r != null && r.getIsLeader() && r.getTerm() > term && current(e.getKey()) != null
					&& online(e.getKey())) {
				leader = e.getKey();
				term = r.getTerm();
			}
		}
		return leader;
	}

	/** What a chunkserver last reported about its replica of a copyset, if it has one. */
	public Optional<CopysetReport> reported(int chunkServerId, CopysetKey key) {
		Seen s = current(chunkServerId);
		return s == null ? Optional.empty() : Optional.ofNullable(s.copysets().get(key));
	}

	public CopysetStatus status(CopysetRecord copyset, Topology topology) {
		CopysetKey key = Topology.key(copyset);
		List<Peer> peers = new ArrayList<>();
		int offline = 0;
		for (int id : copyset.getChunkServerIdsList()) {
			boolean up = online(id);
			offline += up ? 0 : 1;
			String raftAddress = topology.chunkServer(id).map(Topology::raftAddress).orElse("");
			peers.add(new Peer(id, raftAddress, up));
		}
		int leader = leaderOf(key);
		long epoch = copyset.getEpoch();
		for (int id : copyset.getChunkServerIdsList()) {
			Seen s = current(id);
			CopysetReport r = s == null ? null : s.copysets().get(key);
			if (r != null) {
				epoch = Math.max(epoch, r.getEpoch());
			}
		}
		CopysetState state;
		if (leader == 0 || offline * 2 > peers.size()) {
			state = CopysetState.UNAVAILABLE;
		}
		else if (offline > 0) {
			state = CopysetState.DEGRADED;
		}
		else {
			state = CopysetState.HEALTHY;
		}
		return new CopysetStatus(key, List.copyOf(peers), leader, epoch, state);
	}

	/** A copyset's members to call, the reported leader first (followers answer NOT_LEADER). */
	public Set<ChunkServerRecord> leaderFirst(Topology topology, CopysetKey key) {
		Set<ChunkServerRecord> candidates = new LinkedHashSet<>();
		topology.chunkServer(leaderOf(key)).ifPresent(candidates::add);
		topology.copyset(key)
			.map(CopysetRecord::getChunkServerIdsList)
			.orElse(List.of())
			.forEach(id -> topology.chunkServer(id).ifPresent(candidates::add));
		return candidates;
	}

	/** A copyset's members as clients and chunkservers get them, with the reported leader. */
	public CopysetMembers members(Topology topology, CopysetRecord copyset) {
		CopysetMembers.Builder members = CopysetMembers.newBuilder()
			.setKey(Topology.key(copyset))
			.setEpoch(copyset.getEpoch())
			.setLeaderId(leaderOf(Topology.key(copyset)));
		for (int id : copyset.getChunkServerIdsList()) {
			topology.chunkServer(id).ifPresent(cs -> members.addPeers(topology.location(cs)));
		}
		return members.build();
	}

	/** Reports received while this member leads; older ones belong to another term. */
	private Seen current(int chunkServerId) {
		Seen s = this.seen.get(chunkServerId);
		return s == null || s.atNanos() - this.raft.leaderSinceNanos() < 0 ? null : s;
	}

}
