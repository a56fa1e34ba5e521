package io.curve4j.objectstore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import io.curve4j.common.metrics.LatencyBuckets;

/**
 * Times every call of an S3 client made by {@link ObjectStoreSettings#newClient}, retries
 * included, as {@code curve4j_s3_requests_seconds{operation, outcome}}. The meters go to
 * Micrometer's global registry: Spring Boot adds each service's registry to it, and the
 * FUSE client its metrics file's, so one client factory serves every process without a
 * registry to pass around.
 */
final class S3RequestMetrics implements ExecutionInterceptor {

	static final String TIMER = "curve4j.s3.requests";

	private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("curve4j.s3.started");

	/** By operation and outcome: built once each, not per request. */
	private static final Map<String, Timer> TIMERS = new ConcurrentHashMap<>();

	@Override
	public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
		attributes.putAttribute(STARTED, System.nanoTime());
	}

	@Override
	public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
		record(attributes, "success");
	}

	@Override
	public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
		record(attributes, "error");
	}

	private static void record(ExecutionAttributes attributes, String outcome) {
		Long started = attributes.getAttribute(STARTED);
		if (started == null) {
			return;
		}
		String operation = String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
		TIMERS.computeIfAbsent(operation + ' ' + outcome, key -> Timer.builder(TIMER)
			.description("Calls to the S3 object store, retries included; outcome error includes not-found answers")
			.tag("operation", operation)
			.tag("outcome", outcome)
			.serviceLevelObjectives(LatencyBuckets.storage())
			.register(Metrics.globalRegistry))
			.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
	}

}
