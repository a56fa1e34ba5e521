/**
 * Membership of a server of copysets (a chunkserver or a metaserver): registration with
 * the MDS, heartbeats reporting every copyset, creating the copysets the MDS assigns,
 * deleting those it removes, and running the scheduler's steps as a copyset leader.
 */
package io.curve4j.membership;
