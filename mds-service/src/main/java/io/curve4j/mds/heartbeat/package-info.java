/**
 * Chunkserver heartbeats, liveness and reported copyset leaders (in memory on the
 * leader), and the REST views built on them: copysets and cluster status. Heartbeat
 * answers come from {@link io.curve4j.mds.schedule.ScheduleService}.
 */
package io.curve4j.mds.heartbeat;
