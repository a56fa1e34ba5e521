package io.curve4j.common.net;

import java.util.List;
import java.util.function.Supplier;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Where the MDS members come from, for the clients that find the leader among them
 * ({@link MdsLeaderHttp} over HTTP, the SDK's {@code MdsClient} over gRPC): a fixed list
 * or a source asked again at each failover (a service registry).
 */
public final class MdsMemberList {

	private MdsMemberList() {
	}

	/** A fixed list; an empty one is an INVALID_ARGUMENT. */
	public static Supplier<List<String>> fixed(List<String> addresses) {
		if (addresses == null || addresses.isEmpty()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "no MDS address given");
		}
		List<String> copy = List.copyOf(addresses);
		return () -> copy;
	}

	/** What the source lists now; none is UNAVAILABLE (a registry may list them later). */
	public static List<String> current(Supplier<List<String>> source) {
		List<String> found = source.get();
		if (found == null || found.isEmpty()) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "no MDS member is known");
		}
		return found;
	}

}
