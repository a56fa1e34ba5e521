package io.curve4j.sdk.block;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.cluster.FakeRestMds;

/**
 * {@link CurveClient#clone} and {@link CurveClient#flatten}: the MDS's REST calls, the
 * refusals as typed codes, the answer as the MDS's stat of the volume.
 */
class CurveClientCloneTest {

	/** The MDS's answer (a clone flattened at once: the fake has nothing to flatten). */
	private static final String VIEW = """
			{"id":1,"path":"/c","type":"VOLUME","owner":"root","size":1073741824,"chunkSize":16777216,
			 "ctime":"2026-01-02T03:04:05Z","clone":null}""";

	private FakeChunkServers chunkServers;

	private FakeMds mds;

	private FakeRestMds rest;

	@BeforeEach
	void start() throws Exception {
		this.chunkServers = new FakeChunkServers(Sizes.DEFAULT_CHUNK_SIZE);
		this.mds = new FakeMds("mds-clone:6700", Sizes.DEFAULT_CHUNK_SIZE, Sizes.DEFAULT_SEGMENT_SIZE,
				this.chunkServers.copysets(1));
		// the fake MDS stands for the volume the REST call made
		this.mds.volume("/c", Sizes.DEFAULT_SEGMENT_SIZE);
		this.rest = new FakeRestMds();
	}

	@AfterEach
	void stop() {
		this.rest.close();
		this.mds.close();
		this.chunkServers.close();
	}

	@Test
	void cloneAndFlattenCallTheRestApiAndAnswerTheStat() {
		this.rest.json("/api/v1/clones", VIEW);
		this.rest.json("/api/v1/volumes/flatten", VIEW);
		try (CurveClient client = VolumeTest.client("mds-clone:6700").mdsHttpAddresses(List.of(this.rest.address())).build()) {
			assertThat(client.clone("/v@nightly", "/c", true).path()).isEqualTo("/c");
			assertThat(client.flatten("/c").path()).isEqualTo("/c");
		}
		assertThat(this.rest.requests).extracting(FakeRestMds.Request::method, FakeRestMds.Request::path, FakeRestMds.Request::body)
			.containsExactly(tuple("POST", "/api/v1/clones", "{\"source\":\"/v@nightly\",\"path\":\"/c\",\"lazy\":true}"),
					tuple("POST", "/api/v1/volumes/flatten", "{\"path\":\"/c\"}"));
	}

	@Test
	void refusalsAreTypedCodes() {
		this.rest.problem("/api/v1/clones", 409, "CLONE_NOT_FLATTENED", "/v is a clone that reads its source");
		this.rest.problem("/api/v1/volumes/flatten", 409, "NOT_A_CLONE", "/c reads no source");
		try (CurveClient client = VolumeTest.client("mds-clone:6700").mdsHttpAddresses(List.of(this.rest.address())).build()) {
			assertCode(() -> client.clone("/v", "/c", false), ErrorCode.CLONE_NOT_FLATTENED);
			assertCode(() -> client.flatten("/c"), ErrorCode.NOT_A_CLONE);
			assertCode(() -> client.clone("v@nightly", "/c", true), ErrorCode.INVALID_PATH);
		}
		assertThat(this.rest.requests).hasSize(2);
	}

	@Test
	void withoutTheMdsHttpAddressesClonesAreRefused() {
		try (CurveClient client = VolumeTest.client("mds-clone:6700").build()) {
			assertCode(() -> client.clone("/v@nightly", "/c", true), ErrorCode.INVALID_ARGUMENT);
		}
	}

	private static void assertCode(Runnable call, ErrorCode code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(CurveException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(code));
	}

}
