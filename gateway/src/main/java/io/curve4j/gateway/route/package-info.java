/**
 * Routes: {@code /api/v1/**} and the MDS's OpenAPI document to the MDS leader, found by
 * following redirects and leader hints, each route behind a circuit breaker; every error
 * the gateway itself produces is problem+json.
 */
package io.curve4j.gateway.route;
