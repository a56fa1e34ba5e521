/**
 * The chunkserver heartbeat service, which records each report in
 * {@link io.curve4j.mds.topology.ChunkServerStates} and answers with the scheduler's work
 * ({@link io.curve4j.mds.schedule.ScheduleService}), and the REST views built on both:
 * copysets and cluster status.
 */
package io.curve4j.mds.heartbeat;
