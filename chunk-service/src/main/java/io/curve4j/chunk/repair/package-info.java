/**
 * Pages whose checksum fails: a read that meets one is served from another replica's copy,
 * the good copy is proposed to the copyset so that each bad replica takes it, and a
 * rate-limited scrub finds bad pages no read meets.
 */
package io.curve4j.chunk.repair;
