/**
 * How the SDK retries: Resilience4j retries with exponential backoff, bounded by an
 * overall operation deadline ({@link io.curve4j.sdk.retry.BoundedRetry}), and unary gRPC
 * calls as futures. Which errors are retried follows
 * {@link io.curve4j.common.error.ErrorCode.RetryClass}.
 */
package io.curve4j.sdk.retry;
