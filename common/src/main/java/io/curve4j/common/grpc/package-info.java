/**
 * What every gRPC service of ours shares on the server side: how a call is answered and
 * how any failure becomes a status with the {@code curve-error} trailer, in one place.
 */
package io.curve4j.common.grpc;
