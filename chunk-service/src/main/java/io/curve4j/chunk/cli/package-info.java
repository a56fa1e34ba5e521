/**
 * Copyset membership over gRPC ({@code curve.cli.v1.CliService}): leader, peers, and
 * changes made through the leader.
 */
package io.curve4j.chunk.cli;
