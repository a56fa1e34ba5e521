/**
 * The errors every service and client shares: stable {@link io.curve4j.common.error.ErrorCode}s
 * with their HTTP and gRPC statuses, the exception that carries one, and their mapping to
 * and from gRPC status (with the leader hint of a NOT_LEADER answer).
 */
package io.curve4j.common.error;
