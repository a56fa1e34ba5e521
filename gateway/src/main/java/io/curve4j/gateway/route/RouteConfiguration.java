package io.curve4j.gateway.route;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.net.MdsLeaderHttp;
import io.curve4j.discovery.MdsMemberSource;

import static org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions.circuitBreaker;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;

/**
 * The routes. {@code /api/v1/**} goes to the MDS leader with the caller's credentials
 * (the MDS verifies them); {@code /v3/api-docs/mds} is the MDS's OpenAPI document for
 * Swagger UI. Each route has its own circuit breaker: once most recent calls failed it
 * answers 503 at once for a few seconds instead of piling requests on a dead backend.
 */
@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RouteConfiguration.class);

	static final String MDS_API = "mds-api";

	static final String MDS_DOCS = "mds-docs";

	/**
	 * The registries Resilience4j's own Boot module would create; that module refuses to
	 * start on Boot 4, so the breakers' factory gets them here.
	 */
	@Bean
	CircuitBreakerRegistry circuitBreakerRegistry() {
		return CircuitBreakerRegistry.ofDefaults();
	}

	@Bean
	TimeLimiterRegistry timeLimiterRegistry() {
		return TimeLimiterRegistry.ofDefaults();
	}

	/**
	 * The MDS members: {@code curve.gateway.mds-addresses}, or, when
	 * {@code curve.discovery.mds-service} is set, the discovery client's instances of that
	 * service on its port named {@code http}, asked again at each failover.
	 */
	@Bean
	MdsLeaderProxy mdsLeaderProxy(GatewayProperties properties, MdsMemberSource mdsMemberSource) {
		return new MdsLeaderProxy(properties, new MdsLeaderHttp(
				mdsMemberSource.addresses("http", properties.getMdsAddresses()), properties.getRetryBudget()));
	}

	@Bean
	RouterFunction<ServerResponse> mdsApiRoute(MdsLeaderProxy proxy, GatewayProperties properties) {
		return route(MDS_API).route(RequestPredicates.path("/api/v1/**"), proxy::forward)
			.filter(credentials(properties))
			.filter(circuitBreaker(MDS_API))
			.onError(Throwable.class, RouteConfiguration::problem)
			.build();
	}

	@Bean
	RouterFunction<ServerResponse> mdsDocsRoute(MdsLeaderProxy proxy) {
		return route(MDS_DOCS)
			.route(RequestPredicates.GET("/v3/api-docs/mds"), request -> proxy.forward(request, "/v3/api-docs"))
			.filter(circuitBreaker(MDS_DOCS))
			.onError(Throwable.class, RouteConfiguration::problem)
			.build();
	}

	/**
	 * Breakers open when half of the last 20 calls failed (the backend unreachable or
	 * timing out; 4xx answers are successes) and probe again after 5 s. The time limit
	 * covers the whole leader search plus one slow answer.
	 */
	@Bean
	Customizer<Resilience4JCircuitBreakerFactory> circuitBreakers(GatewayProperties properties) {
		Duration limit = properties.getRetryBudget().plus(properties.getBackendTimeout());
		return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
			.circuitBreakerConfig(CircuitBreakerConfig.custom()
				.slidingWindowSize(20)
				.minimumNumberOfCalls(10)
				.failureRateThreshold(50)
				.waitDurationInOpenState(Duration.ofSeconds(5))
				.ignoreException(RouteConfiguration::clientFault)
				.build())
			.timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(limit).build())
			.build());
	}

	/** Refuses {@code /api/v1} requests that carry no credentials at all, before they use a backend. */
	private static HandlerFilterFunction<ServerResponse, ServerResponse> credentials(GatewayProperties properties) {
		return (request, next) -> {
			if (properties.isRequireCredentials() && !hasCredentials(request)) {
				return GatewayProblems.response(ErrorCode.UNAUTHENTICATED, "send Authorization: Bearer TOKEN (from "
						+ "POST /api/v1/tokens, itself signed) or the headers " + RequestSignature.OWNER_HEADER + ", "
						+ RequestSignature.DATE_HEADER + " and " + RequestSignature.SIGNATURE_HEADER);
			}
			return next.handle(request);
		};
	}

	private static boolean hasCredentials(ServerRequest request) {
		return request.headers().firstHeader(HttpHeaders.AUTHORIZATION) != null
				|| request.headers().firstHeader(RequestSignature.SIGNATURE_HEADER) != null;
	}

	static ServerResponse problem(Throwable failure, ServerRequest request) {
		Throwable t = failure;
		while (t.getCause() != null && !(t instanceof CurveException) && !(t instanceof ResponseStatusException)
				&& !(t instanceof CallNotPermittedException)) {
			t = t.getCause();
		}
		if (t instanceof CurveException ce) {
			return GatewayProblems.response(ce.code(), ce.detail());
		}
		if (t instanceof CallNotPermittedException) {
			return GatewayProblems.response(ErrorCode.UNAVAILABLE,
					"the MDS failed repeatedly; the gateway stops sending it requests for a few seconds (circuit open)");
		}
		if (t instanceof ResponseStatusException rse && rse.getStatusCode().value() == 504) {
			return GatewayProblems.response(ErrorCode.TIMEOUT, "the MDS did not answer in time");
		}
		if (t instanceof ResponseStatusException rse && rse.getStatusCode().value() == 503) {
			return GatewayProblems.response(ErrorCode.UNAVAILABLE, "the MDS is unavailable (circuit open)");
		}
		log.error("gateway failed on {} {}", request.method(), request.path(), failure);
		return GatewayProblems.response(ErrorCode.INTERNAL, "gateway error: " + failure.getClass().getSimpleName());
	}

	/** A request the gateway refused (too large): the client's fault, so it does not trip a breaker. */
	private static boolean clientFault(Throwable failure) {
		return failure instanceof CurveException ce && ce.code().httpStatus() < 500;
	}

}
