/**
 * The scheduler: operators (add peer, remove peer, transfer leader) planned from the
 * topology and the heartbeats, handed to copyset leaders in heartbeat answers and
 * tracked until the reported configuration shows their effect. Three schedulers plan
 * them: recovery (replace replicas of offline chunkservers, drop extra replicas), copyset
 * balance and leader balance; each can be paused.
 *
 * <p>
 * Operators live in memory on the leader MDS (a new leader plans again from what it
 * sees). What survives a failover goes through the MDS Raft group: copyset members and
 * epochs ({@code copysets} column family, {@code UpdateCopysetMembersCommand}) and which
 * schedulers are paused ({@code meta} column family, {@code PauseSchedulerCommand}).
 */
package io.curve4j.mds.schedule;
