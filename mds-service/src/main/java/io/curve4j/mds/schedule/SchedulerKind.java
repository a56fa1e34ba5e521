package io.curve4j.mds.schedule;

import java.util.Arrays;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/** The schedulers, by the name the REST API and the database use. */
public enum SchedulerKind {

	/** Replaces replicas on offline chunkservers; removes replicas beyond the pool's count. */
	RECOVERY("recovery"),
	/** Moves replicas from the fullest chunkservers to the emptiest (a new one fills up). */
	COPYSET_BALANCE("copyset-balance"),
	/** Moves leadership so that leaders per chunkserver differ by at most one. */
	LEADER_BALANCE("leader-balance");

	private final String id;

	SchedulerKind(String id) {
		this.id = id;
	}

	public String id() {
		return this.id;
	}

	static SchedulerKind of(String id) {
		return Arrays.stream(values())
			.filter(k -> k.id.equals(id))
			.findFirst()
			.orElseThrow(() -> new CurveException(ErrorCode.INVALID_ARGUMENT, "no scheduler named '" + id
					+ "'; the schedulers are " + Arrays.stream(values()).map(SchedulerKind::id).toList()));
	}

}
