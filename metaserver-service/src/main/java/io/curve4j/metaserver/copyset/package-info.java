/**
 * The copysets this metaserver hosts: one Raft group and one partition database each.
 */
package io.curve4j.metaserver.copyset;
