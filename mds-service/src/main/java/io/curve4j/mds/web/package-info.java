/**
 * The edges: REST problem details and follower redirects, and the mapping of gRPC
 * failures to statuses.
 */
package io.curve4j.mds.web;
