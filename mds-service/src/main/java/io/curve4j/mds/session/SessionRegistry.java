package io.curve4j.mds.session;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsRaft;

/**
 * Client sessions on open volumes, each with a lease the client refreshes.
 *
 * <p>
 * Sessions live in memory on the leader and are not replicated: they are soft state
 * that clients renew every few seconds. After a leader change the new leader knows no
 * session; a refresh of a session it does not know re-establishes it (so a failover
 * costs clients nothing). Until one lease has passed since its election a new leader
 * cannot tell a closed volume from one whose client has not refreshed yet, so it treats
 * every volume as open (a delete in that window is refused as VOLUME_IN_USE).
 */
@Component
public class SessionRegistry {

	/** An open volume. */
	public record Session(String id, long fileId, String clientId, long expiresAtNanos) {
	}

	private final Map<String, Session> sessions = new ConcurrentHashMap<>();

	private final Duration lease;

	private final MdsRaft raft;

	public SessionRegistry(MdsProperties properties, MdsRaft raft) {
		this.lease = properties.getSessionLease();
		this.raft = raft;
	}

	public Duration lease() {
		return this.lease;
	}

	public Session open(long fileId, String clientId) {
		Session s = new Session(UUID.randomUUID().toString(), fileId, clientId, expiry());
		this.sessions.put(s.id(), s);
		return s;
	}

	/** Extends the lease; adopts a session this member does not know (opened on an earlier leader). */
	public Session refresh(long fileId, String sessionId) {
		if (sessionId == null || sessionId.isBlank()) {
			throw new CurveException(ErrorCode.SESSION_NOT_FOUND, "a session id is required; open the volume first");
		}
		Session old = this.sessions.get(sessionId);
		if (old != null && old.fileId() != fileId) {
			throw new CurveException(ErrorCode.SESSION_NOT_FOUND,
					"session " + sessionId + " belongs to another volume");
		}
		Session s = new Session(sessionId, fileId, old == null ? "" : old.clientId(), expiry());
		this.sessions.put(sessionId, s);
		return s;
	}

	public void close(long fileId, String sessionId) {
		this.sessions.computeIfPresent(sessionId, (id, s) -> s.fileId() == fileId ? null : s);
	}

	/**
	 * True while some session on the file holds an unexpired lease, and for every file
	 * during the first lease after this member became leader (after the first term).
	 */
	public boolean inUse(long fileId) {
		long now = System.nanoTime();
		// The group's first leader has no predecessor whose sessions it could have missed.
		if (this.raft.term() > 1 && now - this.raft.leaderSinceNanos() < this.lease.toNanos()) {
			return true;
		}
		this.sessions.values().removeIf(s -> s.expiresAtNanos() - now < 0);
		return this.sessions.values().stream().anyMatch(s -> s.fileId() == fileId);
	}

	private long expiry() {
		return System.nanoTime() + this.lease.toNanos();
	}

}
