/**
 * How a program finds and signs in to a cluster: the MDS endpoints (from the connection
 * file a local cluster writes, or given), the credentials, and the client of the MDS REST
 * API for the control plane (topology, users, cluster status).
 */
package io.curve4j.sdk.cluster;
