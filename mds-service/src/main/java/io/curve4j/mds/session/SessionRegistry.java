package io.curve4j.mds.session;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.config.MdsProperties;

/**
 * Client sessions on open volumes, each with a lease the client refreshes.
 *
 * <p>
 * Sessions live in memory on the leader and are not replicated: they are soft state
 * that clients renew every few seconds. After a leader change the new leader knows no
 * session; a refresh of a session it does not know re-establishes it (so a failover
 * costs clients nothing), and until the clients have refreshed, the new leader does
 * not know the volume is open (a delete in that window is not refused).
 */
@Component
public class SessionRegistry {

	/** An open volume. */
	public record Session(String id, long fileId, String clientId, long expiresAtNanos) {
	}

	private final Map<String, Session> sessions = new ConcurrentHashMap<>();

	private final Duration lease;

	public SessionRegistry(MdsProperties properties) {
		this.lease = properties.getSessionLease();
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

	/** True while some session on the file holds an unexpired lease. */
	public boolean inUse(long fileId) {
		long now = System.nanoTime();
		this.sessions.values().removeIf(s -> s.expiresAtNanos() - now < 0);
		return this.sessions.values().stream().anyMatch(s -> s.fileId() == fileId);
	}

	private long expiry() {
		return System.nanoTime() + this.lease.toNanos();
	}

}
