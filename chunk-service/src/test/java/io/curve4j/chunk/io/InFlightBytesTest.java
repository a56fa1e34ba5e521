package io.curve4j.chunk.io;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InFlightBytesTest {

	@Test
	void refusesWhatWouldPassTheBoundUntilRequestsFinish() {
		InFlightBytes inFlight = new InFlightBytes(100);
		CompletableFuture<String> first = new CompletableFuture<>();
		assertThat(inFlight.admit(60, () -> first)).isNotDone();
		assertThatThrownBy(() -> inFlight.admit(50, () -> CompletableFuture.completedFuture("no")))
			.isInstanceOfSatisfying(CurveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.OVERLOADED));
		assertThat(inFlight.admit(40, () -> CompletableFuture.completedFuture("fits")).join()).isEqualTo("fits");
		first.complete("done");
		assertThat(inFlight.admit(100, () -> CompletableFuture.completedFuture("all")).join()).isEqualTo("all");
	}

	@Test
	void aCallThatThrowsGivesItsBytesBack() {
		InFlightBytes inFlight = new InFlightBytes(10);
		assertThatThrownBy(() -> inFlight.admit(10, () -> {
			throw new IllegalStateException("boom");
		})).isInstanceOf(IllegalStateException.class);
		assertThat(inFlight.admit(10, () -> CompletableFuture.completedFuture(1)).join()).isEqualTo(1);
	}

}
