/**
 * Where a service finds the MDS members: its static addresses, or, when
 * {@code curve.discovery.mds-service} names a service, the discovery client (in
 * Kubernetes, Spring Cloud Kubernetes' client over the service's endpoints).
 */
package io.curve4j.discovery;
