package io.curve4j.sdk.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.LoopbackPorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MdsRestApiTest {

	@Test
	void followsARedirectToTheLeaderResendingTheBody() throws Exception {
		try (FakeRestMds leader = new FakeRestMds(); FakeRestMds follower = new FakeRestMds()) {
			leader.json("/api/v1/topology", "{\"zones\":[{\"id\":1}]}");
			follower.redirect("/api/v1/topology", "http://" + leader.address() + "/api/v1/topology");
			JsonNode answer = MdsRestApi.connect(List.of(follower.address())).applyTopology("zones: []");
			assertThat(answer.path("zones").get(0).path("id").asInt()).isEqualTo(1);
			assertThat(leader.requests).singleElement().satisfies((r) -> {
				assertThat(r.method()).isEqualTo("POST");
				assertThat(r.body()).isEqualTo("zones: []");
				assertThat(r.contentType()).startsWith("application/yaml");
			});
		}
	}

	@Test
	void aMemberThatKnowsNoLeaderSendsTheCallToTheNext() throws Exception {
		try (FakeRestMds electing = new FakeRestMds(); FakeRestMds leader = new FakeRestMds()) {
			electing.problem("/api/v1/cluster/status", 503, "NOT_LEADER", "no leader yet");
			leader.json("/api/v1/cluster/status", "{\"healthy\":true}");
			JsonNode status = MdsRestApi.connect(List.of(electing.address(), leader.address())).clusterStatus();
			assertThat(status.path("healthy").asBoolean()).isTrue();
			assertThat(electing.requests).hasSize(1);
			assertThat(leader.requests).hasSize(1);
		}
	}

	@Test
	void triesTheNextMemberWhenOneCannotBeReached() throws Exception {
		int closedPort = LoopbackPorts.free();
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/cluster/status", "{\"healthy\":true}");
			JsonNode status = MdsRestApi.connect(List.of("127.0.0.1:" + closedPort, mds.address())).clusterStatus();
			assertThat(status.path("healthy").asBoolean()).isTrue();
		}
	}

	@Test
	void noMemberReachableIsUnavailable() {
		int closedPort = LoopbackPorts.free();
		assertThatThrownBy(() -> MdsRestApi.connect(List.of("127.0.0.1:" + closedPort), null, Duration.ofMillis(500))
			.topology())
			.isInstanceOfSatisfying(CurveException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE);
				assertThat(ex.getMessage()).contains("127.0.0.1:" + closedPort);
			});
	}

	@Test
	void problemDetailsBecomeTypedErrors() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.problem("/api/v1/topology", 400, "MALFORMED_TOPOLOGY", "line 3: zones must be a list");
			assertThatThrownBy(() -> MdsRestApi.connect(List.of(mds.address())).applyTopology("zones: 1"))
				.isInstanceOfSatisfying(CurveException.class, (ex) -> {
					assertThat(ex.code()).isEqualTo(ErrorCode.MALFORMED_TOPOLOGY);
					assertThat(ex.getMessage()).isEqualTo("line 3: zones must be a list");
				});
		}
	}

	@Test
	void errorsWithoutProblemDetailsAreClassifiedByStatus() {
		CurveException ex = MdsProblemHandler.problem("GET", java.net.URI.create("http://h/api/v1/x"), 503,
				"<html>busy</html>");
		assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE);
		assertThat(ex.getMessage()).contains("HTTP 503").contains("busy");
	}

	@Test
	void everyHopIsSignedAnewForItsOwnRequest() throws Exception {
		try (FakeRestMds leader = new FakeRestMds(); FakeRestMds follower = new FakeRestMds()) {
			leader.json("/api/v1/users", "{\"name\":\"alice\",\"created\":\"2025-01-02T03:04:05Z\"}");
			follower.redirect("/api/v1/users", "http://" + leader.address() + "/api/v1/users");
			MdsRestApi.User user = MdsRestApi.connect(List.of(follower.address()), new Credentials("root", "secret"))
				.createUser(new MdsRestApi.NewUser("alice", "alice-password"));
			assertThat(user).isEqualTo(new MdsRestApi.User("alice", Instant.parse("2025-01-02T03:04:05Z")));
			FakeRestMds.Request first = follower.requests.get(0);
			FakeRestMds.Request second = leader.requests.get(0);
			assertThat(first.headers().getFirst(RequestSignature.NONCE_HEADER))
				.isNotEqualTo(second.headers().getFirst(RequestSignature.NONCE_HEADER));
			assertSignedBy("root", "secret", first);
			assertSignedBy("root", "secret", second);
		}
	}

	@Test
	void aChangeWhoseAnswerIsLostIsNotRepeated() throws Exception {
		try (FakeRestMds dying = new FakeRestMds(); FakeRestMds other = new FakeRestMds()) {
			dying.drop("/api/v1/users");
			other.json("/api/v1/users", "{\"name\":\"alice\"}");
			assertThatThrownBy(() -> MdsRestApi.connect(List.of(dying.address(), other.address()))
				.createUser(new MdsRestApi.NewUser("alice", "alice-password")))
				.isInstanceOfSatisfying(CurveException.class, (ex) -> {
					assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE);
					assertThat(ex.getMessage()).contains("may have been applied");
				});
			assertThat(dying.requests).hasSize(1);
			assertThat(other.requests).isEmpty();
		}
	}

	@Test
	void aReadWhoseAnswerIsLostIsAskedOfTheNextMember() throws Exception {
		try (FakeRestMds dying = new FakeRestMds(); FakeRestMds other = new FakeRestMds()) {
			dying.drop("/api/v1/users");
			other.json("/api/v1/users", """
					{"content":[{"name":"alice","created":"2025-01-02T03:04:05Z"}],
					 "page":{"size":1000,"number":0,"totalElements":1,"totalPages":1}}""");
			MdsRestApi.Page<MdsRestApi.User> users = MdsRestApi.connect(List.of(dying.address(), other.address()))
				.users(0, 1000, "name");
			assertThat(users.content()).extracting(MdsRestApi.User::name).containsExactly("alice");
			assertThat(users.page().totalPages()).isEqualTo(1);
			assertThat(other.requests).singleElement()
				.satisfies((r) -> assertThat(r.query()).contains("page=0", "size=1000", "sort=name"));
		}
	}

	@Test
	void pathVariablesAndEmptyAnswers() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/users/bob", "");
			mds.json("/api/v1/schedulers/leader-balance/pause", "{\"name\":\"leader-balance\",\"paused\":true}");
			MdsRestApi api = MdsRestApi.connect(List.of(mds.address()));
			api.deleteUser("bob");
			assertThat(api.pauseScheduler("leader-balance")).isEqualTo(new MdsRestApi.Scheduler("leader-balance", true));
			assertThat(mds.requests).extracting(FakeRestMds.Request::method).containsExactly("DELETE", "POST");
		}
	}

	/** The signature is valid for the request as that member received it. */
	private static void assertSignedBy(String user, String password, FakeRestMds.Request request) {
		RequestSignature.Signed signed = new RequestSignature.Signed(request.method(), request.path(),
				request.query() == null ? "" : request.query(),
				RequestSignature.sha256Hex(request.body().getBytes(StandardCharsets.UTF_8)),
				Long.parseLong(request.headers().getFirst(RequestSignature.DATE_HEADER)),
				request.headers().getFirst(RequestSignature.NONCE_HEADER), user);
		assertThat(request.headers().getFirst(RequestSignature.OWNER_HEADER)).isEqualTo(user);
		assertThat(request.headers().getFirst(RequestSignature.SIGNATURE_HEADER))
			.isEqualTo(RequestSignature.sign(RequestSignature.signingKey(user, password), signed));
	}

}
