package io.curve4j.sdk.cluster;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import org.springframework.test.util.TestSocketUtils;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MdsRestClientTest {

	@Test
	void followsARedirectToTheLeaderResendingTheBody() throws Exception {
		try (FakeRestMds leader = new FakeRestMds(); FakeRestMds follower = new FakeRestMds()) {
			leader.json("/api/v1/topology", "{\"zones\":[{\"id\":1}]}");
			follower.redirect("/api/v1/topology", "http://" + leader.address() + "/api/v1/topology");
			JsonNode answer = new MdsRestClient(List.of(follower.address())).post("/api/v1/topology",
					"application/yaml", "zones: []");
			assertThat(answer.path("zones").get(0).path("id").asInt()).isEqualTo(1);
			assertThat(leader.requests).singleElement().satisfies((r) -> {
				assertThat(r.method()).isEqualTo("POST");
				assertThat(r.body()).isEqualTo("zones: []");
				assertThat(r.contentType()).isEqualTo("application/yaml");
			});
		}
	}

	@Test
	void triesTheNextMemberWhenOneCannotBeReached() throws Exception {
		int closedPort = TestSocketUtils.findAvailableTcpPort();
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.json("/api/v1/cluster/status", "{\"healthy\":true}");
			JsonNode status = new MdsRestClient(List.of("127.0.0.1:" + closedPort, mds.address()))
				.get("/api/v1/cluster/status");
			assertThat(status.path("healthy").asBoolean()).isTrue();
		}
	}

	@Test
	void noMemberReachableIsUnavailable() throws Exception {
		int closedPort = TestSocketUtils.findAvailableTcpPort();
		assertThatThrownBy(() -> new MdsRestClient(List.of("127.0.0.1:" + closedPort), null, Duration.ofMillis(500))
			.get("/api/v1/topology"))
			.isInstanceOfSatisfying(CurveException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE);
				assertThat(ex.getMessage()).contains("127.0.0.1:" + closedPort);
			});
	}

	@Test
	void problemDetailsBecomeTypedErrors() throws Exception {
		try (FakeRestMds mds = new FakeRestMds()) {
			mds.problem("/api/v1/topology", 400, "MALFORMED_TOPOLOGY", "line 3: zones must be a list");
			assertThatThrownBy(() -> new MdsRestClient(List.of(mds.address())).post("/api/v1/topology",
					"application/yaml", "zones: 1"))
				.isInstanceOfSatisfying(CurveException.class, (ex) -> {
					assertThat(ex.code()).isEqualTo(ErrorCode.MALFORMED_TOPOLOGY);
					assertThat(ex.getMessage()).isEqualTo("line 3: zones must be a list");
				});
		}
	}

	@Test
	void errorsWithoutProblemDetailsAreClassifiedByStatus() {
		CurveException ex = MdsRestClient.problem("GET", java.net.URI.create("http://h/api/v1/x"), 503,
				"<html>busy</html>");
		assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE);
		assertThat(ex.getMessage()).contains("HTTP 503").contains("busy");
	}

}
