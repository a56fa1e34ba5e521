/**
 * Client sessions on open volumes: in memory on the leader, not replicated.
 */
package io.curve4j.mds.session;
