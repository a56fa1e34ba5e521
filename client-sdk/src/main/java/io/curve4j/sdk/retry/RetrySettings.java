package io.curve4j.sdk.retry;

import java.time.Duration;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * How the SDK retries: exponential backoff from {@code initialBackoff}, doubling up to
 * {@code maxBackoff}, each RPC bounded by {@code rpcTimeout}, and every operation as a
 * whole bounded by {@code operationTimeout} (after which it fails with
 * {@link ErrorCode#TIMEOUT}).
 *
 * @param initialBackoff wait before the first retry
 * @param maxBackoff longest wait between two attempts
 * @param rpcTimeout deadline of one RPC attempt
 * @param operationTimeout deadline of the whole operation, all retries included
 */
public record RetrySettings(Duration initialBackoff, Duration maxBackoff, Duration rpcTimeout,
		Duration operationTimeout) {

	/**
	 * 20 ms doubling to 250 ms, 5 s per RPC, 30 s per operation. The short cap matters
	 * after a chunkserver dies: its copysets elect a leader within 1-2 s, and a longer
	 * wait between tries would add up to the whole cap to the I/O stall.
	 */
	public static final RetrySettings DEFAULTS = new RetrySettings(Duration.ofMillis(20), Duration.ofMillis(250),
			Duration.ofSeconds(5), Duration.ofSeconds(30));

	public RetrySettings {
		requirePositive("initialBackoff", initialBackoff);
		requirePositive("maxBackoff", maxBackoff);
		requirePositive("rpcTimeout", rpcTimeout);
		requirePositive("operationTimeout", operationTimeout);
		if (maxBackoff.compareTo(initialBackoff) < 0) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
		}
	}

	public RetrySettings withOperationTimeout(Duration timeout) {
		return new RetrySettings(this.initialBackoff, this.maxBackoff, this.rpcTimeout, timeout);
	}

	public RetrySettings withRpcTimeout(Duration timeout) {
		return new RetrySettings(this.initialBackoff, this.maxBackoff, timeout, this.operationTimeout);
	}

	public RetrySettings withBackoff(Duration initial, Duration max) {
		return new RetrySettings(initial, max, this.rpcTimeout, this.operationTimeout);
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, name + " must be a positive duration, not " + value);
		}
	}

}
