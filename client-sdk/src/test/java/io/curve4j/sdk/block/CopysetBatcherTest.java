package io.curve4j.sdk.block;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.curve4j.proto.common.v1.CopysetKey;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests are sizes in bytes; every call is held until the test answers it. */
class CopysetBatcherTest {

	private static final CopysetKey COPYSET = CopysetKey.newBuilder().setLogicalPoolId(1).setCopysetId(1).build();

	private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

	private final List<Call> calls = new ArrayList<>();

	private final CopysetBatcher<Integer, Integer> batcher = new CopysetBatcher<>((address, requests, timeout) -> {
		Call call = new Call(requests, new CompletableFuture<>());
		this.calls.add(call);
		return call.answer();
	}, size -> COPYSET, size -> size);

	@Test
	void smallRequestsWaitForTheCallInFlightAndLeaveTogether() {
		List<CompletableFuture<Integer>> results = new ArrayList<>();
		for (int i = 1; i <= 10; i++) {
			results.add(this.batcher.submit("cs-1", i * 4096, TIMEOUT));
		}
		assertThat(this.calls).hasSize(1);
		assertThat(this.calls.get(0).requests()).containsExactly(4096);

		answer(0);
		assertThat(this.calls).hasSize(2);
		assertThat(this.calls.get(1).requests()).hasSize(9);
		answer(1);
		assertThat(results).allSatisfy(result -> assertThat(result).isCompleted());
		assertThat(results.get(9).join()).isEqualTo(10 * 4096);
	}

	@Test
	void aBatchNeverExceedsTheByteCapUnlessOneRequestDoes() {
		int half = CopysetBatcher.MAX_BATCH_BYTES / 2;
		this.batcher.submit("cs-1", 4096, TIMEOUT);
		for (int i = 0; i < 3; i++) {
			this.batcher.submit("cs-1", half, TIMEOUT);
		}
		this.batcher.submit("cs-1", 2 * CopysetBatcher.MAX_BATCH_BYTES, TIMEOUT);
		answer(0);
		assertThat(this.calls.get(1).requests()).containsExactly(half, half);
		answer(1);
		assertThat(this.calls.get(2).requests()).containsExactly(half);
		answer(2);
		assertThat(this.calls.get(3).requests()).as("alone, though over the cap")
			.containsExactly(2 * CopysetBatcher.MAX_BATCH_BYTES);
	}

	@Test
	void lanesArePerCopysetLeader() {
		this.batcher.submit("cs-1", 4096, TIMEOUT);
		this.batcher.submit("cs-2", 4096, TIMEOUT);
		this.batcher.submit("cs-1", 4096, TIMEOUT);
		assertThat(this.calls).hasSize(2);
	}

	private void answer(int index) {
		Call call = this.calls.get(index);
		call.answer().complete(call.requests().stream().map(CopysetBatcher.Result::of).toList());
	}

	private record Call(List<Integer> requests, CompletableFuture<List<CopysetBatcher.Result<Integer>>> answer) {
	}

}
