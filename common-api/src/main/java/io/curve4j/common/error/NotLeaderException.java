package io.curve4j.common.error;

/**
 * The replica asked is not the leader of its Raft group. Carries the leader it knows of,
 * if any, so the caller can go there directly.
 */
public class NotLeaderException extends CurveException {

	private static final long serialVersionUID = 1L;

	private final String leaderHint;

	public NotLeaderException(String detail, String leaderHint) {
		super(ErrorCode.NOT_LEADER, detail);
		this.leaderHint = leaderHint == null ? "" : leaderHint;
	}

	/** Address of the leader as the replica knows it; empty when unknown. */
	public String leaderHint() {
		return this.leaderHint;
	}

}
