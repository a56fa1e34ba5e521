/**
 * How a program finds and signs in to a cluster: the MDS endpoints (from the connection
 * file a local cluster writes, or given), the credentials, and the MDS REST API for the
 * control plane (topology, users, cluster status) as a typed interface over Spring's
 * {@code RestClient}.
 */
package io.curve4j.sdk.cluster;
