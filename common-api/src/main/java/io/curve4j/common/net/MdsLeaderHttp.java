package io.curve4j.common.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * HTTP to the MDS leader, whichever member that is: the one way the command line, the
 * launcher and the gateway reach the MDS REST API. The leader is whoever answered last.
 * A follower's 307 is followed to the Location it names; a member that is down, or one
 * that knows no leader (503 NOT_LEADER: an election is on), moves the call to the next
 * member after a short pause, within the retry budget. When every member refuses the
 * connection in turn, nothing runs there: the call fails at once.
 *
 * <p>
 * A request is sent again only when it provably did not run: the connection was refused,
 * or the member answered with a redirect or NOT_LEADER. A change whose answer is lost is
 * never repeated (it may have been applied): the caller gets UNAVAILABLE and checks with
 * a read.
 *
 * <p>
 * The members come from a {@link Supplier}: a fixed list, or a service registry (the
 * Kubernetes discovery client) asked again whenever a member cannot be reached or knows
 * no leader, so that members added or removed since are seen at the next failover. The
 * supplier throws when it finds no member; the call then fails with its message.
 */
public final class MdsLeaderHttp {

	private static final int MAX_REDIRECTS = 5;

	private static final Duration PAUSE = Duration.ofMillis(200);

	private final Supplier<List<String>> source;

	private volatile List<String> members;

	private final Duration retryBudget;

	private final HttpClient http;

	private volatile String leader;

	/**
	 * @param addresses {@code host:port} (or {@code http://host:port}) of the MDS members
	 * @param retryBudget how long one call may look for a leader
	 */
	public MdsLeaderHttp(List<String> addresses, Duration retryBudget) {
		this(MdsMemberList.fixed(addresses), retryBudget);
		this.members = this.source.get();
		this.leader = this.members.get(0);
	}

	/**
	 * @param addresses asked for the members ({@code host:port} or
	 * {@code http://host:port}) before the first call and again at every failover; throws
	 * {@link CurveException} when there is none
	 * @param retryBudget how long one call may look for a leader
	 */
	public MdsLeaderHttp(Supplier<List<String>> addresses, Duration retryBudget) {
		this.source = () -> MdsMemberList.current(addresses).stream().map(MdsLeaderHttp::authority).toList();
		this.retryBudget = retryBudget;
		// redirects are followed here: the body must be sent again and the hops stay bounded
		this.http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(2))
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/** The members as last resolved (an empty list before the first call of a registry). */
	public List<String> members() {
		List<String> current = this.members;
		return current == null ? List.of() : current;
	}

	/** Asks the source for the members again; the leader is kept when it is still one of them. */
	private List<String> refresh() {
		List<String> current = this.source.get();
		this.members = current;
		return current;
	}

	/**
	 * Sends {@code method pathAndQuery} to the leader.
	 * @param request builds the request for one attempt at a full URI (called again for
	 * every hop, so that a signature's date stays fresh)
	 * @return the leader's answer, whatever its status
	 */
	public HttpResponse<byte[]> send(String method, String pathAndQuery, Function<URI, HttpRequest> request) {
		long deadline = System.nanoTime() + this.retryBudget.toNanos();
		List<String> current = this.members == null ? refresh() : this.members;
		String target = this.leader != null && current.contains(this.leader) ? this.leader : current.get(0);
		URI uri = uri(target, pathAndQuery);
		int redirects = 0;
		int refusedInARow = 0;
		String lastFailure = "no MDS member was tried";
		while (true) {
			try {
				HttpResponse<byte[]> response = this.http.send(request.apply(uri), HttpResponse.BodyHandlers.ofByteArray());
				int status = response.statusCode();
				if ((status == 307 || status == 308) && redirects < MAX_REDIRECTS) {
					URI location = response.headers().firstValue("Location").map(uri::resolve).orElse(null);
					if (location != null && location.getAuthority() != null) {
						redirects++;
						uri = location;
						target = location.getAuthority();
						continue;
					}
				}
				refusedInARow = 0;
				if (status == 503 && notLeader(response) && System.nanoTime() < deadline) {
					lastFailure = target + " knows no MDS leader";
					current = refresh();
					target = next(target, current);
					uri = uri(target, pathAndQuery);
					pause(deadline);
					continue;
				}
				this.leader = target;
				return response;
			}
			catch (ConnectException | HttpConnectTimeoutException ex) {
				lastFailure = target + " is unreachable (" + ex.getClass().getSimpleName() + ")";
				// every member refused in turn: nothing runs there, no election will end it
				if (++refusedInARow >= current.size()) {
					// unless the source knows other members by now (a registry's)
					List<String> fresh = refresh();
					if (fresh.equals(current)) {
						throw new CurveException(ErrorCode.UNAVAILABLE, "no MDS answered " + method + " " + pathAndQuery
								+ ": none of " + current + " can be reached; last: " + lastFailure);
					}
				}
			}
			catch (IOException ex) {
				if (!idempotent(method)) {
					throw new CurveException(ErrorCode.UNAVAILABLE, method + " " + pathAndQuery + " reached " + target
							+ " but its answer was lost (" + ex.getClass().getSimpleName()
							+ "); it may have been applied, check with a read before repeating it");
				}
				lastFailure = target + " failed (" + ex.getClass().getSimpleName() + ")";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while calling the MDS");
			}
			if (System.nanoTime() >= deadline) {
				throw new CurveException(ErrorCode.UNAVAILABLE, "no MDS leader answered " + method + " " + pathAndQuery
						+ " within " + this.retryBudget.toMillis() + " ms; last: " + lastFailure);
			}
			String failed = target;
			// the members may have changed (a registry's): the next one is taken from a fresh list
			List<String> before = current;
			current = refresh();
			if (!current.equals(before)) {
				refusedInARow = 0;
			}
			target = next(failed, current);
			uri = uri(target, pathAndQuery);
			// a full round of members without an answer: wait before the next round
			if (target.equals(current.get(0)) || !current.contains(failed)) {
				pause(deadline);
			}
		}
	}

	private static URI uri(String authority, String pathAndQuery) {
		return URI.create("http://" + authority + pathAndQuery);
	}

	/** A 503 whose problem says NOT_LEADER: the member is up but no leader is known. */
	private static boolean notLeader(HttpResponse<byte[]> response) {
		return new String(response.body(), StandardCharsets.UTF_8).contains("\"NOT_LEADER\"");
	}

	private static String next(String current, List<String> members) {
		int i = members.indexOf(current);
		return members.get((i + 1) % members.size());
	}

	private static boolean idempotent(String method) {
		return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
	}

	private static void pause(long deadline) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			return;
		}
		try {
			Thread.sleep(Math.min(PAUSE.toMillis(), Math.max(1, left / 1_000_000)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while waiting for an MDS leader");
		}
	}

	private static String authority(String address) {
		String a = address.strip();
		if (a.startsWith("http://")) {
			a = a.substring("http://".length());
		}
		while (a.endsWith("/")) {
			a = a.substring(0, a.length() - 1);
		}
		return a;
	}

}
