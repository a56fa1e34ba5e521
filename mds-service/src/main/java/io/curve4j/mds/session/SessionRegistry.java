package io.curve4j.mds.session;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
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
 *
 * <p>
 * Each session also keeps the sequence number its client last reported writing with: a
 * snapshot waits ({@link #awaitSequence}) until every live session on its volume reports
 * the raised number, and for the same reason a young leader lets no snapshot pass early.
 */
@Component
public class SessionRegistry {

	/**
	 * An open volume, the user who opened it, and the sequence number its client writes
	 * with (as given at open, then as reported by each refresh).
	 */
	public record Session(String id, long fileId, String clientId, String owner, long expiresAtNanos, long seqNum) {
	}

	/** Sessions one member holds: a flood of opens fails, it does not fill the heap. */
	static final int MAX_SESSIONS = 100_000;

	/** A session id as this registry issues it (a UUID) or a little longer; nothing else is kept. */
	private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

	private static final int MAX_CLIENT_ID = 256;

	/** How often {@link #awaitSequence} looks again without being woken. */
	private static final long POLL_MILLIS = 50;

	private final Map<String, Session> sessions = new ConcurrentHashMap<>();

	private final Object monitor = new Object();

	private final Duration lease;

	private final MdsRaft raft;

	public SessionRegistry(MdsProperties properties, MdsRaft raft) {
		this.lease = properties.getSessionLease();
		this.raft = raft;
	}

	public Duration lease() {
		return this.lease;
	}

	/** A new session whose client writes with {@code seqNum}, the volume's number it was given. */
	public Session open(long fileId, String clientId, long seqNum, Caller caller) {
		if (clientId != null && clientId.length() > MAX_CLIENT_ID) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a client id has at most " + MAX_CLIENT_ID + " characters");
		}
		Session s = new Session(UUID.randomUUID().toString(), fileId, clientId == null ? "" : clientId, caller.name(),
				expiry(), seqNum);
		admit(s);
		return s;
	}

	/**
	 * The volume's number as read after the session was admitted: a snapshot that raised it
	 * in between either saw the session (and waits for it) or raised it before this read.
	 */
	public void opened(String sessionId, long seqNum) {
		this.sessions.computeIfPresent(sessionId, (id, s) -> new Session(id, s.fileId(), s.clientId(), s.owner(),
				s.expiresAtNanos(), seqNum));
		changed();
	}

	/**
	 * Extends the lease of the caller's session and keeps the sequence number its client
	 * reports writing with; adopts a session this member does not know (opened on an
	 * earlier leader) for the caller, who may use the volume.
	 */
	public Session refresh(long fileId, String sessionId, long seqNum, Caller caller) {
		checkId(sessionId);
		Session old = this.sessions.get(sessionId);
		if (old != null && old.fileId() != fileId) {
			throw new CurveException(ErrorCode.SESSION_NOT_FOUND,
					"session " + sessionId + " belongs to another volume");
		}
		if (old != null) {
			caller.requireOwner(old.owner(), "session " + sessionId);
		}
		Session s = new Session(sessionId, fileId, old == null ? "" : old.clientId(),
				old == null ? caller.name() : old.owner(), expiry(), seqNum);
		if (old == null) {
			admit(s);
		}
		else {
			this.sessions.put(sessionId, s);
		}
		changed();
		return s;
	}

	public void close(long fileId, String sessionId, Caller caller) {
		checkId(sessionId);
		Session s = this.sessions.get(sessionId);
		if (s != null && s.fileId() == fileId) {
			caller.requireOwner(s.owner(), "session " + sessionId);
			this.sessions.remove(sessionId, s);
			changed();
		}
	}

	private void admit(Session s) {
		if (this.sessions.size() >= MAX_SESSIONS) {
			long now = System.nanoTime();
			this.sessions.values().removeIf(old -> old.expiresAtNanos() - now < 0);
			if (this.sessions.size() >= MAX_SESSIONS) {
				throw new CurveException(ErrorCode.TOO_MANY_SESSIONS, "this MDS holds " + MAX_SESSIONS
						+ " open sessions already; close volumes that are not in use");
			}
		}
		this.sessions.put(s.id(), s);
	}

	private static void checkId(String sessionId) {
		if (sessionId == null || sessionId.isBlank()) {
			throw new CurveException(ErrorCode.SESSION_NOT_FOUND, "a session id is required; open the volume first");
		}
		if (!SESSION_ID.matcher(sessionId).matches()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"a session id is 1 to 64 letters, digits or '-', as opening the volume returned it");
		}
	}

	/**
	 * True while some session on the file holds an unexpired lease, and for every file
	 * during the first lease after this member became leader (after the first term).
	 */
	public boolean inUse(long fileId) {
		long now = System.nanoTime();
		if (young(now)) {
			return true;
		}
		this.sessions.values().removeIf(s -> s.expiresAtNanos() - now < 0);
		return this.sessions.values().stream().anyMatch(s -> s.fileId() == fileId);
	}

	/**
	 * Waits until no live session on the file writes with a number below {@code seqNum}
	 * (each reported it, was closed, or let its lease run out) on this member as leader,
	 * and this member has led for one lease; or until {@code deadlineNanos}.
	 * @return true when the sessions reached the number, false at the deadline
	 */
	public boolean awaitSequence(long fileId, long seqNum, long deadlineNanos) throws InterruptedException {
		synchronized (this.monitor) {
			while (true) {
				long now = System.nanoTime();
				if (this.raft.isLeader() && !young(now) && this.sessions.values()
					.stream()
					.noneMatch(s -> s.fileId() == fileId && s.seqNum() < seqNum && s.expiresAtNanos() - now >= 0)) {
					return true;
				}
				long left = deadlineNanos - now;
				if (left <= 0) {
					return false;
				}
				// woken by refreshes and closes; expiries and the end of a young term are polled
				this.monitor.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), POLL_MILLIS)));
			}
		}
	}

	/**
	 * During the first lease after this member became leader it cannot know the sessions
	 * clients hold on its predecessor. The group's first leader has no predecessor.
	 */
	private boolean young(long now) {
		return this.raft.term() > 1 && now - this.raft.leaderSinceNanos() < this.lease.toNanos();
	}

	private void changed() {
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
	}

	private long expiry() {
		return System.nanoTime() + this.lease.toNanos();
	}

}
