/**
 * The edges: REST problem details and follower redirects, and the gRPC call wrapper
 * that turns failures into statuses.
 */
package io.curve4j.mds.web;
